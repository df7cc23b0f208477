"""Story clustering quality on headlines and full texts: pairwise and B-cubed precision, recall, F1.

Loads a labelled ``.csv``/``.jsonl`` (default: the UCI News Aggregator dev file under
../shared/corpora, 2,413 headlines in 40 Google News stories) through the normal ingestion
(files source -> extract -> clean -> copies -> stories, in timestamp order; plain functions, no
Prefect) and scores ``story_id`` against the gold ``STORY`` column.

    PYTHONPATH=$PWD python bench/stories.py [FILE] [--halves] [--threshold T] [--json]
    PYTHONPATH=$PWD python bench/stories.py --fulltext [--halves]
    PYTHONPATH=$PWD python bench/stories.py --bbc

Splits are declared, never chosen after the fact: ``--halves`` splits the gold stories by a hash
of their id (of the ``group`` column for the full-text set, so an event and its look-alikes fall
in one half) into **tune** (half A: settings are chosen here) and **report** (half B: chose
nothing). ``--fulltext`` scores tests/fixtures/stories/fulltext/events.jsonl (34 articles written
for the project, its README says how). ``--bbc`` clusters the BBC research set (read from
../shared only, all undated, no gold stories) and prints what it joined, to be read by a person.

Skips cleanly (exit 0 with a note) when a corpus is absent.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from newswatch.copies.minhash import CopyIndex, assign_copies, signatures_for
from newswatch.embeddings import load_embedder
from newswatch.records import article_id_for
from newswatch.settings import Settings
from newswatch.stories.assign import StoryIndex, assign_stories

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared/corpora/stories/uci_news_aggregator_dev.csv"
FULLTEXT = ROOT / "tests/fixtures/stories/fulltext/events.jsonl"
BBC = ROOT.parent / "shared/corpora/bbc/bbc_dev.jsonl"


@dataclass(frozen=True, slots=True)
class Scores:
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    articles: int
    gold_stories: int
    predicted_stories: int
    copies: int
    seconds: float

    def as_dict(self) -> dict[str, float | int]:
        return {k: getattr(self, k) for k in self.__slots__}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def pairwise(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """Precision, recall and F1 over all pairs of items put together (counted, not enumerated)."""

    def pairs(counts: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    keys = [k for k in gold if k in pred]
    both = pairs(Counter((pred[k], gold[k]) for k in keys))
    in_pred = pairs(Counter(pred[k] for k in keys))
    in_gold = pairs(Counter(gold[k] for k in keys))
    p = both / in_pred if in_pred else 1.0
    r = both / in_gold if in_gold else 1.0
    return p, r, _f1(p, r)


def bcubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga and Baldwin): per item, averaged over items."""
    keys = [k for k in gold if k in pred]
    joint = Counter((pred[k], gold[k]) for k in keys)
    psize = Counter(pred[k] for k in keys)
    gsize = Counter(gold[k] for k in keys)
    p = sum(joint[(pred[k], gold[k])] / psize[pred[k]] for k in keys) / len(keys)
    r = sum(joint[(pred[k], gold[k])] / gsize[gold[k]] for k in keys) / len(keys)
    return p, r, _f1(p, r)


def gold_labels(path: Path, column: str = "STORY") -> dict[str, str]:
    """article_id -> gold story, keyed like ingestion keys articles (by URL)."""
    rows: list[dict[str, str]]
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    else:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lower = [{k.lower(): v for k, v in r.items()} for r in rows]
    return {article_id_for(str(r["url"])): str(r[column.lower()]) for r in lower}


def cluster_file(path: Path, settings: Settings) -> tuple[dict[str, str], int]:
    """Ingest ``path`` like a files source and return article_id -> story_id and the copy count."""
    from newswatch.driver.stages import event_order, extract
    from newswatch.sources.files import read_file

    docs = [d for d in read_file(path, "bench", max_bytes=1 << 30) if hasattr(d, "fields")]
    extraction = extract(docs)
    articles = event_order(extraction.articles)
    copies = CopyIndex(settings.copies)
    stories = StoryIndex(settings.stories, load_embedder(settings.stories.embeddings))
    size = settings.warehouse.batch_size
    n_copies = 0
    for i in range(0, len(articles), size):  # batches, as a run loads them
        batch = articles[i : i + size]
        n_copies += len(assign_copies(batch, copies, signatures_for(batch, settings.copies)))
        assign_stories(batch, stories)
    return {a.article_id: a.story_id or "" for a in articles}, n_copies


def evaluate(path: Path, settings: Settings | None = None) -> Scores:
    settings = settings or Settings()
    started = time.perf_counter()
    pred, n_copies = cluster_file(path, settings)
    seconds = time.perf_counter() - started
    gold = gold_labels(path)
    pp, pr, pf = pairwise(pred, gold)
    bp, br, bf = bcubed(pred, gold)
    keys = [k for k in gold if k in pred]
    return Scores(
        round(pp, 4),
        round(pr, 4),
        round(pf, 4),
        round(bp, 4),
        round(br, 4),
        round(bf, 4),
        len(keys),
        len({gold[k] for k in keys}),
        len({pred[k] for k in keys}),
        n_copies,
        round(seconds, 2),
    )


