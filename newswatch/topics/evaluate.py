"""Measuring the tagger: accuracy and per-class F1 of the top-level IPTC topic of the best tag.

The reference is a headline set with one category per headline (the UCI News Aggregator set:
b business, t science and technology, e entertainment, m health). Each headline is tagged as an
article with that title and no body; the prediction is the top-level ancestor of the best tag
(none when nothing reaches the threshold, which counts as wrong). Splits are by story, so the
held-out half shares no story with the half used while building the lexicons.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newswatch.records import Article
from newswatch.topics.taxonomy import Taxonomy, tag_article

UCI_CATEGORIES = {
    "b": "economy-business-finance",
    "t": "science-technology",
    "e": "arts-culture-entertainment",
    "m": "health",
}
_EPOCH = datetime(2014, 3, 10, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Headline:
    title: str
    gold: str  # a top-level topic id
    story: str


@dataclass(frozen=True, slots=True)
class Scores:
    n: int
    accuracy: float
    untagged: int
    f1: dict[str, float]  # per gold class
    precision: dict[str, float]
    recall: dict[str, float]

    @property
    def macro_f1(self) -> float:
        return sum(self.f1.values()) / len(self.f1) if self.f1 else 0.0


def read_uci(path: str | Path) -> list[Headline]:
    """Headlines of the UCI News Aggregator CSV (columns TITLE, CATEGORY, STORY)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            Headline(row["TITLE"], UCI_CATEGORIES[row["CATEGORY"]], row["STORY"])
            for row in csv.DictReader(fh)
            if row.get("CATEGORY") in UCI_CATEGORIES
        ]


def split(headlines: Sequence[Headline], part: str) -> list[Headline]:
    """``all``, or ``tune``/``held-out``: alternate stories of each category (ordered by a hash of
    the story id) go to each half, so both halves hold every category with more than one story."""
    if part == "all":
        return list(headlines)
    by_class: dict[str, set[str]] = {}
    for h in headlines:
        by_class.setdefault(h.gold, set()).add(h.story)
    held: set[str] = set()
    for stories in by_class.values():
        ordered = sorted(stories, key=lambda s: hashlib.sha256(s.encode()).hexdigest())
        held.update(ordered[1::2])
    want = part == "held-out"
    return [h for h in headlines if (h.story in held) == want]


def headline_article(title: str, i: int = 0) -> Article:
    return Article(
        article_id=f"h{i}",
        source="eval",
        url=f"eval:{i}",
        canonical_url=f"eval:{i}",
        title=title,
        body="",
        deck=None,
        published_at=None,
        modified_at=None,
        authors=(),
        site_name=None,
        language="en",
        word_count=len(title.split()),
        content_hash="",
        first_seen_at=_EPOCH,
    )


def top_level(taxonomy: Taxonomy, topic_id: str) -> str:
    return taxonomy.top_level(topic_id)


def predict(title: str, taxonomy: Taxonomy, i: int = 0) -> str | None:
    """The top-level topic of the best tag on a headline, or None."""
    tags = tag_article(headline_article(title, i), taxonomy)
    return top_level(taxonomy, tags[0].topic) if tags else None


def score(pairs: Iterable[tuple[str, str | None]]) -> Scores:
    """Accuracy and per-class precision, recall, F1 from (gold, predicted) pairs."""
    pairs = list(pairs)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold, pred in pairs:
        if pred == gold:
            tp[gold] += 1
        else:
            fn[gold] += 1
            if pred is not None:
                fp[pred] += 1
    classes = sorted({g for g, _ in pairs})
    prec = {c: tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0 for c in classes}
    rec = {c: tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0 for c in classes}
    f1 = {c: 2 * prec[c] * rec[c] / (prec[c] + rec[c]) if prec[c] + rec[c] else 0.0 for c in classes}
    n = len(pairs)
    return Scores(
        n=n,
        accuracy=sum(tp.values()) / n if n else 0.0,
        untagged=sum(1 for _, p in pairs if p is None),
        f1=f1,
        precision=prec,
        recall=rec,
    )


def evaluate(headlines: Sequence[Headline], taxonomy: Taxonomy) -> Scores:
    return score(zip([h.gold for h in headlines], predictions(headlines, taxonomy), strict=True))


