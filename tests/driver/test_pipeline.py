"""Every stage on a real DuckDB file, without Prefect: counts, idempotence, updates, the digest."""

import contextlib
import gzip
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from nwtest import FIXTURES, SEED_000, run_plain, write_config

from newswatch.warehouse.db import connect
from newswatch.warehouse.reports import render_digest

TABLES = (
    "articles",
    "stories",
    "article_topics",
    "article_entities",
    "story_links",
    "copy_signatures",
    "raw_documents",
)


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "articles": conn.execute(
                "SELECT article_id, story_id, copy_of, content_hash, first_seen_at FROM articles ORDER BY 1"
            ).fetchall(),
            "stories": conn.execute("SELECT * FROM stories ORDER BY 1").fetchall(),
            "topics": conn.execute(
                "SELECT article_id, topic, score FROM article_topics ORDER BY 1, 2"
            ).fetchall(),
            "counts": [(t, conn.execute(f"SELECT count(*) FROM {t}").fetchone()) for t in TABLES],
        }
    finally:
        conn.close()


def test_seeds_end_to_end_then_a_rerun_changes_nothing(tmp_path: Path, seeds_dir: Path) -> None:
    config = write_config(tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n')
    stats = run_plain(config)
    assert (stats.read, stats.new, stats.copies, stats.failed, stats.stories_new) == (2, 2, 0, 0, 1)
    db = tmp_path / "nw.duckdb"
    conn = duckdb.connect(str(db), read_only=True)
    assert conn.execute("SELECT count(*), count(DISTINCT story_id) FROM articles").fetchone() == (2, 1)
    assert conn.execute("SELECT article_count, source_count FROM stories").fetchone() == (2, 1)
    topics = {r[0] for r in conn.execute("SELECT DISTINCT topic FROM article_topics").fetchall()}
    assert {"terrorism", "diplomacy", "international-relations", "cpec"} <= topics
    body = conn.execute("SELECT body FROM articles WHERE title LIKE 'Pakistan, China press%'").fetchone()
    assert body is not None and "COMMENTS" not in body[0]
    assert conn.execute("SELECT count(*) FROM raw_documents").fetchone() == (2,)
    conn.close()

    before = snapshot(db)
    again = run_plain(config)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert snapshot(db) == before
    conn = duckdb.connect(str(db), read_only=True)
    outcomes = conn.execute("SELECT outcome, count(*) FROM fetches GROUP BY 1 ORDER BY 1").fetchall()
    runs = conn.execute(
        "SELECT status, articles_new, articles_unchanged FROM runs ORDER BY started_at"
    ).fetchall()
    conn.close()
    assert outcomes == [("ok", 2), ("unchanged", 2)]
    assert runs == [("completed", 2, 0), ("completed", 0, 2)]


def test_copies_bad_files_unrelated_pages_and_an_update(tmp_path: Path, seeds_dir: Path) -> None:
    extra = tmp_path / "more"
    extra.mkdir()
    text = SEED_000.read_text(encoding="utf-8")
    title, _, rest = text.partition("\n")
    (extra / "wire-copy.txt").write_text(
        f"{title} | Wire\n\nShare this article\n{rest.strip()}\n"
        "Subscribe to our newsletter for daily updates\n"
        "COMMENTS (12)\nAll comments are the views of readers.\n",
        encoding="utf-8",
    )
    (extra / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (extra / "covid.html").write_text(
        gzip.decompress((FIXTURES / "pages" / "bbc.com.52241221.html.gz").read_bytes()).decode("utf-8"),
        encoding="utf-8",
    )
    config = write_config(
        tmp_path,
        f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n\n'
        f'[[sources]]\nname = "more"\nkind = "files"\npath = "{extra}"\n',
    )
    stats = run_plain(config)
    assert (stats.read, stats.new, stats.copies, stats.failed) == (4, 4, 1, 1)
    db = tmp_path / "nw.duckdb"
    conn = duckdb.connect(str(db), read_only=True)
    copy = conn.execute(
        "SELECT a.copy_of, a.story_id, o.story_id FROM articles a JOIN articles o ON a.copy_of = o.article_id"
    ).fetchall()
    assert len(copy) == 1 and copy[0][1] == copy[0][2]  # a copy joins its original's story
    assert conn.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone() == (2,)
    seeds_story = conn.execute(
        "SELECT article_count, version_count FROM stories WHERE title LIKE 'Pakistan%'"
    ).fetchone()
    assert seeds_story == (2, 3)  # the copy is counted once, kept as a version
    failure = conn.execute("SELECT outcome, error FROM fetches WHERE url LIKE '%broken.txt'").fetchone()
    assert failure is not None and failure[0] == "binary" and "broken.txt" in failure[1]
    ids = dict(conn.execute("SELECT url, article_id FROM articles").fetchall())
    conn.close()

    # An edited file is the same article, updated in place: same id, same story, new text.
    seed_file = seeds_dir / SEED_000.name
    seed_file.write_text(
        seed_file.read_text(encoding="utf-8") + "\nA correction was appended.\n", encoding="utf-8"
    )
    stats = run_plain(config)
    assert (stats.new, stats.updated, stats.unchanged) == (0, 1, 3)
    conn = duckdb.connect(str(db), read_only=True)
    assert dict(conn.execute("SELECT url, article_id FROM articles").fetchall()) == ids
    assert conn.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone() == (2,)
    assert conn.execute(
        "SELECT count(*) FROM articles WHERE body LIKE '%correction was appended%'"
    ).fetchone() == (1,)
    conn.close()


def test_digest_lists_the_story_with_sources_topics_and_counts(tmp_path: Path, seeds_dir: Path) -> None:
    config = write_config(tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n')
    run_plain(config)
    conn = connect(tmp_path / "nw.duckdb", read_only=True)
    today = datetime.now(UTC).date()
    md = render_digest(conn, today, "md")
    html = render_digest(conn, today, "html")
    empty = render_digest(conn, today.replace(year=today.year - 1), "md")
    conn.close()
    assert "1 story (1 new)" in md
    assert "2 articles from 1 outlet" in md
    assert "*act of terror*" in md and "*diplomacy*" in md  # most specific topics, one tag each
    assert "file://" not in md and "file://" not in html  # seeds have no web address: no links
    # the two seeds were seen at once: the headline is the version closest to the other
    assert (
        "<h3>Pakistan and China call for ‘visible and verifiable’ steps" in html
        or "<h3>Pakistan, China press Taliban for verifiable action on terror" in html
    )
    assert "No stories were first seen or updated" in empty


def test_a_killed_batch_leaves_nothing_half_written(tmp_path: Path, seeds_dir: Path, monkeypatch) -> None:
    import newswatch.warehouse.loader as loader

    config = write_config(tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n')

    def boom(conn, story_ids):  # dies after articles, topics, links were inserted
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "refresh_stories", boom)
    with contextlib.suppress(KeyboardInterrupt):
        run_plain(config)
    conn = duckdb.connect(str(tmp_path / "nw.duckdb"), read_only=True)
    for table in ("articles", "article_topics", "story_links", "copy_signatures", "raw_documents"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    conn.close()
    monkeypatch.undo()
    stats = run_plain(config)  # a rerun picks everything up
    assert stats.new == 2
