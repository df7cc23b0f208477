"""Time done right: an article without a publication date is never placed at the time it was read.

The seeds carry no date; a dated page copying one of them and a syndicated copy of the other must
leave all four in one story, the copies as copies, and a rerun must change no id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from stories_support import FIXTURES, SEEDS, ingest_paths

from newswatch.settings import Settings
from newswatch.stories.when import AHEAD_DAYS, Day, When, gap_hours, text_time

T = datetime(2026, 1, 5, 12, tzinfo=UTC)
LATER = datetime(2026, 12, 6, tzinfo=UTC)  # read eleven months later


def _rows(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None, object]]:
    rows = conn.execute("SELECT article_id, copy_of, story_id, published_at FROM articles").fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


@pytest.mark.parametrize("dated", ["seeds_dated", "seeds_dated_other"])
def test_undated_seeds_with_a_dated_copy_and_a_syndicated_copy_are_one_story(
    dated: str, warehouse: duckdb.DuckDBPyConnection
) -> None:
    paths = [SEEDS, FIXTURES / dated]
    ingest_paths(warehouse, paths, Settings())
    rows = _rows(warehouse)
    assert len(rows) == 4
    assert sum(pub is not None for _, _, pub in rows.values()) == 1  # the page alone has a date
    assert len({copy_of or aid for aid, (copy_of, _, _) in rows.items()}) == 2  # two copy groups
    assert len({sid for _, sid, _ in rows.values()}) == 1
    # The story link of the undated original that was scored says what its time was read from.
    evidence = warehouse.execute(
        "SELECT evidence FROM story_links WHERE NOT opened_story AND matched_article_id IS NULL"
    ).fetchall()
    assert evidence and any('"time"' in e[0] for e in evidence)
    stats = ingest_paths(warehouse, paths, Settings())  # rerun: nothing changes
    assert stats.new == 0 and stats.unchanged == 4
    assert _rows(warehouse) == rows


def test_the_dated_copy_arriving_in_a_later_run_joins_the_undated_seeds_story(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    ingest_paths(warehouse, [SEEDS], Settings())
    first = _rows(warehouse)
    assert len({sid for _, sid, _ in first.values()}) == 1
    ingest_paths(warehouse, [FIXTURES / "seeds_dated"], Settings())
    rows = _rows(warehouse)
    assert {k: v for k, v in rows.items() if k in first} == first  # no id moved
    assert len({sid for _, sid, _ in rows.values()}) == 1


def test_dateline_and_stated_dates() -> None:
    t = text_time("Seven dead", "CARCASSONNE, France, Oct 14 - Seven people died on Monday.")
    assert t.dateline == Day(10, 14)
    t = text_time("Talks", "OSLO, March 20 (Reuters) - The bank raised rates.")
    assert t.dateline == Day(3, 20)
    t = text_time(
        "Visit",
        "Dar visited China from January 3 to January 5. The next round will be held on March 3. "
        "A bombing on 12 October 2024 killed five.",
    )
    assert t.dateline is None
    assert t.stated == (Day(1, 3), Day(1, 5), Day(10, 12, 2024))  # not the future March 3
    assert text_time("May rain", "Prices may 10 times... in May 2025.").stated == ()


def test_year_less_dates_resolve_against_the_other_side() -> None:
    assert Day(12, 4).near(T) == datetime(2025, 12, 4, tzinfo=UTC)
    assert Day(1, 21).before(T) == datetime(2026, 1, 21, tzinfo=UTC)  # within AHEAD_DAYS
    far = T + timedelta(days=AHEAD_DAYS + 30)
    assert Day(far.month, far.day).before(T) == far.replace(year=far.year - 1, hour=0)


def test_gap_rules() -> None:
    dated_story = (T, T + timedelta(hours=6))
    unknown = When(None, LATER, text_time("x", "No date here."))
    assert gap_hours(unknown, *dated_story, None) == 0  # unknown time is no evidence
    earlier = When(None, LATER, text_time("x", "Talks were held on December 4."))
    assert gap_hours(earlier, *dated_story, None) == 0  # written on or after December 4: compatible
    later = When(None, LATER, text_time("x", "The deal was signed on January 21."))
    assert gap_hours(later, *dated_story, None) > 7 * 24  # written after January 21: not this story
    dateline = When(None, LATER, text_time("x", "ISLAMABAD, Jan 5 - Talks ended."))
    assert gap_hours(dateline, *dated_story, None) == 0
    old = When(None, LATER, text_time("x", "ISLAMABAD, Nov 20 - Talks ended."))
    assert gap_hours(old, *dated_story, None) > 24 * 40
    # Against a story with no dated member: what both texts say.
    assert gap_hours(dateline, None, None, later) == 16 * 24 - 24  # January 21 is after January 5 (+1 day)
    assert gap_hours(earlier, None, None, unknown) == 0
    # A dated article is read against the undated founder's text the same way.
    assert gap_hours(When(T, T, text_time("x", "")), None, None, later) > 7 * 24


def test_an_undated_article_read_late_does_not_age_the_dated_stories(tmp_path: Path) -> None:
    from newswatch.clean import clean
    from newswatch.records import Extracted
    from newswatch.settings import StorySettings
    from newswatch.stories import StoryIndex, assign_stories

    dated = clean(
        Extracted(title="Volcano erupts near Grindavik", body="", published_at=T),
        source="a",
        url="https://a/1",
    )
    undated = clean(
        Extracted(title="Grindavik eruption: lava reaches town", body=""), source="b", url="https://b/1"
    )
    undated.first_seen_at = LATER
    index = StoryIndex(StorySettings(embeddings="none"))
    assign_stories([dated, undated], index)
    assert index.prune() == 0
    assert undated.story_id == dated.story_id
