"""What trafilatura's costlier body passes gain from guarded XPath lists.

The cheap precision pass hands trafilatura's pruning guarded copies of its XPath lists
(``newswatch.extract.vendored.guarded_xpaths``). The costlier passes (precision with fallbacks,
recall; run on the pages whose cheap pass gives under 600 characters) use trafilatura's own lists,
which newswatch no longer rewrites in place. This times both costlier passes on those fixture
pages with trafilatura's lists as they are (``library``) and rewritten in place (``inplace``, what
earlier versions did), each in a fresh process:

    .venv/bin/python bench/xpath_guards.py [--repeat 7]

Reads only tests/fixtures/news_html (85 pages, Apache-2.0).
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import time
from copy import deepcopy
from pathlib import Path

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "news_html"


def _measure(mode: str, repeat: int) -> tuple[int, float]:
    from lxml.etree import XPath
    from trafilatura import bare_extraction

    from newswatch.extract.html import drop_non_content, parse, warm_up
    from newswatch.extract.vendored import guarded, precision_text

    trees = []
    for path in sorted(PAGES.glob("*.html.gz")):
        tree = parse(gzip.decompress(path.read_bytes()).decode("utf-8"), name=path.name)
        drop_non_content(tree)
        if len(precision_text(deepcopy(tree), None)) < 600:
            trees.append(tree)
    if mode == "inplace":
        import trafilatura.xpaths as xpaths

        for value in vars(xpaths).values():
            if isinstance(value, list):
                for i, expr in enumerate(value):
                    if isinstance(expr, XPath) and guarded(expr.path) != expr.path:
                        value[i] = XPath(guarded(expr.path), namespaces={"re": xpaths.REGEXP_NS})
    warm_up()

    def once() -> float:
        start = time.process_time()
        for tree in trees:
            common = {"with_metadata": False, "include_comments": False, "include_tables": True}
            bare_extraction(tree, favor_precision=True, fast=False, **common)
            bare_extraction(tree, favor_recall=True, fast=True, **common)
        return (time.process_time() - start) * 1000

    once()
    return len(trees), min(once() for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--child", choices=["library", "inplace"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        pages, ms = _measure(args.child, args.repeat)
        print(
            f"{args.child:8} {pages} pages: {ms:.1f} ms CPU for both costlier passes (best of {args.repeat})"
        )
        return 0
    for mode in ("library", "inplace", "library", "inplace"):
        cmd = [sys.executable, __file__, "--child", mode, "--repeat", str(args.repeat)]
        subprocess.run(cmd, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
