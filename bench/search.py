"""Search at scale: a generated warehouse of ``--articles`` articles, its full-text index, and the
latency of ``newswatch search`` queries on it.

The articles come from bench/scale.py's stream (real headlines of the UCI News Aggregator dev split
under ../shared/corpora, CC BY 4.0, reworded into stories with copies; 30% carry a full text of 5-9
sentences). They are written straight into a migrated warehouse (bulk inserts: the loader's speed
is measured elsewhere), with their stories and copies. Then:

- the index build over all articles (what a run that changed articles pays at its end);
- the check a run that changed nothing pays (one aggregate);
- opening the sealed connection with the fts extension (what each ``newswatch search`` pays first);
- ``--queries`` queries of 1-3 words drawn at random (seeded) from the stream's own headlines, no
  word chosen by hand: median, p95 and max wall time of :func:`newswatch.warehouse.search.search`
  (ranking, grouping by story, copies, snippets), then again with ``--since`` and ``--source``.

Latency is a measurement, not a setting: nothing here was tuned on these queries.

    PYTHONPATH=$PWD python bench/search.py --articles 1000000

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--days", type=float, help="days the articles span (default: 10,000 articles a day)")
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep-index", action="store_true", help="with --db: time queries on the index as built")
    ap.add_argument("--db", type=Path, help="keep the generated warehouse here (reused when it exists)")
    args = ap.parse_args(argv)
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent (the shared corpora are not on this machine)")
        return 0
    tmp = tempfile.TemporaryDirectory(prefix="nw-search-")
    path = args.db or Path(tmp.name) / "search.duckdb"
    days = args.days or max(1.0, args.articles / 10_000)
    results: dict[str, object] = {"articles_asked": args.articles, "days": days, "cpus": os.cpu_count()}
    if not path.exists():
        (made, headlines), secs = timed(generate, path, args.articles, days, args.seed)
        results |= {"articles": made, "generate_s": round(secs, 1)}
    else:
        with CORPUS.open(newline="", encoding="utf-8") as fh:
            headlines = [r["TITLE"] for r in csv.DictReader(fh)]
    conn = connect(path)
    try:
        built, secs = timed(refresh_index, conn, force=not args.keep_index)
        results |= {"articles": built.articles, "index_build_s": round(secs, 1)}
        unchanged, secs = timed(refresh_index, conn)
        assert not unchanged.rebuilt
        if args.keep_index:
            del results["index_build_s"]
        results["index_check_unchanged_ms"] = round(secs * 1000, 1)
    finally:
        conn.close()
    results["db_bytes"] = path.stat().st_size
    print(json.dumps(results), file=sys.stderr, flush=True)

    rng = random.Random(args.seed)
    queries = []
    while len(queries) < args.queries:
        ws = [w for w in words(rng.choice(headlines)) if len(w) > 3 and w.isalpha()]
        if ws:
            queries.append(" ".join(rng.sample(ws, min(len(ws), rng.randint(1, 3)))))
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
