"""Copies and stories at scale: a synthetic stream with known copies and stories, timed in stages.

The stream is built from real text (the UCI News Aggregator headlines under ../shared/corpora,
CC BY 4.0): each synthetic story takes a real headline as its core, its articles reword it (words
dropped and reordered, other real headlines' words mixed in), add a body of real headlines used as
sentences and a few story-specific names and figures; a share of articles are copies of an earlier
article with other boilerplate. Stories are born uniformly over ``--days`` and live for two days.
Each story's text is its own, as real events' are: its core joins halves of two real headlines
(the corpus is only 40 events), a third of the core's words are replaced by three real words of
its own (the event's things and places), and its full texts draw their sentences from the story's
own eight real sentences, each carrying one of those words. ``--shared-bodies`` gives the older
stream, whose bodies came from the whole corpus and whose cores were the 40 events' headlines:
unrelated stories looked alike and were merged (day B-cubed precision 0.45 against 0.88 now).
The day's B-cubed precision, recall and F1 against the stream's gold stories are reported.

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
import hashlib
import json
import math
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswatch.copies.minhash import Arrays, CopyIndex, assign_copies, signatures_for
from newswatch.copies.store import CopyStore, index_path
from newswatch.embeddings import load_embedder
from newswatch.records import Article, article_id_for
from newswatch.settings import Settings
from newswatch.stories.assign import StoryIndex, assign_stories
from newswatch.text import words

# ../shared beside the checkout; NEWSWATCH_SHARED points elsewhere (another checkout layout).
SHARED = Path(os.environ.get("NEWSWATCH_SHARED") or Path(__file__).resolve().parents[2] / "shared")
CORPUS = SHARED / "corpora/stories/uci_news_aggregator_dev.csv"
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
    """Articles in time order with their gold story and copy group.

    Like real feeds, most articles are a headline (often naming who or where) and a one- or
    two-sentence summary (the event reworded, a name, a figure; too short for MinHash: copies of
    those are caught by the exact content hash); ``full_share`` of them carry a full text of 5-9
    sentences (real headlines as sentences) with the story's names and figure.
    """

    def __init__(
        self,
        headlines: list[str],
        *,
        days: float = 1.0,
        seed: int = 7,
        headline_only: bool = False,
        full_share: float = 0.3,
        shared_bodies: bool = False,
    ):
        self.rng = random.Random(seed)
        self.headlines = headlines
        self.days = days
        self.headline_only = headline_only
        self.full_share = 0.0 if headline_only else full_share
        # Real words for a story's own things and places: invented ones share subword pieces, so
        # a static embedding finds unrelated invented headlines alike.
        self.vocabulary = sorted({w for h in headlines for w in words(h) if len(w) > 3 and w.isalpha()})
        self.shared_bodies = shared_bodies  # the stream before each story's text was its own
        self.n = 0

    def story(self, k: int, born: datetime) -> list[Article]:
        rng = self.rng
        core = words(self.headlines[k % len(self.headlines)])
        pool = [rng.choice(self.headlines) for _ in range(8)]
        if not self.shared_bodies:
            # Half of another real headline: the corpus's 40 events become many, and each
            # story's own words (its things and places) stand in for a third of the rest.
            other = words(rng.choice(self.headlines))
            core = core[: (len(core) + 1) // 2] + other[len(other) // 2 :]
            own = [rng.choice(self.vocabulary) for _ in range(3)]
            core = [rng.choice(own) if len(w) > 3 and rng.random() < 0.35 else w for w in core]
            pool = [f"{p} {own[i % 3]}" for i, p in enumerate(pool)]
        names = [_name(rng) for _ in range(3)]
        figure = str(rng.randint(11, 9999))
        size = min(60, int(rng.paretovariate(1.2)))
        out: list[Article] = []
        for _ in range(size):
            when = born + timedelta(hours=rng.uniform(0, 48))
            if out and rng.random() < 0.2:  # a copy of an earlier version under another headline
                src = rng.choice(out)
                body = src.body  # a summary is syndicated as is
                if len(src.body.split()) >= 40:  # a full text gets other boilerplate
                    body = f"{rng.choice(BOILERPLATE)}\n\n{src.body}\n\n{rng.choice(BOILERPLATE)}"
                out.append(self._article(f"{src.title} | {rng.choice(SYLLABLES)}", body, when, k))
                continue
            title_words = [w for w in core if rng.random() > 0.25]
            title_words += words(rng.choice(self.headlines))[:2]
            rng.shuffle(title_words)
            if rng.random() < 0.7:  # headlines name who or where
                title_words.insert(0, names[0] if rng.random() < 0.5 else names[2].split()[1])
            said = f"{names[0]} said {figure} people were affected, {names[1]} added"
            if self.headline_only:
                body = ""
            elif rng.random() < self.full_share:
                if self.shared_bodies:
                    sentences = [rng.choice(self.headlines) for _ in range(rng.randint(4, 8))]
                else:
                    sentences = rng.sample(pool, rng.randint(4, 7))
                sentences.insert(1, said)
                sentences.append(f"{names[rng.randint(0, 2)]} of {names[2].split()[1]} declined to comment")
                body = ". ".join(sentences) + "."
            else:  # a summary: the event reworded, who, how many
                lead = [w for w in core if rng.random() > 0.3]
                rng.shuffle(lead)
                body = f"{names[0]}: {' '.join(lead)} ({figure})."
                if rng.random() < 0.5:
                    body += f" {names[1]} in {names[2].split()[1]} confirmed."
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
            content_hash=hashlib.sha1((body or title).encode()).hexdigest(),
            first_seen_at=when,
        )
        art.provenance["gold_story"] = str(story)
        return art

    def by_day(self, count: int, start_day: float, days: float) -> Iterator[list[Article]]:
        """``count`` articles over ``days``, one day at a time in event-time order (stories born
        uniformly, each living two days, so a day also holds the last two days' stories)."""
        per_story = 3.5  # the mean of the size distribution, roughly
        made, waiting = 0, []
        ndays = max(1, math.ceil(days))
        for d in range(ndays):
            target = count * (d + 1) // ndays
            day0 = start_day + d * days / ndays
            while made < target:
                k = self.rng.randrange(1 << 30)
                born = T0 + timedelta(days=day0 + self.rng.random() * days / ndays)
                arts = self.story(k, born)[: target - made]
                made += len(arts)
                waiting.extend(arts)
            waiting.sort(key=lambda a: (a.event_time, a.article_id))
            if d == ndays - 1:
                yield waiting
                return
            end = T0 + timedelta(days=start_day + (d + 1) * days / ndays)
            cut = next((i for i, a in enumerate(waiting) if a.event_time >= end), len(waiting))
            yield waiting[:cut]
            waiting = waiting[cut:]
        del per_story

    def articles(self, count: int, start_day: float, days: float) -> list[Article]:
        return [a for day in self.by_day(count, start_day, days) for a in day]


@dataclass
class Clock:
    copies: float = 0.0
    stories: float = 0.0
    index_writes: float = 0.0


def run(
    articles: list[Article],
    copies: CopyIndex,
    stories: StoryIndex | None,
    settings: Settings,
    clock: Clock,
    store: CopyStore | None = None,
) -> None:
    """The stages over ``articles`` in batches of 1,000, as ``process_and_load`` runs them, with the
    copy index appended to its file after each batch when ``store`` is given."""
    size = 1000
    for i in range(0, len(articles), size):
        batch = articles[i : i + size]
        t = time.perf_counter()
        assign_copies(batch, copies, signatures_for(batch, settings.copies))
        t2 = time.perf_counter()
        clock.copies += t2 - t
        if store is not None:
            store.append(copies.take_pending(), [len(copies)])
            t3 = time.perf_counter()
            clock.index_writes += t3 - t2
            t2 = t3
        if stories is not None:
            for a in batch:
                a.story_id = None
            assign_stories(batch, stories)
            stories.drain_merges()
            stories.forget_closed()
            clock.stories += time.perf_counter() - t2


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--history", type=int, default=100_000)
    ap.add_argument("--day", type=int, action="append", help="new articles in one day (repeatable)")
    ap.add_argument("--days", type=float, help="days the history spans (default: 10,000 articles a day)")
    ap.add_argument("--full-share", type=float, default=0.3, help="share of articles with a full text")
    ap.add_argument("--headline-only", action="store_true")
    ap.add_argument(
        "--shared-bodies",
        action="store_true",
        help="the older stream: every story's bodies drawn from the whole corpus (stories look alike)",
    )
    ap.add_argument("--embeddings", choices=["none", "static", "minilm"], help="stories.embeddings")
    ap.add_argument("--dir", type=Path, help="where the index file goes (default: a temporary directory)")
    ap.add_argument("--seed", type=int, default=7, help="the stream's random seed (7 in the docs)")
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
    days = args.days or max(1.0, args.history / 10_000)
    stream = Stream(
        headlines,
        headline_only=args.headline_only,
        full_share=args.full_share,
        shared_bodies=args.shared_bodies,
        seed=args.seed,
    )
    results: dict[str, object] = {
        "history": args.history,
        "days": days,
        "full_share": stream.full_share,
        "loadavg_start": os.getloadavg(),
    }
    _progress(args, results, *results)
    tmp = tempfile.TemporaryDirectory(prefix="nw-scale-")
    store = CopyStore(index_path((args.dir or Path(tmp.name)) / "scale.duckdb"), settings.copies)
    embed = load_embedder(settings.stories.embeddings)  # the static model: loaded before the baseline
    gc.collect()
    base = current_rss()
    copies, stories = CopyIndex(settings.copies), StoryIndex(settings.stories, embed)
    # The story index only ever holds the window (older stories are pruned): the history's stories
    # are assigned over its last window_days + 2 days, which is the state a day's run starts from.
    story_from = days - settings.stories.window_days - 2
    clock = Clock()
    started = time.perf_counter()
    for d, day in enumerate(stream.by_day(args.history, 0, days)):
        run(day, copies, stories if d >= story_from else None, settings, clock)
    copies.compact(min_delta=0)
    t = time.perf_counter()
    store.rewrite(Arrays.of_base(copies.base), [len(copies)])
    clock.index_writes += time.perf_counter() - t
    seconds = time.perf_counter() - started
    gc.collect()
    kept = current_rss() - base
    file_bytes = store.size_bytes()
    results["initial"] = {
        "seconds": round(seconds, 1),
        "copies_s": round(clock.copies, 1),
        "stories_s": round(clock.stories, 1),
        "index_write_s": round(clock.index_writes, 1),
        "peak_rss_mib": round(rss_bytes() / 2**20),
        "index_file_bytes_per_article": round(file_bytes / len(copies)),
        "copy_index_resident_bytes_per_article": round(copies.resident_bytes() / len(copies)),
        "process_resident_bytes_per_article": round(kept / len(copies)),
        "open_stories": len(stories),
        "copy_index_articles": len(copies),
    }
    # A new run: the copy index comes from its file, not from the history.
    del copies
    gc.collect()
    t = time.perf_counter()
    arrays, why = store.load([args.history])
    assert arrays is not None, why
    copies = CopyIndex(settings.copies, arrays.base())
    del arrays
    results["index_load_s"] = round(time.perf_counter() - t, 2)
    _progress(args, results, "initial", "index_load_s")
    start_day = days
    for n in args.day or [10_000]:
        clock = Clock()
        t = time.perf_counter()
        for day in stream.by_day(n, start_day, 1.0):
            run(day, copies, stories, settings, clock, store)
        secs = time.perf_counter() - t
        start_day += 1.0
        quality = _bcubed(
            {a.article_id: stories.resolve(a.story_id or "") for a in day},
            {a.article_id: a.provenance["gold_story"] for a in day},
        )
        results[f"day_{n}"] = {
            "seconds": round(secs, 1),
            "per_article_ms": round(1000 * secs / n, 3),
            "copies_ms": round(1000 * clock.copies / n, 3),
            "stories_ms": round(1000 * clock.stories / n, 3),
            "index_write_ms": round(1000 * clock.index_writes / n, 3),
            "open_stories": len(stories),
            **quality,
            "index_file_bytes_per_article": round(store.size_bytes() / len(copies)),
            "loadavg": os.getloadavg(),
        }
        _progress(args, results, f"day_{n}")
    results["peak_rss_mib"] = round(rss_bytes() / 2**20)
    results["loadavg_end"] = os.getloadavg()
    tmp.cleanup()
    if args.json:
        print(json.dumps(results))
    else:
        _progress(args, results, "peak_rss_mib", "loadavg_end")
    return 0


def _bcubed(pred: dict[str, str], gold: dict[str, str]) -> dict[str, object]:
    """B-cubed precision, recall and F1 of the predicted stories against the stream's gold ones."""
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for a in pred:
        by_pred.setdefault(pred[a], set()).add(a)
        by_gold.setdefault(gold[a], set()).add(a)
    p = sum(len(by_pred[pred[a]] & by_gold[gold[a]]) / len(by_pred[pred[a]]) for a in pred) / len(pred)
    r = sum(len(by_pred[pred[a]] & by_gold[gold[a]]) / len(by_gold[gold[a]]) for a in pred) / len(pred)
    return {
        "gold_stories": len(by_gold),
        "predicted_stories": len(by_pred),
        "bcubed_p_r_f1": (round(p, 3), round(r, 3), round(2 * p * r / (p + r), 3)),
    }


def _progress(args: argparse.Namespace, results: dict[str, object], *keys: str) -> None:
    """Each phase's figures as soon as it ends: the 1M run is long."""
    if not args.json:
        for k in keys:
            print(f"{k:14} {results[k]}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
