"""datasketch against rensa for copy detection: the same copy pairs? how fast?

Builds 128-permutation MinHash signatures over 5-word shingles for the synthetic stream of
bench/scale.py (real headlines as sentences, 20% copies with other boilerplate), finds copy pairs
(estimated Jaccard >= 0.7 among LSH candidates) with each library, and compares time and results.

    PYTHONPATH=$PWD python bench/minhash.py [--articles 20000]

Needs rensa (not a dependency: ``pip install rensa==0.5.0``); skips cleanly without it or the corpus.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time

from bench.scale import CORPUS, Stream
from newswatch.copies.minhash import CopyIndex, assign_copies, signatures_for
from newswatch.settings import CopySettings
from newswatch.text import shingles, words


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=20_000)
    args = ap.parse_args(argv)
    try:
        from rensa import RMinHash, RMinHashLSH
    except ImportError:
        print("skipped: rensa is not installed")
        return 0
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent")
        return 0
    with CORPUS.open(newline="", encoding="utf-8") as fh:
        headlines = [r["TITLE"] for r in csv.DictReader(fh)]
    arts = Stream(headlines, days=2).articles(args.articles, 0, 2)
    settings = CopySettings()

    t = time.perf_counter()
    sigs = signatures_for(arts, settings)
    t_sig = time.perf_counter() - t
    t = time.perf_counter()
    found = assign_copies(arts, CopyIndex(settings), sigs)
    t_match = time.perf_counter() - t
    ds = {(m.article_id, m.copy_of) for m in found if m.method == "minhash"}

    t = time.perf_counter()
    rsigs = {}
    for a in arts:
        tokens = words(a.body)
        if len(tokens) < 40:
            continue
        mh = RMinHash(num_perm=settings.num_perm, seed=1)
        mh.update(sorted(shingles(tokens, settings.shingle_size)))
        rsigs[a.article_id] = mh
    r_sig = time.perf_counter() - t
    t = time.perf_counter()
    lsh = RMinHashLSH(threshold=settings.threshold, num_perm=settings.num_perm, num_bands=16)
    roots: dict[str, str] = {}
    rs: set[tuple[str, str]] = set()
    for key, a in enumerate(arts):
        mh = rsigs.get(a.article_id)
        if mh is None:
            continue
        best = None
        for cand in lsh.query(mh):
            other = arts[cand]
            sim = mh.jaccard(rsigs[other.article_id])
            if sim >= settings.threshold and (best is None or sim > best[0]):
                best = (sim, roots.get(other.article_id, other.article_id))
        if best:
            roots[a.article_id] = best[1]
            rs.add((a.article_id, best[1]))
        lsh.insert(key, mh)
    r_match = time.perf_counter() - t
    both = len(ds & rs)
    print(f"articles {len(arts)}")
    print(f"datasketch: signatures {t_sig:.2f} s, match {t_match:.2f} s, minhash copies {len(ds)}")
    print(f"rensa:      signatures {r_sig:.2f} s, match {r_match:.2f} s, minhash copies {len(rs)}")
    print(f"same pairs {both}; only datasketch {len(ds - rs)}; only rensa {len(rs - ds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
