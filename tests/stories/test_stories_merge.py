"""Merges: an article matching two stories shows they are one; the older id stays, the other is findable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
from stories_support import ingest_paths  # noqa: F401  (the shared fixtures live there)

from newswatch.clean import clean
from newswatch.records import Article, Batch, Extracted
from newswatch.settings import StorySettings
from newswatch.stories.assign import StoryIndex, assign_stories
from newswatch.warehouse.loader import load_batch
from newswatch.warehouse.merges import resolve_story

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def headline(title: str, minutes: int, outlet: str) -> Article:
    url = f"https://{outlet}.example/{minutes}"
    return clean(
        Extracted(title=title, body="", published_at=T0 + timedelta(minutes=minutes)),
        source=outlet,
        url=url,
    )


HEADLINES = [
    ("Volcano erupts near Grindavik as lava reaches town's defences", 0, "alpha"),
    ("Keflavik airport suspends flights over ash cloud", 30, "beta"),
    ("Grindavik volcano eruption: Keflavik airport suspends flights, lava reaches defences", 90, "gamma"),
]


def test_a_bridging_article_merges_two_stories_into_the_older() -> None:
    index = StoryIndex(StorySettings())
    arts = [headline(*h) for h in HEADLINES]
    assign_stories(arts[:2], index)
    first, second = arts[0].story_id, arts[1].story_id
    assert first != second  # an eruption and an airport closure read as two events
    assignments, _ = assign_stories(arts[2:], index)
    merges = index.drain_merges()
    assert [(m.merged, m.into) for m in merges] == [(second, first)]
    assert arts[2].story_id == first
    assert index.resolve(second) == first
    assert assignments[0].evidence["merged"] == second


def test_merges_are_applied_in_the_warehouse_and_keep_the_old_id_findable(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    index = StoryIndex(StorySettings())
    arts = [headline(*h) for h in HEADLINES]
    for art in arts:  # one batch per article, as separate runs would load them
        batch = Batch(articles=[art])
        batch.stories, _ = assign_stories([art], index)
        batch.merges = index.drain_merges()
        load_batch(warehouse, batch, run_id="r_test")
    stories = warehouse.execute("SELECT story_id, article_count FROM stories").fetchall()
    assert stories == [(arts[0].story_id, 3)]
    merged = warehouse.execute("SELECT merged_story_id, into_story_id FROM story_merges").fetchall()
    assert len(merged) == 1 and merged[0][1] == arts[0].story_id
    assert resolve_story(warehouse, merged[0][0]) == arts[0].story_id
    ids = {r[0] for r in warehouse.execute("SELECT DISTINCT story_id FROM articles").fetchall()}
    assert ids == {arts[0].story_id}