def predictions(headlines: Sequence[Headline], taxonomy: Taxonomy) -> list[str | None]:
    """``predict`` of each headline, in order."""
    return [predict(h.title, taxonomy, i) for i, h in enumerate(headlines)]


def wilson_interval(right: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson interval of a share ``right / n`` of independent items."""
    if n == 0:
        return (0.0, 1.0)
    p = right / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def story_interval(
    results: Sequence[tuple[str, bool]], rounds: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """The 95% interval of accuracy over (story, right) results when the items are not independent:
    the headlines of one story are near-copies and right or wrong together, so the stories are
    resampled with replacement (a cluster bootstrap; the 2.5th and 97.5th percentiles)."""
    by_story: dict[str, list[int]] = {}
    for story, right in results:
        tally = by_story.setdefault(story, [0, 0])
        tally[0] += right
        tally[1] += 1
    if not by_story:
        return (0.0, 1.0)
    tallies = list(by_story.values())
    rng = random.Random(seed)
    shares = []
    for _ in range(rounds):
        drawn = [tallies[rng.randrange(len(tallies))] for _ in tallies]
        shares.append(sum(t[0] for t in drawn) / sum(t[1] for t in drawn))
    shares.sort()
    return (shares[int(0.025 * (rounds - 1))], shares[int(0.975 * (rounds - 1))])


# ---- full text: articles with a body, one top-level topic each ----

# The BBC research set's desks as IPTC top-level topics (../shared/corpora/README.md).
BBC_DESKS = {
    "business": "economy-business-finance",
    "entertainment": "arts-culture-entertainment",
    "politics": "politics-government",
    "sport": "sport",
    "tech": "science-technology",
}


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    id: str
    gold: str  # a top-level topic id
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class FullTextScores:
    n: int
    top1: float  # share whose best tag's top level is the gold topic
    per_class: dict[str, tuple[int, int]]  # gold -> (right, of)
    top_levels: float  # mean number of distinct top-level topics tagged per article
    economy_on: dict[str, float]  # gold -> share of its articles with an economy tag at any rank


def read_labelled(path: str | Path) -> list[LabelledArticle]:
    """JSON Lines with ``id``, ``title``, ``body`` and ``topic`` (a topic id) or ``category`` (a
    BBC desk)."""
    import json

    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                gold = r.get("topic") or BBC_DESKS[r["category"]]
                out.append(LabelledArticle(r["id"], gold, r["title"], r["body"]))
    return out


def split_articles(articles: Sequence[LabelledArticle], part: str) -> list[LabelledArticle]:
    """``all``, or ``tune``/``report``: alternate articles of each gold topic, ordered by a hash of
    their id, go to each half."""
    if part == "all":
        return list(articles)
    by_class: dict[str, list[LabelledArticle]] = {}
    for a in articles:
        by_class.setdefault(a.gold, []).append(a)
    keep = 0 if part == "tune" else 1
    out = []
    for group in by_class.values():
        ordered = sorted(group, key=lambda a: hashlib.sha256(a.id.encode()).hexdigest())
        out += ordered[keep::2]
    return out


def full_article(a: LabelledArticle, i: int = 0) -> Article:
    art = headline_article(a.title, i)
    art.body = a.body
    art.word_count = len(a.body.split())
    return art


def evaluate_full_text(articles: Sequence[LabelledArticle], taxonomy: Taxonomy) -> FullTextScores:
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    economy: Counter[str] = Counter()
    levels = 0
    for i, a in enumerate(articles):
        tags = tag_article(full_article(a, i), taxonomy)
        tops = {top_level(taxonomy, t.topic) for t in tags}
        levels += len(tops)
        seen[a.gold] += 1
        right[a.gold] += bool(tags) and top_level(taxonomy, tags[0].topic) == a.gold
        economy[a.gold] += "economy-business-finance" in tops
    n = len(articles)
    return FullTextScores(
        n=n,
        top1=sum(right.values()) / n if n else 0.0,
        per_class={g: (right[g], seen[g]) for g in sorted(seen)},
        top_levels=levels / n if n else 0.0,
        economy_on={g: economy[g] / seen[g] for g in sorted(seen)},
    )
