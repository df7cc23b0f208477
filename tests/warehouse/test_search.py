"""Full-text search: BM25 over titles and bodies, copies collapsed, grouped by story, snippets,
filters, and an index that each run keeps current without rebuilding it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from analyst import UNRELATED, build, shared, warehouse_path
from nwtest import run_plain, write_config

from newswatch.warehouse.db import connect
from newswatch.warehouse.sealed import connect_sealed, load_packaged_extension
from newswatch.warehouse.search import SCHEMA, index_is_current, refresh_index, search, snippet


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    c = connect_sealed(warehouse_path(shared(tmp_path_factory)), extensions=("fts",))
    yield c
    c.close()


def test_a_story_is_found_once_with_its_copies_collapsed(conn: duckdb.DuckDBPyConnection) -> None:
    hits = search(conn, "Taliban terror Afghan")
    assert len(hits) == 1  # two originals and one copy, one story
    hit = hits[0]
    assert hit.articles == 2 and hit.copies == 1
    assert hit.story_id and hit.story_id.startswith("s_")
    assert "**" in hit.snippet


def test_ranking_puts_the_story_about_the_words_first(conn: duckdb.DuckDBPyConnection) -> None:
    hits = search(conn, "monsoon rice Punjab")
    assert hits and hits[0].title.startswith("Monsoon rains")
    assert hits[0].outlets == ["Farm Weekly"]
    assert search(conn, "zzzyxq") == []
    assert search(conn, "   ") == []


def test_stemming_and_case_find_other_forms(conn: duckdb.DuckDBPyConnection) -> None:
    assert search(conn, "FLOODING")[0].title.startswith("Monsoon rains")


def test_filters_since_source_and_topic(conn: duckdb.DuckDBPyConnection) -> None:
    assert search(conn, "rain", since=date(2026, 11, 20))
    assert search(conn, "rain", source="Farm Weekly")
    assert search(conn, "rain", source="clips")  # the configured source counts too
    assert search(conn, "Taliban", source="Farm Weekly") == []
    # the seeds are about terrorism; the monsoon story is not tagged with it
    terror = search(conn, "Taliban rain", topic="crime-law-justice")
    assert [h.title.startswith("Monsoon") for h in terror] == [False] or terror == []
    assert all(
        not h.title.startswith("Monsoon") for h in search(conn, "rain Taliban", topic="conflict-war-peace")
    )


def test_a_query_with_sql_in_it_is_only_words(conn: duckdb.DuckDBPyConnection) -> None:
    assert search(conn, "'); drop table articles; --") == []
    assert conn.execute("select count(*) from articles").fetchone() == (4,)


def test_snippet_picks_the_sentence_with_most_terms_and_marks_them() -> None:
    text = "Nothing here. The rains came to Punjab and rice fields flooded. Rice is grown widely."
    out = snippet(text, {"rice", "punjab"}, {})
    assert out == "The rains came to **Punjab** and **rice** fields flooded."
    long = "Intro words " * 50 + "the key term appears here " + "and more words " * 50
    cut = snippet(long, {"key"}, {})
    assert "**key**" in cut and cut.startswith("…") and cut.endswith("…") and len(cut) < 260


def _segments(conn: duckdb.DuckDBPyConnection) -> list[tuple[int, int, object]]:
    return conn.execute(f"select segment, docs, created_at from {SCHEMA}.segments order by 1").fetchall()


def test_a_load_adds_a_segment_and_leaves_the_old_ones_alone(tmp_path: Path) -> None:
    config = build(tmp_path)
    wh = warehouse_path(config)
    conn = connect(wh)
    try:
        assert index_is_current(conn)
        assert refresh_index(conn).rebuilt is False
        before = _segments(conn)
        assert [docs for _, docs, _ in before] == [4]
    finally:
        conn.close()
    # a second run that changes nothing keeps the index; one that adds an article indexes that
    # article alone, into a new segment, and the first segment is the very table it was
    run_plain(config)
    extra = tmp_path / "inputs" / "second.txt"
    cyclone = UNRELATED.replace("monsoon-rice", "cyclone").replace("Monsoon rains flood", "Cyclone hits")
    extra.write_text(cyclone, encoding="utf-8")
    run_plain(config)
    conn = connect_sealed(wh, extensions=("fts",))
    try:
        after = _segments(conn)
        assert after[0] == before[0]  # same id, same size, same creation time: not rebuilt
        assert [docs for _, docs, _ in after[1:]] == [1]
        assert conn.execute(f"select num_docs from {SCHEMA}.stats").fetchone() == (5,)
        assert any("**Cyclone**" in h.snippet for h in search(conn, "cyclone"))
        # the new article's words count in the collection-wide document frequency
        assert conn.execute(f"select df from {SCHEMA}.terms where term = 'cyclon'").fetchone() == (1,)
        assert conn.execute(f"select df from {SCHEMA}.terms where term = 'rice'").fetchone() == (2,)
    finally:
        conn.close()


def test_an_empty_warehouse_answers_with_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    config = write_config(tmp_path, f'[[sources]]\nname = "none"\nkind = "files"\npath = "{empty}"\n')
    run_plain(config)
    conn = connect_sealed(tmp_path / "nw.duckdb", extensions=("fts",))
    try:
        assert search(conn, "anything") == []
    finally:
        conn.close()


def test_a_warehouse_without_an_index_says_how_to_build_it(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from newswatch.errors import WarehouseError

    wh = tmp_path / "copy.duckdb"
    shutil.copy(warehouse_path(shared(tmp_path_factory)), wh)
    conn = connect(wh)
    conn.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
    conn.close()
    conn = connect_sealed(wh, extensions=("fts",))
    try:
        with pytest.raises(WarehouseError, match="newswatch reindex"):
            search(conn, "Taliban")
    finally:
        conn.close()


def _with_fts_index(source: Path, target: Path) -> duckdb.DuckDBPyConnection:
    """A copy of the warehouse at ``source`` with fts's own index built over it (the reference)."""
    shutil.copy(source, target)
    conn = connect(target)
    load_packaged_extension(conn, "fts")
    conn.execute(
        "PRAGMA create_fts_index('articles', 'article_id', 'title', 'body', stemmer = 'porter',"
        " stopwords = 'english', strip_accents = 1, lower = 1, overwrite = 1)"
    )
    return conn


