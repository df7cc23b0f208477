"""CI gate: story clustering on 2,413 real headlines (UCI News Aggregator, CC BY 4.0) keeps its scores.

The floors sit a little under what the default settings reach (docs/benchmarks.md, "Story
quality"), so a change that makes clustering worse fails here; raise them when it gets better.
"""

from __future__ import annotations

from stories_support import FIXTURES

from bench.stories import bcubed, evaluate, pairwise
from newswatch.settings import Settings

DEV = FIXTURES / "uci_news_aggregator_dev.csv"
FULLTEXT = FIXTURES / "fulltext" / "events.jsonl"
# Default settings (static embeddings on): B-cubed 0.913 / 0.796 / 0.851, pairwise F1 0.859.
FLOORS = {
    "bcubed_f1": 0.83,
    "bcubed_precision": 0.89,
    "bcubed_recall": 0.77,
    "pairwise_f1": 0.84,
}


def test_story_scores_on_the_dev_headlines_stay_above_their_floors() -> None:
    scores = evaluate(DEV, Settings()).as_dict()
    assert scores["articles"] == 2413 and scores["gold_stories"] == 40
    low = {k: (scores[k], floor) for k, floor in FLOORS.items() if scores[k] < floor}
    assert not low, f"below the floor (score, floor): {low}"


def test_full_text_events_and_look_alikes_stay_above_their_floor() -> None:
    # Default settings: B-cubed 0.931 / 0.961 / 0.946 on the 34 articles (fulltext/README.md).
    scores = evaluate(FULLTEXT, Settings()).as_dict()
    assert scores["articles"] == 34 and scores["gold_stories"] == 18
    assert scores["bcubed_f1"] >= 0.92, scores
    assert scores["bcubed_precision"] >= 0.90 and scores["bcubed_recall"] >= 0.92, scores


def test_the_metrics_on_small_known_cases() -> None:
    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert pairwise(gold, gold) == (1.0, 1.0, 1.0)
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    one = dict.fromkeys(gold, "s")  # everything in one story: full recall, half precision
    assert pairwise(one, gold)[:2] == (2 / 6, 1.0)
    assert bcubed(one, gold)[:2] == (0.5, 1.0)
    alone = {k: k for k in gold}  # every article alone: full precision
    assert bcubed(alone, gold)[:2] == (1.0, 0.5)
