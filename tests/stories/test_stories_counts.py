"""Counts as look-alike evidence: the same thing counted with other figures lowers a match."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newswatch.clean import clean
from newswatch.records import Article, Extracted
from newswatch.settings import StorySettings
from newswatch.stories import StoryIndex, assign_stories
from newswatch.stories.assign import COUNT_CONFLICT, StoryFeatures
from newswatch.stories.counts import conflicting_counts, counts_of

T0 = datetime(2025, 4, 28, 6, 0, tzinfo=UTC)


def article(outlet: str, title: str, body: str, hours: float) -> Article:
    return clean(
        Extracted(title=title, body=body, published_at=T0 + timedelta(hours=hours)),
        source=outlet,
        url=f"https://{outlet}.example/{abs(hash(title + body)) % 10**8}",
    )


def test_counts_read_the_counted_word_and_skip_durations_and_shares() -> None:
    found = counts_of(
        "Seven people died and 2,400 workers walked out for three days; turnout was 40 percent."
    )
    assert found == {"people": {"7"}, "worker": {"2400"}}
    assert counts_of("No figures here at all.") == {}


def test_a_conflict_needs_disjoint_figures_that_neither_side_states() -> None:
    mine = {"people": frozenset({"7"})}
    assert conflicting_counts(mine, {"people": {"40"}}, {"7"}, {"40"}) == ["people"]
    # The toll rose: the later account states the earlier figure too ("eight, up from seven").
    assert conflicting_counts(mine, {"people": {"8"}}, {"7"}, {"7", "8"}) == []
    assert conflicting_counts(mine, {"people": {"7", "9"}}, {"7"}, {"7", "9"}) == []
    assert conflicting_counts(mine, {"house": {"40"}}, {"7"}, {"40"}) == []


QUAKE = """A magnitude 5.8 earthquake struck near the town of Malatya in eastern Turkey on Tuesday,
killing {toll} people and damaging {homes} homes, the disaster agency AFAD said. Rescue teams searched
collapsed buildings through the night and the interior ministry sent tents and blankets to the
province. Aftershocks rattled the region into the morning."""


def test_another_toll_lowers_the_score_and_is_explained() -> None:
    first = article(
        "desk-a", "Earthquake in eastern Turkey kills several", QUAKE.format(toll=12, homes=300), 0
    )
    same = article("desk-b", "Quake near Malatya leaves dead", QUAKE.format(toll=12, homes=300), 2)
    other = article("desk-c", "Quake near Malatya leaves dead", QUAKE.format(toll=41, homes=950), 2)
    index = StoryIndex(StorySettings(embeddings="none"))
    assign_stories([first], index)
    story = index.stories[index.resolve(first.story_id or "")]
    agree = index.score(StoryFeatures.of(same, ""), story)
    differ = index.score(StoryFeatures.of(other, ""), story)
    assert differ[1]["other_counts"] == ["people: 41, not 12", "home: 950, not 300"]
    assert "other_counts" not in agree[1]
    assert differ[0] < agree[0] * (COUNT_CONFLICT + 0.05)


def test_a_rising_toll_that_states_the_old_figure_stays_one_story() -> None:
    first = article("desk-a", "Earthquake in eastern Turkey kills 12", QUAKE.format(toll=12, homes=300), 0)
    later = article(
        "desk-b",
        "Malatya quake toll rises",
        QUAKE.format(toll=15, homes=300) + " The toll rose from 12 overnight as rescuers reached villages.",
        8,
    )
    index = StoryIndex(StorySettings(embeddings="none"))
    assignments, _ = assign_stories([first, later], index)
    assert first.story_id == later.story_id, assignments[1].evidence
    assert "other_counts" not in assignments[1].evidence