def _ranked(conn: duckdb.DuckDBPyConnection, query: str, *, fast: bool) -> list[tuple[object, ...]]:
    return [
        (h.story_id, round(h.score, 9), h.articles, h.copies, h.matched)
        for h in search(conn, query, fast=fast, limit=1000)
    ]


QUERIES = ["Taliban terror Afghan", "rain", "China Pakistan rice", "the", "visible verifiable", "zzzyxq"]


def test_the_postings_rank_exactly_as_the_fts_macro(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    conn = _with_fts_index(warehouse_path(shared(tmp_path_factory)), tmp_path / "ref.duckdb")
    try:
        for query in QUERIES:
            assert _ranked(conn, query, fast=True) == _ranked(conn, query, fast=False), query
    finally:
        conn.close()


def _article(n: int, body: str, story: str, copy_of: str | None = None) -> dict[str, object]:
    return {
        "article_id": f"a{n:03d}", "source": f"outlet{n % 3}", "origin": "test", "url": f"https://x.example/{n}",
        "canonical_url": f"https://x.example/{n}",
        "title": f"Report {n}: {body.split('.')[0]}", "body": body, "story_id": story, "copy_of": copy_of,
        "content_hash": f"h{n}", "word_count": len(body.split()),
    }  # fmt: skip


def _insert(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, object]]) -> None:
    for r in rows:
        names = ", ".join(r)
        conn.execute(
            f"INSERT INTO articles ({names}, first_seen_at, updated_at, run_id)"
            f" VALUES ({', '.join('?' * len(r))}, now(), now(), 'r_test')",
            list(r.values()),
        )


TEXTS = [
    "Floods hit the river towns after days of rain. Farmers lost rice and wheat.",
    "The central bank raised rates again. Markets fell as traders sold bonds.",
    "A cyclone made landfall on the coast. Thousands left their homes before the storm.",
    "Election results were delayed in three districts. Officials counted the ballots again.",
    "Rain and wind closed the airport. Flights to the capital were cancelled.",
]


