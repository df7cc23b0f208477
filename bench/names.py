"""Names: precision and recall of extracted people, organisations and places on hand-labelled pages.

    .venv/bin/python bench/names.py [--split all|dev|report|dev2|report2] [--show]
    .venv/bin/python bench/names.py --cost [--wide]

The pages are twenty of the real news pages in tests/fixtures/news_html (Apache-2.0, from
trafilatura's tests) in two samples, each chosen by a rule fixed before labelling: every 8th page,
in file-name order, of those the cleaner detects as English, from the first (``dev``, ``report``)
and later from the fifth (``dev2``, ``report2``). Labels and the labelling guideline:
tests/fixtures/names/. Each page goes through ingestion's path (``extract_html``, ``clean``,
``extract_entities`` on the title and ``entity_text``) with no watchlist. ``dev`` and ``dev2``
pages (every other page of a sample, from the first) are the pages rules were developed on;
``report`` and ``report2`` pages chose nothing. One ``dev2`` page (a letter's 152 signatories and
their affiliations) holds 200 of its 254 names; the line without it is printed too. ``--show``
lists false and missed names and names of the wrong kind of the split(s) shown. Scoring:
``newswatch.entities.evaluate``.

``--cost`` instead times ``extract_entities`` alone: process CPU per article over all 85 fixture
pages (extracted and cleaned before the clock starts, the first 8 run once untimed, the stage's
memo caches emptied before each round), best of 5 rounds; once with no watchlist and once with the
configured taxonomy's ``[[entity]]`` watchlist, as a run matches it. ``--wide`` adds the articles
written for the project (bench/written_topics/) and, when ../shared/corpora is there, the BBC
research set's 1,130 articles (read, never copied): 1,743 articles, most shorter than the pages,
best of 3 rounds. Only ``--cost`` needs nothing but ``extract_entities``, so the bench copied into
an older tree times that tree.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: newswatch from this tree

from newswatch.clean import clean  # noqa: E402
from newswatch.driver.derive import entity_text  # noqa: E402
from newswatch.entities.names import extract_entities  # noqa: E402
from newswatch.extract.document import extract_html  # noqa: E402

if TYPE_CHECKING:
    from newswatch.entities.rules import EntityRule

PAGES = ROOT / "tests" / "fixtures" / "news_html"
LABELS = ROOT / "tests" / "fixtures" / "names" / "labels.jsonl"
WRITTEN = ROOT / "bench" / "written_topics" / "articles.jsonl"
BBC = ROOT.parent / "shared" / "corpora" / "bbc" / "bbc_dev.jsonl"
SPLITS = ["dev", "report", "dev2", "report2"]
# A letter's signatories, "Name, Affiliation" per line: extraction runs a table cell's lines together.
LIST_PAGE = "harpers.org.justice"


def predict(page: str) -> list[tuple[str, str]]:
    """(name, kind) of every entity ingestion would store for the page."""
    html = gzip.decompress((PAGES / f"{page}.html.gz").read_bytes()).decode("utf-8", "replace")
    url = f"https://bench.example.org/{page}"
    art = clean(extract_html(html, url=url), source="bench", url=url)
    return [(e.name, e.kind) for e in extract_entities(art.title, entity_text(art), language=art.language)]


def cost(rules: Sequence[EntityRule] = (), rounds: int = 5, wide: bool = False) -> tuple[float, int]:
    """CPU ms per article of ``extract_entities`` over every fixture page (and with ``wide`` the
    written and BBC articles) with the watchlist ``rules``, best of ``rounds``; and the articles."""
    from newswatch.entities import names

    articles = []
    for f in sorted(PAGES.glob("*.html.gz")):
        url = f"https://bench.example.org/{f.name}"
        html = gzip.decompress(f.read_bytes()).decode("utf-8", "replace")
        art = clean(extract_html(html, url=url), source="bench", url=url)
        articles.append((art.title, entity_text(art)))
    for path in (BBC, WRITTEN) if wide else ():
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                articles += [(r["title"], r["body"]) for r in map(json.loads, fh) if r]
    for title, text in articles[:8]:
        extract_entities(title, text, rules)
    best = float("inf")
    for _ in range(rounds):
        for memo in vars(names).values():
            if hasattr(memo, "cache_clear") and getattr(memo, "__module__", "") == names.__name__:
                memo.cache_clear()
        t0 = time.process_time()
        for title, text in articles:
            extract_entities(title, text, rules)
        best = min(best, (time.process_time() - t0) * 1000 / len(articles))
    return best, len(articles)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["all", *SPLITS], default="all")
    ap.add_argument("--show", action="store_true", help="list false and missed names, and wrong kinds")
    ap.add_argument("--cost", action="store_true", help="time extract_entities instead")
    ap.add_argument("--wide", action="store_true", help="--cost also over the written and BBC articles")
    args = ap.parse_args()
    if args.cost:
        from newswatch.settings import load_settings
        from newswatch.topics.taxonomy import load_configured

        watchlist = load_configured(load_settings().topics).entities
        rounds = 3 if args.wide else 5
        for rules in ((), watchlist):
            ms, n = cost(rules, rounds, args.wide)
            print(
                f"extract_entities: {ms:.2f} ms CPU an article ({n} articles, {len(rules)} watchlist entries)"
            )
        return 0
    from newswatch.entities.evaluate import Score, read_labels, score_page

    pages = read_labels(LABELS)
    splits = SPLITS if args.split == "all" else [args.split]
    print(
        f"{'split':15} {'pages':>5} {'labelled':>8} {'predicted':>9} {'P':>6} {'R':>6} {'F1':>6} {'kind':>6}"
    )
    for name in splits:
        total = Score()
        chosen = [p for p in pages if p.split == name]
        without = Score()  # the split without its signatories' list
        for page in chosen:
            score = score_page(page, predict(page.page))
            total.add(score)
            if page.page != LIST_PAGE:
                without.add(score)
        rows = [(name, len(chosen), total)]
        if without.gold != total.gold:
            rows.append((f"{name} w/o list", len(chosen) - 1, without))
        for label, n, s in rows:
            print(
                f"{label:15} {n:5d} {s.gold:8d} {s.predicted:9d} {s.precision:6.3f}"
                f" {s.recall:6.3f} {s.f1:6.3f} {s.kind_accuracy:6.3f}"
            )
        if args.show:
            for line in total.false:
                print(f"    false  {line}")
            for line in total.missed:
                print(f"    missed {line}")
            for line in total.wrong_kind:
                print(f"    kind   {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
