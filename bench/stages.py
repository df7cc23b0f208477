"""CPU per page of each stage of the whole pipeline, on the extraction benchmark's pages.

    python bench/stages.py [--runs 5]

Each run is a fresh process: the pipeline of ``bench/extraction.py`` (extract, clean, tags,
entities, copies, stories, DuckDB load) in one process over the 77 timed pages after the same
warm-up, with the stage functions wrapped in CPU timers (the timers add about 1 ms to the total).
Prints the fastest and the median of the runs per stage, in CPU ms per page. Stages nest: "body",
"parse", "gaps", ... are parts of extraction; "language" is part of "clean"; "topic tags",
"entities" and "copy signatures" of "tags, entities, signatures"; "raw pages" of "load".

``--classifier`` picks ``[topics] classifier`` for the runs (as ``NEWSWATCH_TOPICS__CLASSIFIER``
does; default: the settings'). ``--warm-topics`` pays the taxonomy's one-offs before timing: every
term pattern compiled (they compile on first use, newswatch/topics/lazy.py) and the embedding
scorer's phrases embedded (on first ask). A long run pays them once; 77 pages pay them per page, and
the lexicon (``classifier = "none"``) far more than the classifier, which has fewer terms to match.
``--gc-apart`` counts the garbage collector's pauses on a line of their own, not in the stage
they interrupt: a full collection (~55 ms here) lands in whichever stage happens to allocate, and
moves ~0.7 ms a page from one stage to another between runs and versions.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# (module, function, label)
STAGES = [
    ("newswatch.extract.html", "decode_html", "decode"),
    ("newswatch.extract.html", "load_html", "parse"),
    ("newswatch.extract.html", "redirect_target", "redirect"),
    ("newswatch.extract.html", "read_metadata", "metadata"),
    ("newswatch.extract.html", "is_listing", "listing"),
    ("newswatch.extract.html", "choose_title", "title"),
    ("newswatch.extract.html", "_fill_gaps", "gaps (byline, htmldate)"),
    ("newswatch.extract.html", "drop_non_content", "drop non-content"),
    ("newswatch.extract.html", "_body", "body passes"),
    ("newswatch.extract.html", "paywall_kind", "paywall"),
    ("newswatch.driver.pool", "clean", "clean"),
    ("newswatch.language", "detect_language", "language"),
    ("newswatch.driver.stages", "derive", "tags, entities, signatures"),
    ("newswatch.driver.derive", "tag_article", "topic tags"),
    ("newswatch.driver.derive", "extract_entities", "entities"),
    ("newswatch.driver.derive", "signatures_for", "copy signatures"),
    ("newswatch.driver.stages", "assign_copies", "copies"),
    ("newswatch.driver.stages", "assign_stories", "stories"),
    ("newswatch.driver.stages", "load_batch", "load"),
    ("newswatch.warehouse.loader", "upsert_raw_documents", "raw pages"),
]


def _warm_topics(taxonomy: Any) -> None:
    """Compile every term pattern and embed the phrases of each embedding scorer, untimed (a tree
    that compiles and embeds at load, as before newswatch/topics/lazy.py, has nothing left to do)."""
    try:
        from newswatch.topics.lazy import LazyPattern
    except ImportError:
        return

    for tax in (taxonomy, taxonomy.headlines):
        if tax is None:
            continue
        for topic in tax.topics:
            for p in (*topic.patterns, *topic.weak, *topic.require, *topic.exclude):
                if isinstance(p, LazyPattern):
                    p.compiled  # noqa: B018 - compiles it
        if tax.embedder is not None:
            tax.embedder.vectors  # noqa: B018 - embeds the phrases


def _child(warm_topics: bool, gc_apart: bool) -> dict[str, float]:
    import gc
    import importlib

    import extraction as bench

    bench._offline()
    bench._warm_libraries()
    spent: dict[str, float] = defaultdict(float)
    paused = [0.0, 0.0]  # CPU seconds in the garbage collector; when the current pause started
    if gc_apart:

        def on_gc(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                paused[1] = time.process_time()
            else:
                paused[0] += time.process_time() - paused[1]

        gc.callbacks.append(on_gc)

    def timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start, before = time.process_time(), paused[0]
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - start - (paused[0] - before)

        return wrapper

    for module, name, label in STAGES:
        mod = importlib.import_module(module)
        setattr(mod, name, timed(label, getattr(mod, name)))
    from newswatch.settings import load_settings
    from newswatch.topics.taxonomy import load_configured
    from newswatch.warehouse.db import connect

    _, pages = bench.load_pages()
    warm, timed_pages = pages[: bench.WARM], pages[bench.WARM :]
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(db=Path(tmp) / "stages.duckdb")
        taxonomy = load_configured(settings.topics)
        if warm_topics:
            _warm_topics(taxonomy)
        conn = connect(settings.warehouse.path)
        bench._newswatch_run(warm, 1, conn, settings, taxonomy)
        spent.clear()
        start, before = time.process_time(), paused[0]
        bench._newswatch_run(timed_pages, 1, conn, settings, taxonomy)
        spent["whole pipeline"] = time.process_time() - start
        if gc_apart:
            spent["garbage collection"] = paused[0] - before
        conn.close()
    return {k: v / len(timed_pages) * 1000 for k, v in spent.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes; fastest and median shown")
    parser.add_argument("--classifier", choices=["static", "minilm", "none"], help="[topics] classifier")
    parser.add_argument("--warm-topics", action="store_true", help="compile terms, embed phrases untimed")
    parser.add_argument("--gc-apart", action="store_true", help="garbage collection on its own line")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.warm_topics, args.gc_apart)))
        return 0
    import extraction as bench

    if not bench.load_pages()[1]:
        print("skipped: no news pages found (../shared/corpora/news_html or tests/fixtures/news_html)")
        return 0
    env = dict(os.environ)
    if args.classifier:
        env["NEWSWATCH_TOPICS__CLASSIFIER"] = args.classifier
    child = [sys.executable, __file__, "--child"]
    child += [flag for flag, on in (("--warm-topics", args.warm_topics), ("--gc-apart", args.gc_apart)) if on]
    load = os.getloadavg()[0]  # the machine's, as the runs start
    runs = [
        json.loads(
            subprocess.run(child, check=True, capture_output=True, text=True, env=env).stdout.splitlines()[-1]
        )
        for _ in range(args.runs)
    ]
    labels = [label for _, _, label in STAGES] + ["garbage collection"] * args.gc_apart + ["whole pipeline"]
    what = f"classifier {args.classifier or 'as configured'}"
    what += ", topics warmed" * args.warm_topics + ", garbage collection apart" * args.gc_apart
    print(f"CPU ms/page over {args.runs} runs ({what}; load average {load:.2f} at the start)\n")
    print("| stage | fastest | median |\n|---|---:|---:|")
    for label in labels:
        values = [r.get(label, 0.0) for r in runs]
        print(f"| {label} | {min(values):.2f} | {statistics.median(values):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
