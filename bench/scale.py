"""Copies and stories at scale: a synthetic stream with known copies and stories, timed in stages.

The stream is built from real text (the UCI News Aggregator headlines under ../shared/corpora,
CC BY 4.0): each synthetic story takes a real headline as its core, its articles reword it (words
dropped and reordered, other real headlines' words mixed in), add a body of real headlines used as
sentences and a few story-specific names and figures; a share of articles are copies of an earlier
article with other boilerplate. Stories are born uniformly over ``--days`` and live for two days.

What is measured, with the real stages (``signatures_for``/``assign_copies``, ``assign_stories``)
and no warehouse (the warehouse's own cost is DuckDB inserts, measured elsewhere):
- the initial load of ``--history`` articles: wall time, articles per second;
- one "day" of ``--day`` new articles against that history: wall time and cost per article;
- peak RSS and the resident bytes per kept article.

    PYTHONPATH=$PWD python bench/scale.py --history 100000 --day 10000

Skips cleanly (exit 0 with a note) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswatch.copies import CopyIndex, assign_copies, signatures_for
from newswatch.embeddings import load_embedder
from newswatch.records import Article, article_id_for
from newswatch.settings import Settings
from newswatch.stories import StoryIndex, assign_stories
from newswatch.text import words

CORPUS = Path(__file__).resolve().parents[2] / "shared/corpora/stories/uci_news_aggregator_dev.csv"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
SYLLABLES = "ka lo mi ran tes vor dal quin sel bra nor eth gal pim rus ton vel zar hed mou".split()
BOILERPLATE = [
    "Follow us on X for the latest updates.",
    "Subscribe to our newsletter.",
    "Copyright 2026. All rights reserved.",
    "This article was republished from our partners.",
]


def rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def current_rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize()


def _name(rng: random.Random) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(2)
    )


class Stream:
    """Articles in time order with their gold story and copy group."""

    def __init__(self, headlines: list[str], *, days: float, seed: int = 7, headline_only: bool = False):
        self.rng = random.Random(seed)
        self.headlines = headlines
        self.days = days
        self.headline_only = headline_only
        self.n = 0

    def story(self, k: int, born: datetime) -> list[Article]:
        rng = self.rng
        core = words(self.headlines[k % len(self.headlines)])
        names = [_name(rng) for _ in range(3)]
        figure = str(rng.randint(11, 9999))
        size = min(60, int(rng.paretovariate(1.2)))
        out: list[Article] = []
        for _ in range(size):
            when = born + timedelta(hours=rng.uniform(0, 48))
            if out and rng.random() < 0.2:  # a copy of an earlier version with other boilerplate
                src = rng.choice(out)
                body = f"{rng.choice(BOILERPLATE)}\n\n{src.body}\n\n{rng.choice(BOILERPLATE)}"
                out.append(self._article(f"{src.title} | {rng.choice(SYLLABLES)}", body, when, k))
                continue
            title_words = [w for w in core if rng.random() > 0.25]
            title_words += words(rng.choice(self.headlines))[:2]
            rng.shuffle(title_words)
            sentences = [rng.choice(self.headlines) for _ in range(rng.randint(4, 8))]
            sentences.insert(1, f"{names[0]} said {figure} people were affected, {names[1]} added")
            sentences.append(f"{names[rng.randint(0, 2)]} of {names[2].split()[1]} declined to comment")
            body = "" if self.headline_only else ". ".join(sentences) + "."
            out.append(self._article(" ".join(title_words).capitalize(), body, when, k))
        return out

    def _article(self, title: str, body: str, when: datetime, story: int) -> Article:
        self.n += 1
        url = f"https://outlet{self.n % 500}.example/{self.n}"
        art = Article(
            article_id=article_id_for(url),
            source=f"outlet{self.n % 500}",
            url=url,
            canonical_url=url,
            title=title,
            body=body,
            deck=None,
            published_at=when,
            modified_at=None,
            authors=(),
            site_name=None,
            language="en",
            word_count=len(body.split()),
            content_hash=str(hash((title if not body else "", body))),
            first_seen_at=when,
        )
        art.provenance["gold_story"] = str(story)
        return art

    def articles(self, count: int, start_day: float, days: float) -> list[Article]:
        out: list[Article] = []
        k = 0
        per_story = 3.5  # the mean of the size distribution, roughly
        n_stories = int(count / per_story) + 1
        while len(out) < count:
            born = T0 + timedelta(days=start_day + days * k / n_stories)
            out.extend(self.story(self.rng.randrange(1 << 30), born))
            k += 1
        out = out[:count]
        out.sort(key=lambda a: (a.event_time, a.article_id))
        return out


def run(articles: list[Article], copies: CopyIndex, stories: StoryIndex, settings: Settings) -> float:
    started = time.perf_counter()
    size = 1000
    for i in range(0, len(articles), size):
        batch = articles[i : i + size]
        assign_copies(batch, copies, signatures_for(batch, settings.copies))
        assign_stories(batch, stories)
        stories.drain_merges()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--history", type=int, default=100_000)
    ap.add_argument("--day", type=int, action="append", help="new articles in one day (repeatable)")
    ap.add_argument("--days", type=float, default=100.0, help="days the history spans")
    ap.add_argument("--headline-only", action="store_true")
    ap.add_argument("--embeddings", choices=["none", "static", "minilm"], help="stories.embeddings")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent (the shared corpora are not on this machine)")
        return 0
    import csv

    with CORPUS.open(newline="", encoding="utf-8") as fh:
        headlines = [r["TITLE"] for r in csv.DictReader(fh)]
    settings = Settings()
    if args.embeddings:
        stories_cfg = settings.stories.model_copy(update={"embeddings": args.embeddings})
        settings = settings.model_copy(update={"stories": stories_cfg})
    stream = Stream(headlines, days=args.days, headline_only=args.headline_only)
    results: dict[str, object] = {
        "history": args.history,
        "days": args.days,
        "headline_only": args.headline_only,
    }
    history = stream.articles(args.history, 0, args.days)
    embed = load_embedder(settings.stories.embeddings)  # the static model: loaded before the baseline
    gc.collect()
    base = current_rss()
    copies, stories = CopyIndex(settings.copies), StoryIndex(settings.stories, embed)
    seconds = run(history, copies, stories, settings)
    gc.collect()
    kept = current_rss() - base
    results["initial"] = {
        "seconds": round(seconds, 1),
        "per_article_ms": round(1000 * seconds / len(history), 3),
        "resident_bytes_per_article": round(kept / len(history)),
        "open_stories": len(stories),
        "copy_index_articles": len(copies),
    }
    for day in args.day or [10_000]:
        new = stream.articles(day, args.days, 1.0)
        secs = run(new, copies, stories, settings)
        results[f"day_{day}"] = {"seconds": round(secs, 1), "per_article_ms": round(1000 * secs / day, 3)}
    results["peak_rss_mib"] = round(rss_bytes() / 2**20)
    if args.json:
        print(json.dumps(results))
    else:
        for k, v in results.items():
            print(f"{k:12} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
