"""Extraction speed, side by side: newswatch's whole pipeline vs trafilatura and newspaper4k.

    python bench/extraction.py [--rounds 3] [--workers N]

The pages are the 85 real news pages of ``../shared/corpora/news_html/trafilatura`` (read from
there directly; the copy in ``tests/fixtures/news_html`` is used when ``../shared`` is absent, and
the benchmark exits cleanly when neither is there). For every system the table gives:

- CPU ms/page: process CPU time per page in one process. Fixed start-up cost is excluded, the same
  way for every system: each process first builds the libraries' lazy one-time tables that the
  trafilatura-based systems share (jusText's stop lists and their lower-cased set, htmldate's
  dateparser; ``_warm_libraries``), then runs the system on the first 8 pages untimed;
  newswatch's warehouse is also created and migrated before the clock starts. Only per-page work
  is timed, each timed page once;
- pages/s in one process, wall clock;
- pages/s on all cores: the same pages through a process pool of ``--workers`` processes (a fork
  server, warmed up), wall clock.

newswatch's figure covers the WHOLE pipeline: extract + clean, then copies, stories, topics,
entities and the DuckDB load (one transaction per batch). On all cores, extraction, cleaning, topic
tags, entities, copy signatures, the text features story matching reads, and the compressed form and
hash of each raw page run in the pool; copy and story assignment (embedding headlines and
standfirsts) and the load run in the calling process, in event-time order (as in ``newswatch run``).
The others only extract. newspaper4k is optional (``pip install 'newswatch[bench]'``); without it
its row says so.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: newswatch from this tree
SHARED = ROOT.parent / "shared" / "corpora" / "news_html" / "trafilatura"
CANDIDATES = [
    SHARED,
    ROOT / "tests/fixtures/news_html",
]


def load_pages() -> tuple[Path | None, list[tuple[str, str]]]:
    for folder in CANDIDATES:
        files = sorted(folder.glob("*.html.gz")) if folder.is_dir() else []
        if files:
            pages = [
                (f"https://bench.example.org/{f.name[:-8]}", gzip.decompress(f.read_bytes()).decode("utf-8"))
                for f in files
            ]
            return folder, pages
    return None, []


# --- the systems: each takes (url, html) and returns something, in any process ----------------


def trafilatura_metadata(page: tuple[str, str]) -> Any:
    import trafilatura

    doc = trafilatura.bare_extraction(page[1], url=page[0], with_metadata=True)
    return len(doc.text or "") if doc else 0  # a number crosses process boundaries; trees do not


def trafilatura_precision(page: tuple[str, str]) -> Any:
    import trafilatura

    doc = trafilatura.bare_extraction(page[1], url=page[0], with_metadata=True, favor_precision=True)
    return len(doc.text or "") if doc else 0


def trafilatura_fast(page: tuple[str, str]) -> Any:
    import trafilatura

    return len(trafilatura.extract(page[1], url=page[0], fast=True) or "")


def newspaper(page: tuple[str, str]) -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "nltk is not installed": its NLP is not used here
        import newspaper as np4k

    # No image downloads (its default), no article cache; any request goes nowhere (see _offline).
    article = np4k.Article(page[0], fetch_images=False, memorize_articles=False)
    article.download(input_html=page[1])
    article.parse()
    return len(article.text or "")


# --- measuring ---------------------------------------------------------------------------------
# Every measurement runs in a fresh process: trafilatura and htmldate keep caches keyed on text, so
# a second pass over the same pages would be cheaper than real traffic. Each process builds the
# libraries' one-time tables (_warm_libraries), warms up on the first WARM pages (imports, pools)
# and is timed on the others, each page once.

WARM = 8
LIBRARIES: dict[str, Callable[[tuple[str, str]], Any]] = {
    "trafilatura_metadata": trafilatura_metadata,
    "trafilatura_precision": trafilatura_precision,
    "trafilatura_fast": trafilatura_fast,
    "newspaper4k": newspaper,
}


def _warm_libraries() -> None:
    """One-time tables of the libraries every trafilatura-based system uses, built before timing
    (for all systems alike): the union of jusText's stop lists that trafilatura builds on the first
    page needing jusText (~90 ms) and jusText's lower-cased set of it (~80 ms, cached once made),
    and htmldate's dateparser with its first parse (~150 ms)."""
    import trafilatura.external as external
    from htmldate.extractors import get_external_parser
    from justext.core import define_stoplist

    if not external.JT_STOPLIST:
        external.jt_stoplist_init()
    define_stoplist(external.JT_STOPLIST)  # jusText keeps it (lru_cache on the tuple)
    get_external_parser().get_date_data("2 March 2024")