def test_loads_deletes_rewrites_merges_and_relinks_keep_bm25_exact(tmp_path: Path) -> None:
    """Many small loads, merged two by two, with deletions, rewritten texts and story moves between
    them: the scores equal fts's index built once over the final articles, and only the new
    articles were tokenised at each load."""
    wh = tmp_path / "inc.duckdb"
    conn = connect(wh)
    try:
        n = 0
        for load in range(7):
            rows = []
            for _ in range(3 + load):
                # a length of its own per article, so no two scores tie and the order is defined
                text = TEXTS[n % len(TEXTS)] + f" Item {n} of load {load}." + " Note" * n
                rows.append(_article(n, text, f"s_{n % 4}"))
                n += 1
            _insert(conn, rows)
            done = refresh_index(conn, fanout=2)
            assert done.added == len(rows) and done.removed == 0
            assert done.segments <= 3  # merged log-structured: few segments whatever the loads
        assert done.merged > 0
        # one article deleted, one rewritten, one moved to another story, one made a copy
        conn.execute("DELETE FROM articles WHERE article_id = 'a003'")
        conn.execute(
            "UPDATE articles SET body = 'Volcano ash covered the valley villages.', updated_at = now()"
            " WHERE article_id = 'a004'"
        )
        conn.execute("UPDATE articles SET story_id = 's_moved' WHERE article_id = 'a005'")
        conn.execute("UPDATE articles SET copy_of = 'a000' WHERE article_id = 'a008'")
        done = refresh_index(conn, fanout=2)
        assert (done.added, done.removed, done.relinked) == (1, 2, 2)
        assert index_is_current(conn)
    finally:
        conn.close()
    conn = _with_fts_index(wh, tmp_path / "ref.duckdb")
    try:
        for query in ["rain", "rice rain airport", "volcano", "cyclone storm", "bank", "Item 5", "load"]:
            fast = _ranked(conn, query, fast=True)
            assert fast == _ranked(conn, query, fast=False), query
        assert search(conn, "volcano")[0].article_id == "a004"
        # a008 matches as a copy, collapsed into its original a000 (which does not match)
        assert any(h.article_id == "a000" and h.copies == 1 for h in search(conn, "election ballots"))
        assert any(h.story_id == "s_moved" for h in search(conn, "Item 5"))
    finally:
        conn.close()


def test_a_story_merge_makes_the_index_stale(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    wh = tmp_path / "copy.duckdb"
    shutil.copy(warehouse_path(shared(tmp_path_factory)), wh)
    conn = connect(wh)
    try:
        assert index_is_current(conn)
        # what apply_merges does: articles move to another story, updated_at untouched
        conn.execute("UPDATE articles SET story_id = 's_merged' WHERE title LIKE 'Monsoon%'")
        assert not index_is_current(conn)
        assert refresh_index(conn).rebuilt
    finally:
        conn.close()
    conn = connect_sealed(wh, extensions=("fts",))
    try:
        assert search(conn, "monsoon")[0].story_id == "s_merged"
    finally:
        conn.close()


def test_a_refresh_that_fails_midway_leaves_the_index_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newswatch.warehouse import search_index

    wh = tmp_path / "crash.duckdb"
    conn = connect(wh)
    try:
        _insert(conn, [_article(n, TEXTS[n], f"s_{n}") for n in range(3)])
        refresh_index(conn)

        def snapshot() -> tuple[object, ...]:
            return tuple(
                conn.execute(f"select * from {SCHEMA}.{t} order by all").fetchall()
                for t in ("segments", "docs", "terms", "stats")
            )

        before = snapshot()
        _insert(conn, [_article(n, TEXTS[n], f"s_{n}") for n in range(3, 5)])
        conn.execute("DELETE FROM articles WHERE article_id = 'a000'")

        def fail(*_: object) -> int:  # after the removal and the new segment, before the merge
            raise RuntimeError("killed")

        monkeypatch.setattr(search_index, "_merge", fail)
        with pytest.raises(RuntimeError, match="killed"):
            refresh_index(conn)
        assert snapshot() == before
        assert conn.execute(
            f"select count(*) from duckdb_tables() where schema_name = '{SCHEMA}'"
            " and regexp_matches(table_name, '^seg_[0-9]+$')"
        ).fetchone() == (1,)
        monkeypatch.undo()
        done = refresh_index(conn)
        assert (done.added, done.removed, done.articles) == (2, 1, 4)
    finally:
        conn.close()


def test_the_rebuilt_index_of_earlier_versions_is_dropped(tmp_path: Path) -> None:
    conn = connect(tmp_path / "old.duckdb")
    try:
        _insert(conn, [_article(0, TEXTS[0], "s_0")])
        conn.execute("CREATE SCHEMA fts_main_articles")
        conn.execute("CREATE TABLE fts_main_articles.built_from (articles BIGINT)")
        assert refresh_index(conn).added == 1
        gone = "select count(*) from duckdb_schemas() where schema_name = 'fts_main_articles'"
        assert conn.execute(gone).fetchone() == (0,)
    finally:
        conn.close()
