"""The extraction quality gate's scorer, shared by the test and by ``python -m`` runs.

Like trafilatura's own evaluation: for each of the 85 real pages in ``tests/fixtures/news_html``
the annotations list snippets the body must contain (``with``) and must not contain (``without``),
and for most pages the title, the author(s) and the publication date. A system is a function
``(html, url) -> Result``; scores are precision, recall and F1 over the snippets (a ``with``
snippet found is a true positive, a ``without`` snippet found a false positive) and the share of
annotated titles, authors and dates it gets right.

``python tests/extraction/extraction_eval.py [--write-baseline]`` prints the scores of newswatch
and of trafilatura measured the same way (and rewrites ``eval_baseline.json``).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "news_html"
BASELINE = Path(__file__).resolve().parent / "eval_baseline.json"


@dataclass(slots=True)
class Result:
    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # YYYY-MM-DD in the page's own time zone


System = Callable[[str, str], Result]


def _words(text: str) -> list[str]:
    from newswatch.text import words

    return [w for w in words(text) if w != "and"]


def _snippet_in(snippet: str, text: str) -> bool:
    # Spacing and typography (curly quotes, dashes) do not decide a match; words do.
    from newswatch.text import fold

    def squash(s: str) -> str:
        return re.sub(r"\s+", " ", fold(s)).strip()

    return squash(snippet) in squash(text)


def load_cases() -> list[tuple[str, dict[str, Any], str]]:
    """(url, annotations, html) for every annotated page."""
    data = json.loads((FIXTURES / "evaldata.subset.json").read_text(encoding="utf-8"))
    out = []
    for url, ann in data.items():
        raw = gzip.decompress((FIXTURES / f"{ann['file']}.gz").read_bytes())
        out.append((url, ann, raw.decode("utf-8", errors="replace")))
    return out


def score(system: System, cases: list[tuple[str, dict[str, Any], str]] | None = None) -> dict[str, Any]:
    """Score ``system`` on the pages; returns the figures and the misses for reading."""
    cases = load_cases() if cases is None else cases
    tp = fn = fp = tn = 0
    meta = {"title": [0, 0], "author": [0, 0], "date": [0, 0]}
    misses: list[str] = []
    for url, ann, html in cases:
        try:
            res = system(html, url)
        except Exception as exc:  # a system that fails on a page scores nothing on it
            misses.append(f"{ann['file']}: error {type(exc).__name__}: {exc}")
            res = Result()
        for snip in ann.get("with", []):
            if _snippet_in(snip, res.text):
                tp += 1
            else:
                fn += 1
                misses.append(f"{ann['file']}: missing {snip!r}")
        for snip in ann.get("without", []):
            if _snippet_in(snip, res.text):
                fp += 1
                misses.append(f"{ann['file']}: contains {snip!r}")
            else:
                tn += 1
        if "title" in ann:
            meta["title"][1] += 1
            ok = bool(res.title) and _words(res.title or "") == _words(ann["title"])
            meta["title"][0] += ok
            if not ok:
                misses.append(f"{ann['file']}: title {res.title!r} != {ann['title']!r}")
        if "author" in ann:
            want = ann["author"] if isinstance(ann["author"], list) else [ann["author"]]
            meta["author"][1] += 1
            ok = _words(" ".join(res.authors)) == _words(" ".join(want))
            meta["author"][0] += ok
            if not ok:
                misses.append(f"{ann['file']}: authors {res.authors!r} != {want!r}")
        if "date" in ann:
            meta["date"][1] += 1
            ok = res.date == ann["date"]
            meta["date"][0] += ok
            if not ok:
                misses.append(f"{ann['file']}: date {res.date!r} != {ann['date']!r}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out: dict[str, Any] = {
        "pages": len(cases),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "accuracy": round((tp + tn) / max(1, tp + tn + fp + fn), 4),
    }
    for key, (good, total) in meta.items():
        out[f"{key}_accuracy"] = round(good / total, 4) if total else 0.0
    out["misses"] = misses
    return out


def _day(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def newswatch_system(html: str, url: str) -> Result:
    """The whole of newswatch's extraction: extract_document, then clean."""
    from newswatch.clean import clean
    from newswatch.extract.document import extract_document
    from newswatch.records import Document

    doc = Document(source="eval", url=url, content=html.encode("utf-8"), media_type="text/html", fetch=None)
    extracted = extract_document(doc)
    article = clean(extracted, source="eval", url=url)
    return Result(
        text="\n".join(x for x in (article.title, article.deck, article.body) if x),
        title=article.title,
        authors=list(article.authors),
        date=_day(extracted.published_at),
    )


def trafilatura_system(**options: Any) -> System:
    """``trafilatura.bare_extraction(html, with_metadata=True, **options)`` alone."""

    def run(html: str, url: str) -> Result:
        import trafilatura

        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, **options)
        if doc is None:
            return Result()
        authors = [a.strip() for a in re.split(r";", doc.author or "") if a.strip()]
        text = "\n".join(x for x in (doc.title, doc.text) if x)
        return Result(text=text, title=doc.title, authors=authors, date=_day(doc.date))

    return run


SYSTEMS: dict[str, System] = {
    "newswatch": newswatch_system,
    "trafilatura": trafilatura_system(),
    "trafilatura_precision": trafilatura_system(favor_precision=True),
}
FIGURES = ("precision", "recall", "f1", "accuracy", "title_accuracy", "author_accuracy", "date_accuracy")


def main(argv: list[str]) -> int:
    cases = load_cases()
    results = {name: score(system, cases) for name, system in SYSTEMS.items()}
    print(f"{'system':<24}" + "".join(f"{f:>16}" for f in FIGURES))
    for name, res in results.items():
        print(f"{name:<24}" + "".join(f"{res[f]:>16.4f}" for f in FIGURES))
    if "-v" in argv:
        for line in results["newswatch"]["misses"]:
            print("  ", line)
    if "--write-baseline" in argv:
        baseline = {
            name: {f: res[f] for f in FIGURES} for name, res in results.items() if name.startswith("trafil")
        }
        baseline["newswatch_floor"] = {f: results["newswatch"][f] for f in FIGURES}
        BASELINE.write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {BASELINE}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    raise SystemExit(main(sys.argv[1:]))
