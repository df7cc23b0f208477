"""The copy index file against a warehouse of N articles: rebuild from the warehouse, load, append.

Fills a real DuckDB warehouse (in a temporary directory) with N article rows and, for a share of
them (``--signed``, default 0.3: the full texts of a feed-like stream), random 128-value MinHash
signatures in ``copy_signatures``, straight through SQL (no extraction: this measures the index,
not the pipeline). Then times, each with its peak RSS:

- the rebuild from the warehouse (``load_copy_index`` with no file: read, key, band, write);
- a later run's load from the file (``load_copy_index`` with a current file);
- appending one batch of 200 new entries (``save_copy_index``), as each pipeline batch does.

    PYTHONPATH=$PWD python bench/copyindex.py --articles 1000000

Needs no corpus.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from newswatch.copies.minhash import signature_bytes
from newswatch.copies.store import index_path
from newswatch.settings import CopySettings
from newswatch.warehouse.db import connect
from newswatch.warehouse.state import load_copy_index, save_copy_index


def peak_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def fill(conn: object, n: int, signed: float, num_perm: int) -> None:
    conn.execute(  # type: ignore[attr-defined]
        """
        INSERT INTO articles (article_id, source, origin, url, canonical_url, title, body, published_at,
            word_count, content_hash, copy_of, first_seen_at, updated_at, run_id)
        SELECT 'a_' || lpad(printf('%x', i), 16, '0'), 'outlet' || (i % 500), 'bench',
               'https://outlet.example/' || i, 'https://outlet.example/' || i, 'title ' || i, 'body',
               TIMESTAMPTZ '2026-01-01' + to_seconds(i * 8.64 / 1), 30, md5(i::VARCHAR),
               CASE WHEN i % 10 = 9 THEN 'a_' || lpad(printf('%x', i - 1), 16, '0') END,
               TIMESTAMPTZ '2026-01-01' + to_seconds(i * 8.64 / 1), now(), 'bench'
        FROM range(?) AS t(i)
        """,
        [n],
    )
    rng = np.random.default_rng(7)
    ids = np.flatnonzero(rng.random(n) < signed)
    for start in range(0, len(ids), 100_000):
        part = ids[start : start + 100_000]
        sigs = rng.integers(0, 2**32, size=(len(part), num_perm), dtype=np.uint32)
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO copy_signatures SELECT unnest(?::VARCHAR[]), ?, unnest(?::BLOB[])",
            [[f"a_{i:016x}" for i in part], num_perm, [signature_bytes(s) for s in sigs]],
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--signed", type=float, default=0.3)
    args = ap.parse_args(argv)
    settings = CopySettings()
    out: dict[str, object] = {"articles": args.articles, "signed": args.signed}
    with tempfile.TemporaryDirectory(prefix="nw-copyindex-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        conn = connect(db)
        t = time.perf_counter()
        fill(conn, args.articles, args.signed, settings.num_perm)
        out["fill_s"] = round(time.perf_counter() - t, 1)
        base_mib = peak_mib()
        t = time.perf_counter()
        index = load_copy_index(conn, settings)
        assert index.origin == "rebuilt"
        out["rebuild_s"] = round(time.perf_counter() - t, 1)
        out["rebuild_peak_rss_mib"] = peak_mib()
        out["peak_before_rebuild_mib"] = base_mib
        size = sum(f.stat().st_size for f in index_path(db).iterdir())
        out["file_bytes_per_article"] = round(size / args.articles)
        out["resident_bytes_per_article"] = round(index.resident_bytes() / args.articles)
        del index
        t = time.perf_counter()
        index = load_copy_index(conn, settings)
        assert index.origin == "file", index.origin
        out["load_from_file_s"] = round(time.perf_counter() - t, 2)
        rng = np.random.default_rng(8)
        for k in range(200):
            sig = rng.integers(0, 2**32, size=settings.num_perm, dtype=np.uint32)
            index.add(
                f"a_new{k}",
                canonical_url=f"https://new.example/{k}",
                content_hash=f"h{k}",
                copy_of=None,
                sig=sig,
            )
        t = time.perf_counter()
        save_copy_index(conn, index)
        out["append_200_s"] = round(time.perf_counter() - t, 3)
        out["peak_rss_mib"] = peak_mib()
        conn.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
