"""Story clustering quality on headlines and full texts: pairwise and B-cubed precision, recall, F1.

Loads a labelled ``.csv``/``.jsonl`` (default: the UCI News Aggregator dev file under
../shared/corpora, 2,413 headlines in 40 Google News stories) through the normal ingestion
(files source -> extract -> clean -> copies -> stories, in timestamp order; plain functions, no
Prefect) and scores ``story_id`` against the gold ``STORY`` column.

    PYTHONPATH=$PWD python bench/stories.py [FILE] [--halves] [--threshold T] [--json]
    PYTHONPATH=$PWD python bench/stories.py --fulltext [--halves]
    PYTHONPATH=$PWD python bench/stories.py --bbc
    PYTHONPATH=$PWD python bench/stories.py --choose [--fulltext]
    PYTHONPATH=$PWD python bench/stories.py --recluster [--fulltext]

Splits are declared, never chosen after the fact: ``--halves`` splits the gold stories by a hash
of their id (of the ``group`` column for the full-text set, so an event and its look-alikes fall
in one half) into **tune** (half A: settings are chosen here) and **report** (half B: chose
nothing). ``--choose`` searches a small settings grid on each half and reports the setting chosen on
one half on the other, both ways round (a robustness check: how much the held-out figure depends on
which half chose). ``--fulltext`` scores tests/fixtures/stories/fulltext/events.jsonl (34 articles written
for the project, its README says how). ``--bbc`` clusters the BBC research set (read from
../shared only, all undated, no gold stories) and prints what it joined, to be read by a person.

Skips cleanly (exit 0 with a note) when a corpus is absent.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import itertools
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newswatch.copies.minhash import CopyIndex, assign_copies, signatures_for
from newswatch.embeddings import load_embedder
from newswatch.records import Article, article_id_for
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


def load_articles(path: Path) -> list[Article]:
    """``path`` read and extracted like a files source, in the order copies and stories see them."""
    from newswatch.driver.stages import event_order, extract
    from newswatch.sources.files import read_file

    docs = [d for d in read_file(path, "bench", max_bytes=1 << 30) if hasattr(d, "fields")]
    return event_order(extract(docs).articles)


def cluster_file(
    path: Path, settings: Settings, loaded: list[Article] | None = None
) -> tuple[dict[str, str], int]:
    """Ingest ``path`` like a files source and return article_id -> story_id and the copy count.

    ``loaded`` is ``load_articles(path)`` already made (a settings grid reads the file once): fresh
    copies of them are clustered, so one run's story ids never leak into the next."""
    if loaded is None:
        loaded = load_articles(path)
    articles = [dataclasses.replace(a, provenance=dict(a.provenance)) for a in loaded]
    copies = CopyIndex(settings.copies)
    stories = StoryIndex(settings.stories, load_embedder(settings.stories.embeddings))
    size = settings.warehouse.batch_size
    n_copies = 0
    for i in range(0, len(articles), size):  # batches, as a run loads them
        batch = articles[i : i + size]
        n_copies += len(assign_copies(batch, copies, signatures_for(batch, settings.copies)))
        assign_stories(batch, stories)
    return {a.article_id: a.story_id or "" for a in articles}, n_copies


def evaluate(path: Path, settings: Settings | None = None, loaded: list[Article] | None = None) -> Scores:
    settings = settings or Settings()
    started = time.perf_counter()
    pred, n_copies = cluster_file(path, settings, loaded)
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


# The settings ``--choose`` searches: headline thresholds for the (headline) dev file, full-text ones
# for the full-text set; the merge threshold is the join threshold plus an offset.
HEADLINE_GRID = {
    "embedding_headline_threshold": (0.15, 0.20, 0.25, 0.30),
    "merge_offset": (0.05, 0.10, 0.15),
    "embedding_weight": (0.4, 0.5, 0.6),
}
FULLTEXT_GRID = {"threshold": (0.20, 0.25, 0.30, 0.35, 0.40), "merge_offset": (0.1, 0.2, 0.3)}


