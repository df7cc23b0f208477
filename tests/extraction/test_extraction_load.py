"""The batch load writes each table in one statement: rows, types and upserts as before."""

from __future__ import annotations

import zlib
from pathlib import Path

from newswatch.records import Batch, EntityMention, Fetch, RawDocument, TopicTag
from newswatch.topics_eval import headline_article
from warehouse.db import connect
from warehouse.loader import load_batch


def test_batch_rows_round_trip_and_reload_is_idempotent(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    art = headline_article("Harbour berth opens after two years of work")
    art.body = "The harbour authority opened the new berth on Monday."
    art.authors = ("Ana Ruiz", "Li Wei")
    url = art.url
    batch = Batch(
        articles=[art],
        tags=[TopicTag(art.article_id, "economy", 2.5, ("title: harbour ×1: …",))],
        entities=[EntityMention(art.article_id, "Ana Ruiz", "person", 2, None, None, ("A. Ruiz",))],
        # the same page twice (two feeds list it): one raw row, the last one
        raw=[
            RawDocument(url, "text/html", b"<html>old</html>"),
            RawDocument(url, "text/html", b"<html>new</html>"),
        ],
        fetches=[Fetch(url=url, source="test", status=200, outcome="article", article_id=art.article_id)],
    )
    for _ in range(2):
        load_batch(conn, batch, run_id="r1")
    assert conn.execute("SELECT title, authors, word_count FROM articles").fetchall() == [
        (art.title, ["Ana Ruiz", "Li Wei"], art.word_count)
    ]
    assert conn.execute("SELECT topic, score, evidence FROM article_topics").fetchall() == [
        ("economy", 2.5, ["title: harbour ×1: …"])
    ]
    assert conn.execute("SELECT entity_id, aliases FROM entities").fetchall() == [
        ("person:Ana Ruiz", ["A. Ruiz"])
    ]
    assert conn.execute("SELECT mentions FROM article_entities").fetchall() == [(2,)]
    raw = conn.execute("SELECT content FROM raw_documents").fetchall()
    assert [zlib.decompress(r[0]) for r in raw] == [b"<html>new</html>"]
    assert conn.execute("SELECT count(*), min(status), min(outcome) FROM fetches").fetchone() == (
        2,
        200,
        "article",
    )