def _start_worker() -> None:
    _offline()
    _warm_libraries()


def _forkserver_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("forkserver"), initializer=_start_worker
    )


def _library(name: str, workers: int) -> tuple[float, float, int]:
    fn = LIBRARIES[name]
    _, pages = load_pages()
    warm, timed = pages[:WARM], pages[WARM:]
    if workers == 1:
        for page in warm:
            fn(page)
        cpu, wall = time.process_time(), time.perf_counter()
        for page in timed:
            fn(page)
        return time.process_time() - cpu, time.perf_counter() - wall, len(timed)
    with _forkserver_pool(workers) as pool:
        list(pool.map(fn, warm))
        wall = time.perf_counter()
        list(pool.map(fn, timed, chunksize=max(1, len(timed) // (workers * 8))))
        return 0.0, time.perf_counter() - wall, len(timed)


def _newswatch_run(
    pages: list[tuple[str, str]], workers: int, conn: Any, settings: Any, taxonomy: Any
) -> float:
    """Extract and clean (pooled when ``workers`` > 1), then copies, stories, topics, load.

    Returns the CPU seconds this process spent in extract + clean."""
    from newswatch.driver.stages import derivation_for, event_order, extract, load_in_batches, load_indexes
    from newswatch.records import Document, RunStats

    docs = [Document("bench", url, html.encode(), "text/html", None) for url, html in pages]
    cpu = time.process_time()
    extraction = extract(docs, workers=workers, derivation=derivation_for(settings))
    cpu = time.process_time() - cpu
    ordered = event_order(extraction.articles)
    indexes = load_indexes(conn, settings, ordered)
    stats = RunStats(run_id=f"r_{len(pages)}_{time.time_ns()}")
    load_in_batches(
        conn, ordered, extraction, settings=settings, taxonomy=taxonomy, indexes=indexes, stats=stats
    )
    return cpu


def _newswatch(workers: int) -> tuple[float, float, int, float]:
    from newswatch.driver.pool import POOL_MIN_DOCUMENTS, shutdown_pool
    from newswatch.settings import load_settings
    from newswatch.topics.taxonomy import load_configured
    from newswatch.warehouse.db import connect

    _, pages = load_pages()
    warm, timed = pages[:WARM], pages[WARM:]
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(db=Path(tmp) / "bench.duckdb")
        # As ``newswatch run`` and the pool's workers load it (with the embedding scorer), so one
        # process tags with the same work as the pool.
        taxonomy = load_configured(settings.topics)
        conn = connect(settings.warehouse.path)  # create + migrate: fixed start-up, not timed
        # Warm up with copies of the warm pages under other URLs (enough to start the pool).
        rounds = -(-POOL_MIN_DOCUMENTS // len(warm)) if workers > 1 else 1
        _newswatch_run(
            [(f"{u}/warm{r}", h) for r in range(rounds) for u, h in warm], workers, conn, settings, taxonomy
        )
        cpu, wall = time.process_time(), time.perf_counter()
        extract_cpu = _newswatch_run(timed, workers, conn, settings, taxonomy)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        conn.close()
    shutdown_pool()
    return cpu, wall, len(timed), extract_cpu


def _offline() -> None:
    """Refuse every connection but loopback: a benchmark must not reach the network."""
    import socket

    connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost") and self.family != socket.AF_UNIX:
            raise ConnectionRefusedError(f"bench/extraction.py is offline: refused {host}")
        return connect(self, address)

    socket.socket.connect = guarded  # type: ignore[method-assign]


def _child(system: str, workers: int) -> int:
    """Run one measurement in this (fresh) process and print it as JSON for the parent."""
    _offline()
    _warm_libraries()  # newswatch's pool workers do the same when they start (sources.html.warm_up)
    try:
        if system == "newswatch":
            cpu, wall, pages, extract_cpu = _newswatch(workers)
        else:
            (cpu, wall, pages), extract_cpu = _library(system, workers), 0.0
    except ImportError as exc:
        print(json.dumps({"missing": str(exc)}))
        return 0
    print(json.dumps({"cpu": cpu, "wall": wall, "pages": pages, "extract_cpu": extract_cpu}))
    return 0


def measure(system: str, workers: int, rounds: int) -> dict[str, float] | None:
    """Best of ``rounds`` fresh processes: CPU ms/page and pages/s in one process, on all cores."""
    best: dict[str, float] = {"cpu_ms": float("inf"), "pps_one": 0.0, "pps_all": 0.0, "extract_ms": 0.0}
    for _ in range(rounds):
        for n in (1, workers):
            out = subprocess.run(
                [sys.executable, __file__, "--child", system, str(n)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            if "missing" in result:
                return None
            if n == 1:
                cpu_ms = result["cpu"] / result["pages"] * 1000
                if cpu_ms < best["cpu_ms"]:
                    best["cpu_ms"] = cpu_ms
                    best["extract_ms"] = result["extract_cpu"] / result["pages"] * 1000
                best["pps_one"] = max(best["pps_one"], result["pages"] / result["wall"])
            else:
                best["pps_all"] = max(best["pps_all"], result["pages"] / result["wall"])
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per figure; the best counts")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), help="pool size")
    parser.add_argument("--child", nargs=2, metavar=("SYSTEM", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child[0], int(args.child[1]))
    folder, pages = load_pages()
    if not pages:
        print("skipped: no news pages found (../shared/corpora/news_html or tests/fixtures/news_html)")
        return 0
    kib = sum(len(h.encode()) for _, h in pages[WARM:]) / len(pages[WARM:]) / 1024
    print(f"pages: {len(pages) - WARM} timed (+{WARM} warm-up) from {folder}; mean {kib:.0f} KiB")
    print(
        f"pool size: {args.workers}; best of {args.rounds} fresh processes; python {sys.version.split()[0]}"
    )
    names = {
        "newswatch": "newswatch, whole pipeline (extract, clean, copies, stories, topics, load)",
        "trafilatura_metadata": "trafilatura bare_extraction(with_metadata=True)",
        "trafilatura_precision": "trafilatura bare_extraction(with_metadata=True, favor_precision=True)",
        "trafilatura_fast": "trafilatura extract(fast=True)",
        "newspaper4k": "newspaper4k Article.parse()",
    }
    results = {key: measure(key, args.workers, args.rounds) for key in names}
    print()
    print(f"| system | CPU ms/page | pages/s, 1 process | pages/s, {args.workers} processes |")
    print("|---|---:|---:|---:|")
    for key, label in names.items():
        r = results[key]
        if r is None:
            print(f"| {label} | not installed (`pip install 'newswatch[bench]'`) | | |")
        else:
            print(f"| {label} | {r['cpu_ms']:.1f} | {r['pps_one']:.1f} | {r['pps_all']:.1f} |")
    nw, ref = results["newswatch"], results["trafilatura_metadata"]
    if nw and ref:
        print()
        print(
            f"newswatch CPU ms/page by part (1 process): extract + clean {nw['extract_ms']:.1f}; "
            f"copies, stories, topics, entities, load {nw['cpu_ms'] - nw['extract_ms']:.1f}"
        )
        print(
            f"newswatch on {args.workers} processes vs trafilatura with metadata in one process: "
            f"{nw['pps_all'] / ref['pps_one']:.2f}x the pages/s; "
            f"CPU per page: {nw['cpu_ms'] / ref['cpu_ms']:.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