def grid_updates(fulltext: bool) -> list[dict[str, float]]:
    grid = FULLTEXT_GRID if fulltext else HEADLINE_GRID
    out = []
    for values in itertools.product(*grid.values()):
        point = dict(zip(grid, values, strict=True))
        offset = point.pop("merge_offset")
        if fulltext:
            point["merge_threshold"] = round(point["threshold"] + offset, 2)
        else:
            point["embedding_headline_merge_threshold"] = round(
                point["embedding_headline_threshold"] + offset, 2
            )
        out.append(point)
    return out


def choose(path: Path, base: Settings, out_dir: Path, *, fulltext: bool) -> dict[str, object]:
    """Choose settings on one half, report them on the other, both ways round.

    Every grid point is scored (B-cubed F1) on half A and half B. The setting best on A is reported
    on B (the split bench/stories.py --halves declares), and the one best on B on A: how far the
    chosen setting and its held-out score move with the half that chose is the robustness check."""
    a, b = halves(path, out_dir)
    loaded = {"a": load_articles(a), "b": load_articles(b)}
    rows = []
    for point in grid_updates(fulltext):
        settings = base.model_copy(update={"stories": base.stories.model_copy(update=point)})
        f1 = {h: bcubed_f1_of(p, settings, loaded[h]) for h, p in (("a", a), ("b", b))}
        rows.append({"settings": point, "a": f1["a"], "b": f1["b"]})
    default = {h: bcubed_f1_of(p, base, loaded[h]) for h, p in (("a", a), ("b", b))}

    def best(half: str) -> dict[str, object]:
        # Ties go to the earlier grid point (the lower thresholds): stated, not picked after the fact.
        return max(rows, key=lambda r: r[half])  # type: ignore[arg-type,return-value]

    by_a, by_b = best("a"), best("b")
    return {
        "grid_points": len(rows),
        "default": {"settings": "as shipped", **default},
        "chosen_on_a_reported_on_b": by_a,
        "chosen_on_b_reported_on_a": by_b,
        "held_out_mean": round((float(by_a["b"]) + float(by_b["a"])) / 2, 4),  # type: ignore[arg-type]
        "rows": rows,
    }


def bcubed_f1_of(path: Path, settings: Settings, loaded: list[Article]) -> float:
    pred, _ = cluster_file(path, settings, loaded)
    return round(bcubed(pred, gold_labels(path))[2], 4)


def recluster(path: Path, base: Settings, out_dir: Path) -> dict[str, dict[str, float]]:
    """Periodic re-clustering, measured: the single pass against average linkage, on each half.

    After the single pass over a half, its stories are merged by average linkage of their articles'
    pairwise scores (the headline score: 0.5 TF-IDF cosine + 0.5 embedding above its floor, times
    the time decay; 0 beyond the window), the older id kept, while the best pair's mean reaches the
    threshold; and average linkage from scratch over the same scores. B-cubed F1 per threshold."""
    out: dict[str, dict[str, float]] = {}
    for half, part in zip("ab", halves(path, out_dir), strict=True):
        gold = gold_labels(part)
        arts, pred, sim = _scored(load_articles(part), base)
        row: dict[str, float] = {"single_pass": round(bcubed(pred, gold)[2], 4)}
        for t in (0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
            row[f"stream+linkage {t}"] = round(bcubed(_link_stories(arts, pred, sim, t), gold)[2], 4)
        for t in (0.03, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4):
            row[f"scratch {t}"] = round(bcubed(_link_articles(arts, sim, t), gold)[2], 4)
        out[half] = row
    return out


def _scored(loaded: list[Article], settings: Settings) -> tuple[list[Article], dict[str, str], np.ndarray]:
    """The single pass over ``loaded`` and the articles' pairwise headline scores."""
    from newswatch.stories.assign import StoryFeatures, embedding_text

    arts = [dataclasses.replace(a, provenance=dict(a.provenance)) for a in loaded]
    embed = load_embedder(settings.stories.embeddings or "static") or load_embedder("static")
    assert embed is not None
    copies, index = CopyIndex(settings.copies), StoryIndex(settings.stories, embed)
    size = settings.warehouse.batch_size
    for i in range(0, len(arts), size):
        batch = arts[i : i + size]
        assign_copies(batch, copies, signatures_for(batch, settings.copies))
        assign_stories(batch, index)
    pred = {a.article_id: index.resolve(a.story_id or "") for a in arts}
    vectors = [index.query_vector(StoryFeatures.of(a, "")) for a in arts]
    vocab: dict[str, int] = {}
    for v in vectors:
        for t in v:
            vocab.setdefault(t, len(vocab))
    x = np.zeros((len(arts), len(vocab)), dtype=np.float32)
    for i, v in enumerate(vectors):
        for t, w in v.items():
            x[i, vocab[t]] = w
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    e = np.asarray(embed([embedding_text(a) for a in arts]), dtype=np.float32)
    e /= np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-9)
    sim = 0.5 * (x @ x.T) + 0.5 * np.maximum(0, (e @ e.T - 0.2) / 0.8)
    hours = np.array([a.event_time.timestamp() / 3600 for a in arts])
    gap, window = np.abs(hours[:, None] - hours[None, :]), settings.stories.window_days * 24
    sim *= 1 - 0.35 * np.minimum(1, gap / window)
    sim[gap > window] = 0
    np.fill_diagonal(sim, 0)
    return arts, pred, sim


