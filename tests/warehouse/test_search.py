"""Full-text search: BM25 over titles and bodies, copies collapsed, grouped by story, snippets,
filters, and an index that each run keeps current."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from analyst import UNRELATED, build, shared, warehouse_path
from nwtest import run_plain, write_config

from newswatch.warehouse.db import connect
from newswatch.warehouse.sealed import connect_sealed
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


def test_the_index_is_rebuilt_only_when_articles_changed(tmp_path: Path) -> None:
    config = build(tmp_path)
    wh = warehouse_path(config)
    conn = connect(wh)
    try:
        assert index_is_current(conn)
        assert refresh_index(conn).rebuilt is False
    finally:
        conn.close()
    # a second run that changes nothing keeps the index; one that adds an article rebuilds it
    run_plain(config)
    extra = tmp_path / "inputs" / "second.txt"
    cyclone = UNRELATED.replace("monsoon-rice", "cyclone").replace("Monsoon rains flood", "Cyclone hits")
    extra.write_text(cyclone, encoding="utf-8")
    run_plain(config)
    conn = connect_sealed(wh, extensions=("fts",))
    try:
        assert any("**Cyclone**" in h.snippet for h in search(conn, "cyclone"))
        assert conn.execute(f"select articles from {SCHEMA}.built_from").fetchone() == (5,)
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


@pytest.mark.parametrize(
    "query", ["Taliban terror Afghan", "rain", "China Pakistan rice", "the", "visible verifiable", "zzzyxq"]
)
def test_the_postings_path_ranks_exactly_as_the_fts_macro(
    conn: duckdb.DuckDBPyConnection, query: str
) -> None:
    fast = [(h.story_id, round(h.score, 9), h.articles, h.copies, h.matched) for h in search(conn, query)]
    reference = [
        (h.story_id, round(h.score, 9), h.articles, h.copies, h.matched)
        for h in search(conn, query, fast=False)
    ]
    assert fast == reference


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
