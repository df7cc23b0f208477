"""Search at scale: a generated warehouse of ``--articles`` articles, its search index built as runs
build it (load by load, segments merged), and the latency of ``newswatch search`` queries on it.

The articles come from bench/scale.py's stream (real headlines of the UCI News Aggregator dev split
under ../shared/corpora, CC BY 4.0, reworded into stories with copies; 30% carry a full text of 5-9
sentences). They are written straight into a migrated warehouse (bulk inserts: the loader's speed
is measured elsewhere), with their stories and copies.

Set-up (``--setup-only``; slow, run it niced): the index is built in ``--loads`` loads of the
articles in the order they were first seen, as that many runs would (each load a new segment,
segments merged log-structured), leaving the newest ``--load`` articles out.

Measured (the rest; short, run it at normal priority):

- indexing the held-back ``--load`` articles on top of the rest (what the next run pays at its end),
  and the segments merged by it;
- the check a run that changed nothing pays (one join of articles with the indexed docs);
- opening the sealed connection with the fts extension (what each ``newswatch search`` pays first);
- ``--queries`` queries of 1-3 words drawn at random (seeded) from the stream's own headlines before
  any measurement, no word chosen by hand: median, p95 and max wall time of
  :func:`newswatch.warehouse.search.search` (ranking, grouping by story, copies, snippets), then
  again with ``--since`` and ``--source``.

Latency is a measurement, not a setting: nothing here was tuned on these queries.

    PYTHONPATH=$PWD nice python bench/search.py --articles 1000000 --db /tmp/s1m.duckdb --setup-only
    PYTHONPATH=$PWD python bench/search.py --articles 1000000 --db /tmp/s1m.duckdb

Skips cleanly (exit 0 with a note) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import CORPUS, T0, Stream

from newswatch.text import words
from newswatch.warehouse.db import connect
from newswatch.warehouse.sealed import connect_sealed
from newswatch.warehouse.search import refresh_index, search
from newswatch.warehouse.search_index import SCHEMA, index_exists, pending_changes

NAMES = (
    "article_id", "source", "origin", "url", "canonical_url", "title", "body", "published_at", "word_count",
    "content_hash", "copy_of", "story_id", "first_seen_at", "updated_at", "run_id",
)  # fmt: skip
TYPES = ("VARCHAR",) * 7 + ("TIMESTAMPTZ", "INTEGER") + ("VARCHAR",) * 3 + ("TIMESTAMPTZ",) * 2 + ("VARCHAR",)


def generate(path: Path, count: int, days: float, seed: int) -> tuple[int, list[str]]:
    """Write ``count`` articles (and their stories) into the warehouse at ``path``; returns the
    article count and the headlines the stream used (for queries)."""
    with CORPUS.open(newline="", encoding="utf-8") as fh:
        headlines = [r["TITLE"] for r in csv.DictReader(fh)]
    stream = Stream(headlines, days=days, seed=seed)
    conn = connect(path)
    tmp = Path(tempfile.mkdtemp(prefix="nw-search-"))
    made = 0
    try:
        for n, day in enumerate(stream.by_day(count, 0.0, days)):
            rows, first_of_hash = [], {}
            for a in day:
                story = "s_" + a.provenance["gold_story"]
                key = (story, a.content_hash)
                copy_of = first_of_hash.get(key)
                first_of_hash.setdefault(key, a.article_id)
                values = (
                    a.article_id, a.source, "bench", a.url, a.canonical_url, a.title, a.body,
                    a.published_at.isoformat() if a.published_at else None, a.word_count, a.content_hash,
                    copy_of, story, a.first_seen_at.isoformat(), a.first_seen_at.isoformat(), "r_bench",
                )  # fmt: skip
                rows.append(dict(zip(NAMES, values, strict=True)))
            # JSON lines: DuckDB reads them in bulk (executemany binds one row at a time: ~100 rows/s)
            part = tmp / f"day{n}.jsonl"
            with part.open("w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r) + "\n" for r in rows)
            types = ", ".join(f"'{c}': '{t}'" for c, t in zip(NAMES, TYPES, strict=True))
            conn.execute(
                f"INSERT OR IGNORE INTO articles ({', '.join(NAMES)})"
                f" SELECT * FROM read_json(?, format = 'newline_delimited', columns = {{{types}}})",
                [str(part)],
            )
            part.unlink()
            made += len(rows)
            print(f"  generated {made:,} articles", file=sys.stderr, flush=True)
        conn.execute(
            "INSERT OR REPLACE INTO stories SELECT story_id, arg_min(title, first_seen_at),"
            " min(first_seen_at), max(first_seen_at), min(published_at), max(published_at),"
            " count(*) FILTER (WHERE copy_of IS NULL), count(*), count(DISTINCT source)"
            " FROM articles GROUP BY story_id"
        )
    finally:
        conn.close()
        for leftover in tmp.iterdir():
            leftover.unlink()
        tmp.rmdir()
    return made, headlines


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def build_by_loads(path: Path, loads: int, held_back: int) -> dict[str, object]:
    """Index all but the newest ``held_back`` articles in ``loads`` loads, oldest first: a temporary
    view shows the index a growing prefix of the articles."""
    conn = connect(path)
    out: dict[str, object] = {}
    try:
        try:
            conn.execute(
                "CREATE TEMP TABLE bench_order AS SELECT article_id,"
                " row_number() OVER (ORDER BY first_seen_at, article_id) AS k FROM articles"
            )
            row = conn.execute("SELECT count(*) FROM bench_order").fetchone()
            total = int(row[0]) if row else 0
            upto = max(total - held_back, 0)
            started, merges = time.perf_counter(), 0
            for n in range(1, loads + 1):
                cutoff = upto * n // loads
                conn.execute(
                    "CREATE OR REPLACE TEMP VIEW bench_prefix AS SELECT a.* FROM articles AS a"
                    f" JOIN bench_order AS o USING (article_id) WHERE o.k <= {cutoff}"
                )
                done = refresh_index(conn, articles="bench_prefix")
                merges += done.merged
                print(
                    f"  load {n}/{loads}: {done.articles:,} articles indexed, {done.segments} segments"
                    f" ({done.seconds:.1f} s)",
                    file=sys.stderr,
                    flush=True,
                )
            out = {
                "index_by_loads_s": round(time.perf_counter() - started, 1),
                "loads": loads,
                "indexed_before_measuring": upto,
                "segments_merged_while_building": merges,
            }
        finally:
            conn.execute("DROP VIEW IF EXISTS bench_prefix")
    finally:
        conn.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--days", type=float, help="days the articles span (default: 10,000 articles a day)")
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--loads", type=int, default=100, help="loads the index is built in (set-up)")
    ap.add_argument("--load", type=int, default=1000, help="articles of the load measured on top")
    ap.add_argument("--setup-only", action="store_true", help="generate and index, measure nothing")
    ap.add_argument("--db", type=Path, help="keep the generated warehouse here (reused when it exists)")
    args = ap.parse_args(argv)
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent (the shared corpora are not on this machine)")
        return 0
    tmp = tempfile.TemporaryDirectory(prefix="nw-search-")
    path = args.db or Path(tmp.name) / "search.duckdb"
    days = args.days or max(1.0, args.articles / 10_000)
    results: dict[str, object] = {"articles_asked": args.articles, "days": days, "cpus": os.cpu_count()}
    # The queries are drawn before anything is measured.
    with CORPUS.open(newline="", encoding="utf-8") as fh:
        headlines = [r["TITLE"] for r in csv.DictReader(fh)]
    rng = random.Random(args.seed)
    queries: list[str] = []
    while len(queries) < args.queries:
        ws = [w for w in words(rng.choice(headlines)) if len(w) > 3 and w.isalpha()]
        if ws:
            queries.append(" ".join(rng.sample(ws, min(len(ws), rng.randint(1, 3)))))
    if not path.exists():
        (made, _), secs = timed(generate, path, args.articles, days, args.seed)
        results |= {"articles": made, "generate_s": round(secs, 1)}
    conn = connect(path)
    try:
        built = index_exists(conn)
    finally:
        conn.close()
    if not built:
        results |= build_by_loads(path, args.loads, args.load)
    if args.setup_only:
        print(json.dumps(results, indent=2, default=str))
        return 0

    conn = connect(path)
    try:
        pending, secs = timed(pending_changes, conn)
        results["pending_before_load"] = pending
        results["change_check_ms"] = round(secs * 1000, 1)
        load = refresh_index(conn)
        results["load"] = {
            "added": load.added,
            "merged_segments": load.merged,
            "seconds": round(load.seconds, 2),
            "segments_after": load.segments,
        }
        unchanged, secs = timed(refresh_index, conn)
        assert not unchanged.rebuilt
        results |= {"articles": unchanged.articles, "index_check_unchanged_ms": round(secs * 1000, 1)}
        results["segments"] = conn.execute(
            f"SELECT list(docs ORDER BY segment) FROM {SCHEMA}.segments"
        ).fetchone()[0]  # type: ignore[index]
    finally:
        conn.close()
    results["db_bytes"] = path.stat().st_size
    print(json.dumps(results, default=str), file=sys.stderr, flush=True)

    sealed, secs = timed(connect_sealed, path, extensions=("fts",))
    results["open_sealed_ms"] = round(secs * 1000, 1)
    try:
        _, first = timed(search, sealed, queries[0])
        results["first_query_ms"] = round(first * 1000, 1)
        plain, found = [], []
        for q in queries:
            hits, secs = timed(search, sealed, q)
            plain.append(secs)
            found.append(len(hits))
        results["query"] = summary(plain) | {"queries": len(queries), "with_hits": sum(1 for f in found if f)}
        since = (T0 + timedelta(days=days * 0.9)).date()
        filtered = [timed(search, sealed, q, since=since)[1] for q in queries]
        results["query_since_last_10pct"] = summary(filtered)
        by_source = [timed(search, sealed, q, source="outlet7")[1] for q in queries]
        results["query_one_source"] = summary(by_source)
        results["example"] = {
            "query": queries[1],
            "top": [h.as_row() for h in search(sealed, queries[1], limit=1)],
        }
    finally:
        sealed.close()
    results["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["loadavg"] = os.getloadavg()
    print(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