def per_story(pred: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """Gold story -> (size, predicted stories it is split into): where recall is lost."""
    parts: dict[str, set[str]] = defaultdict(set)
    size: Counter[str] = Counter()
    for k, g in gold.items():
        if k in pred:
            parts[g].add(pred[k])
            size[g] += 1
    return {g: (size[g], len(parts[g])) for g in parts}


def half_of(key: str) -> int:
    """0 (half A, tune) or 1 (half B, report): a stable hash of a gold story's (or group's) id."""
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2


def halves(path: Path, out_dir: Path) -> tuple[Path, Path]:
    """Split a labelled file into two by gold story (``group`` when the rows have one: an event
    and its look-alikes stay together), for held-out checks."""
    outs = (out_dir / f"{path.stem}_a{path.suffix}", out_dir / f"{path.stem}_b{path.suffix}")
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
        for i, out in enumerate(outs):
            with out.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=fields)
                writer.writeheader()
                for r in rows:
                    if half_of(r.get("group") or r["STORY"]) == i:
                        writer.writerow(r)
        return outs
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for i, out in enumerate(outs):
        kept = [r for r in records if half_of(str(r.get("group") or r["story"])) == i]
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    return outs


def bbc_check(path: Path, settings: Settings, out_dir: Path, show: int = 40) -> dict[str, object]:
    """Cluster the BBC set (no gold stories, no dates) and list the biggest groups it made.

    Research use: read from ../shared, never copied. Every article is undated, so time separates
    nothing: what it joins is joined on text alone, and a person reads the list."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = out_dir / "bbc_records.jsonl"
    with records.open("w", encoding="utf-8") as fh:
        for r in rows:
            rec = {
                "url": f"https://bbc.invalid/{r['id']}",
                "title": r["title"],
                "body": r["body"],
                "source": "bbc",
            }
            fh.write(json.dumps(rec) + "\n")
    pred, _ = cluster_file(records, settings)
    by_id = {article_id_for(f"https://bbc.invalid/{r['id']}"): r for r in rows}
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for aid, sid in pred.items():
        groups[sid].append(by_id[aid])
    multi = sorted((g for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g[0]["id"]))
    return {
        "articles": len(pred),
        "stories": len(groups),
        "stories_of_2_or_more": len(multi),
        "articles_joined": sum(len(g) for g in multi),
        "biggest": [
            [f"{len(g)} articles"] + [f"{r['id']}: {r['title']}" for r in g[:6]] for g in multi[:show]
        ],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", type=Path, default=DEV)
    ap.add_argument("--threshold", type=float, help="stories.threshold (default: the setting)")
    ap.add_argument("--window-days", type=float)
    ap.add_argument("--merge-threshold", type=float, help="stories.headline_merge_threshold")
    ap.add_argument("--embeddings", choices=["none", "static", "minilm"], help="stories.embeddings")
    ap.add_argument("--embedding-weight", type=float)
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--halves",
        action="store_true",
        help="also score half A (tune) and half B (report) of the gold stories alone",
    )
    ap.add_argument("--fulltext", action="store_true", help=f"score the full-text set ({FULLTEXT.name})")
    ap.add_argument(
        "--bbc", nargs="?", const=BBC, type=Path, help="cluster the BBC set and list what it joined"
    )
    args = ap.parse_args(argv)
    if args.fulltext:
        args.file = FULLTEXT
    path = args.bbc or args.file
    if not path.exists():
        print(f"skipped: {path} is absent (the shared corpora are not on this machine)")
        return 0
    update: dict[str, object] = {}
    if args.threshold is not None:  # the dev file is headlines: set both
        update["threshold"] = update["headline_threshold"] = args.threshold
        update["embedding_headline_threshold"] = args.threshold
    if args.merge_threshold is not None:
        update["headline_merge_threshold"] = update["embedding_headline_merge_threshold"] = (
            args.merge_threshold
        )
    if args.embeddings is not None:
        update["embeddings"] = args.embeddings
    if args.embedding_weight is not None:
        update["embedding_weight"] = args.embedding_weight
    if args.window_days is not None:
        update["window_days"] = args.window_days
    base = Settings()
    settings = base.model_copy(update={"stories": base.stories.model_copy(update=update)})
    tmp = tempfile.TemporaryDirectory()
    if args.bbc:
        found = bbc_check(args.bbc, settings, Path(tmp.name))
        if args.json:
            print(json.dumps(found, ensure_ascii=False))
        else:
            for k, v in found.items():
                if k != "biggest":
                    print(f"{k:22} {v}")
            for group in found["biggest"]:  # type: ignore[attr-defined]
                print(" | ".join(group))
        tmp.cleanup()
        return 0
    runs = [("all", args.file)]
    if args.halves:
        a, b = halves(args.file, Path(tmp.name))
        runs += [("half_a_tune", a), ("half_b_report", b)]
    for name, path in runs:
        scores = evaluate(path, settings)
        if args.json:
            print(json.dumps({"set": name, **scores.as_dict()}))
        else:
            print(f"== {name}")
            for k, v in scores.as_dict().items():
                print(f"{k:20} {v}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