def _link_stories(arts: list[Article], pred: dict[str, str], sim: np.ndarray, t: float) -> dict[str, str]:
    """Merge the stream's stories by average linkage while the best pair's mean score reaches ``t``."""
    ids = sorted(set(pred.values()))
    col = {s: i for i, s in enumerate(ids)}
    member = np.zeros((len(arts), len(ids)))
    for i, a in enumerate(arts):
        member[i, col[pred[a.article_id]]] = 1
    sums, sizes = member.T @ sim @ member, member.sum(0)
    alive, into = list(range(len(ids))), list(range(len(ids)))
    while len(alive) > 1:
        mean = sums[np.ix_(alive, alive)] / np.outer(sizes[alive], sizes[alive])
        np.fill_diagonal(mean, -1)
        bi, bj = (int(k) for k in np.unravel_index(int(np.argmax(mean)), mean.shape))
        if mean[bi, bj] < t:
            break
        keep, gone = sorted((alive[bi], alive[bj]), key=lambda k: ids[k])  # the same id each time
        sums[keep, :] += sums[gone, :]
        sums[:, keep] += sums[:, gone]
        sizes[keep] += sizes[gone]
        into = [keep if k == gone else k for k in into]
        alive.remove(gone)
    return {a: ids[into[col[s]]] for a, s in pred.items()}


def _link_articles(arts: list[Article], sim: np.ndarray, t: float) -> dict[str, str]:
    """Average linkage from scratch, cut where the mean score falls below ``t``."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    dist = np.maximum(1 - sim, 0)
    np.fill_diagonal(dist, 0)
    labels = fcluster(linkage(squareform(dist, checks=False), "average"), 1 - t, "distance")
    return {a.article_id: str(k) for a, k in zip(arts, labels, strict=True)}


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
    ap.add_argument(
        "--choose",
        action="store_true",
        help="search the settings grid on each half and report the choice on the other (both ways)",
    )
    ap.add_argument(
        "--recluster",
        action="store_true",
        help="measure average-linkage re-clustering against the single pass on each half (needs scipy)",
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
    if args.recluster:
        for half, row in recluster(args.file, settings, Path(tmp.name)).items():
            print(f"== half {half}: " + "  ".join(f"{k} {v}" for k, v in row.items()))
        tmp.cleanup()
        return 0
    if args.choose:
        found = choose(args.file, settings, Path(tmp.name), fulltext=args.fulltext)
        if args.json:
            print(json.dumps(found))
        else:
            for k, v in found.items():
                if k != "rows":
                    print(f"{k:28} {v}")
            for row in found["rows"]:  # type: ignore[attr-defined]
                print(f"  A {row['a']:.4f}  B {row['b']:.4f}  {row['settings']}")
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
