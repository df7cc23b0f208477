"""The batch load writes each table in one statement: rows, types and upserts as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newswatch.records import Batch, EntityMention, Fetch, RawDocument, TopicTag
from newswatch.topics.evaluate import headline_article
from newswatch.warehouse.db import connect
from newswatch.warehouse.loader import decode_raw, load_batch


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
    assert [decode_raw(r[0]) for r in raw] == [b"<html>new</html>"]
    assert conn.execute("SELECT count(*), min(status), min(outcome) FROM fetches").fetchone() == (
        2,
        200,
        "article",
    )


def test_rows_through_json_keep_every_value_and_odd_values_still_load(tmp_path: Path) -> None:
    """The JSON path (one parameter per statement) stores exactly what binding each value stored;
    rows JSON cannot carry (NaN) take the typed-list path."""
    import math
    from datetime import UTC, datetime, timedelta, timezone

    from newswatch.warehouse.bulk import insert_rows

    conn = connect(tmp_path / "w.duckdb")
    conn.execute(
        "CREATE TABLE t (s VARCHAR, i BIGINT, d DOUBLE, b BOOLEAN, ts TIMESTAMPTZ, l VARCHAR[], j JSON)"
    )
    local = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=timezone(timedelta(hours=-5)))
    rows = [
        ['é "q" \\ \n\t', 2**40, 0.1 + 0.2, True, local, ["a", "ü", ""], '{"k": ["v", 1]}'],
        [None, None, None, None, None, [], None],
        ["x", -1, 1e-300, False, datetime(2026, 1, 1), None, "null"],
    ]
    types = ("VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "TIMESTAMPTZ", "VARCHAR[]", "JSON")
    insert_rows(conn, "INSERT INTO t", types, rows)
    got = conn.execute("SELECT * FROM t ORDER BY i NULLS LAST").fetchall()
    assert got[0][:5] == ("x", -1, 1e-300, False, datetime(2026, 1, 1, tzinfo=UTC))
    assert got[1][:4] == (rows[0][0], 2**40, 0.1 + 0.2, True)
    assert got[1][4] == local and got[1][5:] == (["a", "ü", ""], '{"k": ["v", 1]}')
    assert got[2] == (None, None, None, None, None, [], None)
    insert_rows(conn, "INSERT INTO t (s, d)", ("VARCHAR", "DOUBLE"), [["nan", math.nan]])
    # as binding the value always did (DuckDB binds a Python NaN as NULL)
    assert conn.execute("SELECT d FROM t WHERE s = 'nan'").fetchall() == [(None,)]


def test_rows_with_blobs_load_in_chunks_and_keep_every_value(tmp_path: Path, monkeypatch: Any) -> None:
    """Blob rows go in as multi-row VALUES of scalar parameters, a few hundred rows per statement."""
    from datetime import UTC, datetime

    import newswatch.warehouse.bulk as bulk

    monkeypatch.setattr(bulk, "VALUES_ROWS", 2)  # 5 rows: three statements
    conn = connect(tmp_path / "w.duckdb")
    conn.execute("CREATE TABLE u (k VARCHAR PRIMARY KEY, n INTEGER, b BLOB, ts TIMESTAMPTZ)")
    types = ("VARCHAR", "INTEGER", "BLOB", "TIMESTAMPTZ")
    rows = [[f"k{i}", i, bytes(range(256)) * i + b"\\x00", datetime(2026, 1, 1 + i)] for i in range(4)]
    rows.append(["none", None, b"", None])
    bulk.insert_rows(conn, "INSERT INTO u", types, rows)
    got = conn.execute("SELECT * FROM u ORDER BY k").fetchall()
    assert got == [
        *[(k, n, b, ts.replace(tzinfo=UTC)) for k, n, b, ts in rows[:4]],  # naive: the session's UTC
        ("none", None, b"", None),
    ]
    bulk.insert_rows(
        conn,
        "INSERT INTO u",
        types,
        [["k1", 7, b"new", None]],
        "ON CONFLICT (k) DO UPDATE SET b = excluded.b",
    )
    assert conn.execute("SELECT n, b FROM u WHERE k = 'k1'").fetchone() == (1, b"new")


def test_a_batch_of_new_and_known_articles_inserts_some_and_updates_the_others(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    conn = connect(tmp_path / "w.duckdb")
    first = headline_article("Harbour berth opens", 1)
    first.origin, first.first_seen_at = "feed-a", datetime(2026, 1, 1, tzinfo=UTC)
    load_batch(conn, Batch(articles=[first]), run_id="r1")
    again = headline_article("Harbour berth opens after two years", 1)  # the same URL, read again
    again.origin, again.first_seen_at = "feed-b", datetime(2026, 2, 2, tzinfo=UTC)
    new = headline_article("Ferry timetable changes", 2)
    load_batch(conn, Batch(articles=[again, new]), run_id="r2")
    rows = conn.execute(
        "SELECT article_id, title, origin, first_seen_at, run_id FROM articles ORDER BY article_id"
    ).fetchall()
    assert rows == [
        ("h1", again.title, "feed-a", datetime(2026, 1, 1, tzinfo=UTC), "r2"),  # kept: origin, first seen
        ("h2", new.title, "eval", new.first_seen_at, "r2"),
    ]
