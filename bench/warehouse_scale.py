"""A day of new articles against a large history, end to end with the DuckDB warehouse in.

bench/scale.py times copies and stories alone; this bench runs a day's articles through what a
run does after extraction, against a real warehouse file: the per-article stages (topic tags,
entities, copy signatures, story text features) in a pool of ``--workers`` processes as the
extraction pool runs them, the records staged on disk (``newswatch.driver.staging``), then the
run's own steps (``Run.plan``: failures recorded, copy index loaded from its file, story index of
the window loaded from the warehouse; ``Run.load`` per batch: copies, stories, topics, entities,
one transaction; ``Run.finish``; and the end of ``open_run``: the search index brought up to date and the
``runs`` row). Articles come from bench/scale.py's stream (real UCI News Aggregator development
headlines under ../shared/corpora, CC BY 4.0, reworded into stories with copies).

Two steps, because building the history is set-up, not the measurement:

    # set-up (niced, no timing figure): 1,000,000 articles over 100 days into a warehouse
    PYTHONPATH=$PWD nice -n 19 python bench/warehouse_scale.py build --history 1000000 --dir /tmp/wh1m
    # the measurement, on a copy (the day changes the warehouse)
    rm -rf /tmp/wh1m-day && cp -r /tmp/wh1m /tmp/wh1m-day
    PYTHONPATH=$PWD python bench/warehouse_scale.py day --day 100000 \
        --dir /tmp/wh1m-day

``build`` writes the history through the loader's own batch write (``load_batch``: articles,
copy links, story links, copy signatures, stories), one transaction per 10,000 articles, and the
copy index file through ``save_copy_index``, as runs write them. Copies are assigned over the whole
history; stories over its last ``window_days`` + 2 days (the only ones a day's run loads: older
stories are out of the window), older articles carry the stream's own story ids. The history gets
no topic or entity rows (a day's run never reads them; their tables are then smaller than in a
real warehouse of that size, so their inserts are if anything a little cheaper here). Last, the
history's search index is built in one segment, as ``newswatch reindex`` leaves it.

``day`` prints each phase's wall time, the peak RSS of the process and of the pool's workers
(``resource.getrusage``), the load average, and the counts the run recorded. Skips cleanly (exit 0
with a note) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import CORPUS, Stream

from newswatch.copies.minhash import CopyIndex, assign_copies, signature_bytes, signatures_for
from newswatch.driver import staging
from newswatch.driver.derive import Derived, derive
from newswatch.driver.runs import Extracted, Key, configured_taxonomy, open_run
from newswatch.embeddings import load_embedder
from newswatch.records import Article, Batch, Fetch, StoryAssignment
from newswatch.settings import Settings
from newswatch.stories.assign import StoryIndex, assign_stories
from newswatch.warehouse.db import connect
from newswatch.warehouse.loader import load_batch
from newswatch.warehouse.search import refresh_index
from newswatch.warehouse.state import save_copy_index

DB_NAME = "newswatch.duckdb"
LOAD_ROWS = 10_000  # articles per history transaction
CHUNK = 1_000  # articles per pool task and per copies step, as the run's batches


def settings_for(folder: Path, batch_size: int | None = None) -> Settings:
    s = Settings()
    warehouse: dict[str, Any] = {"path": folder / DB_NAME}
    if batch_size:
        warehouse["batch_size"] = batch_size
    return s.model_copy(update={"warehouse": s.warehouse.model_copy(update=warehouse)})


def headlines() -> list[str]:
    with CORPUS.open(newline="", encoding="utf-8") as fh:
        return [r["TITLE"] for r in csv.DictReader(fh)]


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> int:
    return round(resource.getrusage(who).ru_maxrss / 1024)


def build(folder: Path, history: int, seed: int) -> dict[str, Any]:
    """The history, through ``load_batch`` and ``save_copy_index``; see the module docstring."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = settings_for(folder)
    days = max(1.0, history / 10_000)
    stream = Stream(headlines(), days=days, seed=seed)
    copies = CopyIndex(settings.copies)
    stories = StoryIndex(settings.stories, load_embedder(settings.stories.embeddings))
    story_from = days - settings.stories.window_days - 2
    conn = connect(settings.warehouse.path)
    started, made = time.perf_counter(), 0
    try:
        for d, day in enumerate(stream.by_day(history, 0.0, days)):
            for part in range(0, len(day), LOAD_ROWS):
                rows = day[part : part + LOAD_ROWS]
                batch = Batch(articles=rows)
                for i in range(0, len(rows), CHUNK):
                    chunk = rows[i : i + CHUNK]
                    sigs = signatures_for(chunk, settings.copies)
                    batch.copies += assign_copies(chunk, copies, sigs)
                    batch.signatures.update({k: signature_bytes(v) for k, v in sigs.items()})
                    if d >= story_from:
                        assigned, _ = assign_stories(chunk, stories)
                        batch.stories += assigned
                        batch.merges += stories.drain_merges()
                        stories.forget_closed()
                if d < story_from:  # out of every later window: the stream's own stories
                    for a in rows:
                        a.story_id = "s_" + a.provenance["gold_story"]
                        batch.stories.append(StoryAssignment(a.article_id, a.story_id, False, 1.0, None, {}))
                load_batch(conn, batch, run_id="r_history")
                save_copy_index(conn, copies)
            made += len(day)
            print(f"  {made:,} articles, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        # The history's search index, as `newswatch reindex` leaves it (one segment): a day's run
        # then indexes its own articles only, as in a warehouse that runs have kept up to date.
        refresh_index(conn, force=True)
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    return {
        "history": made,
        "days": days,
        "build_s": round(time.perf_counter() - started, 1),
        "warehouse_mib": round((folder / DB_NAME).stat().st_size / 2**20),
        "peak_rss_mib": peak_rss_mib(),
    }


def _derive_chunk(articles: list[Article], settings: Settings) -> dict[str, Derived]:
    """What an extraction pool worker derives for its chunk (``newswatch.driver.pool``)."""
    return derive(articles, configured_taxonomy(settings.topics), settings.copies)


class SearchRebuild(logging.Handler):
    """Catches the search index's own log line (what it did, and how long a rebuild took)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.message = ""

    def emit(self, record: logging.LogRecord) -> None:
        if "search index" in record.getMessage():  # a rebuild, or what a load added to it
            self.message = record.getMessage()


def day_run(folder: Path, count: int, seed: int, workers: int, batch_size: int | None) -> dict[str, Any]:
    """``count`` new articles of the day after the history, through the run's steps."""
    settings = settings_for(folder, batch_size)
    if not settings.warehouse.path.exists():
        raise SystemExit(f"{settings.warehouse.path}: no warehouse; run `build` first")
    conn = connect(settings.warehouse.path, read_only=True)
    try:
        row = conn.execute("SELECT count(*), max(published_at) FROM articles").fetchone()
    finally:
        conn.close()
    assert row is not None
    history, newest = int(row[0]), row[1]
    days = max(1.0, history / 10_000)
    stream = Stream(headlines(), days=days, seed=seed)
    stream.n = 10 * history + 1  # the day's URLs (and ids) follow the history's
    day = stream.articles(count, days, 1.0)  # generated before the clock starts
    reads = [Fetch(url=a.url, source=a.source) for a in day]
    out: dict[str, Any] = {"history": history, "history_newest": str(newest), "day": len(day)}
    out["batch_size"] = settings.warehouse.batch_size
    out["loadavg_start"] = os.getloadavg()
    rebuild = SearchRebuild()
    logging.getLogger("newswatch").addHandler(rebuild)
    logging.getLogger("newswatch").setLevel(logging.INFO)
    clock: dict[str, float] = {}

    def tick(name: str, seconds: float) -> None:  # each phase as it ends: a run cut short still tells
        clock[name] = seconds
        print(f"  {name}: {seconds:.1f} s, load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    taxonomy = configured_taxonomy(settings.topics)
    with open_run(settings, command="bench", taxonomy=taxonomy) as run:
        tick("open", time.perf_counter() - started)
        t = time.perf_counter()
        chunks = [day[i : i + CHUNK] for i in range(0, len(day), CHUNK)]
        with ProcessPoolExecutor(workers) as pool:
            futures = [pool.submit(_derive_chunk, c, settings) for c in chunks]
            for n, (chunk, future) in enumerate(zip(chunks, futures, strict=True)):
                derived = future.result()
                records = [
                    (a, derived[a.article_id], None, reads[n * CHUNK + i]) for i, a in enumerate(chunk)
                ]
                refs = staging.write(run.area, records)
                pairs = enumerate(zip(chunk, refs, strict=True))
                keys = [Key(a.article_id, a.event_time, r, i) for i, (a, r) in pairs]
                run.add_extracted(Extracted(keys=keys, reads=reads[n * CHUNK : (n + 1) * CHUNK]))
        tick("derive_pool", time.perf_counter() - t)
        t = time.perf_counter()
        planned = run.plan()
        tick("plan_indexes", time.perf_counter() - t)
        t = time.perf_counter()
        for i, batch in enumerate(planned, 1):
            run.count(run.load(batch))
            if i % 50 == 0:
                done = f"{i}/{len(planned)} batches, {time.perf_counter() - t:.0f} s"
                print(f"    {done}", file=sys.stderr, flush=True)
        tick("copies_stories_topics_load", time.perf_counter() - t)
        t = time.perf_counter()
        run.finish()
        tick("finish", time.perf_counter() - t)
        closing = time.perf_counter()
    tick("close_search_index_runs_row", time.perf_counter() - closing)
    tick("total", time.perf_counter() - started)
    out["seconds"] = {k: round(v, 1) for k, v in clock.items()}
    out["search_index"] = rebuild.message
    stats = run.stats
    out["counts"] = {k: getattr(stats, k) for k in ("new", "updated", "unchanged", "copies", "topics")}
    out["counts"].update(stories_new=stats.stories_new, stories_touched=stats.stories_touched)
    out["peak_rss_mib"] = {"run": peak_rss_mib(), "pool_worker": peak_rss_mib(resource.RUSAGE_CHILDREN)}
    out["loadavg_end"] = os.getloadavg()
    out["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="step", required=True)
    b = sub.add_parser("build", help="set-up: the history in a warehouse under --dir")
    b.add_argument("--history", type=int, default=1_000_000)
    d = sub.add_parser("day", help="the measurement: a day of new articles against the warehouse")
    d.add_argument("--day", type=int, default=100_000)
    d.add_argument("--workers", type=int, default=2, help="pool processes for the per-article stages")
    d.add_argument(
        "--batch-size", type=int, help="[warehouse] batch_size: articles per load transaction (default: 200)"
    )
    for p in (b, d):
        p.add_argument("--dir", type=Path, required=True, help="the warehouse's folder")
        p.add_argument("--seed", type=int, default=7 if p is b else 8)
    args = ap.parse_args(argv)
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent (the shared corpora are not on this machine)")
        return 0
    if args.step == "build":
        result = build(args.dir, args.history, args.seed)
    else:
        result = day_run(args.dir, args.day, args.seed, args.workers, args.batch_size)
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
