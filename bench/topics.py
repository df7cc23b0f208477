"""Topic tagging quality: the best tag's top-level IPTC topic on headlines and on full text.

Five sets:

- headlines: ../shared/corpora/stories/uci_news_aggregator_dev.csv (UCI News Aggregator, CC BY
  4.0; else the copy in tests/fixtures/topics/). Split by story: ``tune`` is training data of the
  shipped classifier, ``held-out`` reports.
- bbc: ../shared/corpora/bbc/bbc_dev.jsonl (BBC News, research use: read from ../shared only, never
  copied or trained on; skipped when absent). Split per desk by a hash of the id: ``tune`` chose
  the classifier's settings, ``report`` chose nothing.
- seventeen: tests/fixtures/topics/seventeen/articles.jsonl, two articles per top-level topic,
  written for the project; chose nothing.
- written: tests/fixtures/topics/written/articles.jsonl, six articles per top-level topic by
  six writers whose text never trained the classifier; chose nothing.
- rare: tests/fixtures/topics/rare/articles.jsonl, six articles each on disasters, conflict, labour
  and education, written for the project; chose the distant supervision's settings
  (bench/train_topics.py) with BBC tune. Not in ``all``.
- titles: the headlines of bbc, written and seventeen alone (no body), as a feed entry without
  text is tagged. BBC ``tune`` titles chose the headline rule (newswatch/topics/model.py,
  HEADLINE_LEXICON_WEIGHT); the others chose nothing.

    PYTHONPATH=$PWD python bench/topics.py [--set all|headlines|titles|bbc|seventeen|written|rare]
                                           [--classifier static|minilm|none] [--second 0.3]
                                           [--taxonomy sources/topics.toml] [--threshold 1.0]
                                           [--embeddings static|minilm|none] [--margin 0.15]
                                           [--min-similarity 0.35] [--top-k 15]
                                           [--errors tune]

``--classifier none`` measures the lexicon (with ``--embeddings``' scorer) instead of the shipped
classifier. The cost lines give the tagger's CPU time per headline or article.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from newswatch.settings import TopicSettings
from newswatch.topics.evaluate import (
    Headline,
    evaluate,
    evaluate_full_text,
    predict,
    read_labelled,
    read_uci,
    split,
    split_articles,
)
from newswatch.topics.taxonomy import load_configured

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = [
    ROOT.parent.parent / "shared" / "corpora" / "stories" / "uci_news_aggregator_dev.csv",
    (Path(__file__).resolve().parents[2] / "shared/corpora/stories/uci_news_aggregator_dev.csv"),
    ROOT / "tests" / "fixtures" / "topics" / "uci_news_aggregator_dev.csv",
]
BBC = ROOT.parent.parent / "shared" / "corpora" / "bbc" / "bbc_dev.jsonl"
BBC_ALT = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bbc" / "bbc_dev.jsonl"
SEVENTEEN = ROOT / "tests" / "fixtures" / "topics" / "seventeen" / "articles.jsonl"
RARE = ROOT / "tests" / "fixtures" / "topics" / "rare" / "articles.jsonl"
WRITTEN = ROOT / "tests" / "fixtures" / "topics" / "written" / "articles.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--taxonomy", default=str(ROOT / "sources" / "topics.toml"))
    ap.add_argument("--csv", default=None)
    ap.add_argument("--threshold", type=float, default=None, help="override the taxonomy's threshold")
    ap.add_argument("--embeddings", choices=["none", "static", "minilm"], default=TopicSettings().embeddings)
    ap.add_argument("--margin", type=float, default=None, help="default: the model's")
    ap.add_argument("--min-similarity", type=float, default=None, help="default: the model's")
    ap.add_argument("--top-k", type=int, default=None, help="phrases per topic; default: the model's")
    ap.add_argument("--errors", choices=["tune", "held-out", "all"], help="print misclassified headlines")
    sets = ["all", "headlines", "titles", "bbc", "seventeen", "written", "rare"]
    ap.add_argument("--set", choices=sets, default="all")
    ap.add_argument("--classifier", choices=["static", "minilm", "none"], default=TopicSettings().classifier)
    ap.add_argument("--second", type=float, default=None, help="[topics] classifier_probability")
    args = ap.parse_args()
    section = TopicSettings(
        taxonomy=Path(args.taxonomy),
        threshold=args.threshold,
        classifier=args.classifier,
        classifier_probability=args.second,
        embeddings=args.embeddings,
        embedding_margin=args.margin,
        embedding_min_similarity=args.min_similarity,
    )
    if args.set in ("all", "bbc", "seventeen", "rare", "written"):
        full_text(section, args.set)
    if args.set in ("all", "titles"):
        titles(section)
    if args.set not in ("all", "headlines"):
        return 0
    path = Path(args.csv) if args.csv else next((p for p in CANDIDATES if p.exists()), None)
    if path is None or not path.exists():
        print("skipped: no uci_news_aggregator_dev.csv found")
        return 0
    if args.top_k is not None:
        from newswatch.topics import embed as topic_embed

        topic_embed.MODEL_TOP_K[args.embeddings] = args.top_k
    t0 = time.perf_counter()
    taxonomy = load_configured(section)
    load_s = time.perf_counter() - t0
    headlines = read_uci(path)
    print(f"\nheadlines: {path} ({len(headlines)}); classifier: {args.classifier}", end="")
    print(f"; embeddings: {args.embeddings}")
    print(f"{'split':9} {'n':>5} {'acc':>6} {'macroF1':>8} {'none':>5}  per-class F1 (P/R)")
    t0 = time.perf_counter()
    for part in ("all", "tune", "held-out"):
        s = evaluate(split(headlines, part), taxonomy)
        if part == "all":
            ms = (time.perf_counter() - t0) * 1000 / max(1, len(headlines))
        per = "  ".join(
            f"{c.split('-')[0]} {s.f1[c]:.3f} ({s.precision[c]:.2f}/{s.recall[c]:.2f})" for c in s.f1
        )
        print(f"{part:9} {s.n:5d} {s.accuracy:6.3f} {s.macro_f1:8.3f} {s.untagged:5d}  {per}")
    print(f"cost: {ms:.3f} ms per headline, taxonomy load {load_s:.1f} s")
    if args.errors:
        for i, h in enumerate(split(headlines, args.errors)):
            p = predict(h.title, taxonomy, i)
            if p != h.gold:
                print(f"{h.gold[:8]:8} <- {str(p)[:8]:8} {h.title}")
    return 0


def titles(section: TopicSettings) -> None:
    """Top-1 on the full-text sets' headlines alone: how a feed entry without text is tagged."""
    taxonomy = load_configured(section)
    bbc = next((p for p in (BBC, BBC_ALT) if p.exists()), None)
    sets = []
    if bbc is None:
        print("bbc titles: skipped (no ../shared/corpora/bbc/bbc_dev.jsonl)")
    else:
        articles = read_labelled(bbc)
        sets += [(f"bbc {part}", split_articles(articles, part)) for part in ("tune", "report")]
    sets += [("written", read_labelled(WRITTEN)), ("seventeen", read_labelled(SEVENTEEN))]
    print(f"\ntitles alone; classifier: {section.classifier}; embeddings: {section.embeddings}")
    print(f"{'set':12} {'n':>5} {'top-1':>6} {'none':>5}")
    for name, articles in sets:
        s = evaluate([Headline(a.title, a.gold, a.id) for a in articles], taxonomy)
        print(f"{name:12} {s.n:5d} {s.accuracy:6.3f} {s.untagged:5d}")


def full_text(section: TopicSettings, which: str) -> None:
    """Top-1, topics per article and the economy rate on full-text articles (BBC, seventeen, rare)."""
    taxonomy = load_configured(section)
    bbc = next((p for p in (BBC, BBC_ALT) if p.exists()), None)
    sets = []
    if which in ("all", "bbc"):
        if bbc is None:
            print("bbc: skipped (no ../shared/corpora/bbc/bbc_dev.jsonl)")
        else:
            articles = read_labelled(bbc)
            sets += [(f"bbc {part}", split_articles(articles, part)) for part in ("tune", "report")]
    if which in ("all", "seventeen"):
        sets.append(("seventeen", read_labelled(SEVENTEEN)))
    if which in ("all", "written"):
        sets.append(("written", read_labelled(WRITTEN)))
    if which == "rare":
        sets.append(("rare", read_labelled(RARE)))
    print(f"classifier: {section.classifier}; embeddings: {section.embeddings}")
    print(f"{'set':12} {'n':>5} {'top-1':>6} {'topics':>7} {'econ s+e':>8}  right/n per gold topic")
    for name, articles in sets:
        t0 = time.process_time()
        s = evaluate_full_text(articles, taxonomy)
        ms = (time.process_time() - t0) * 1000 / max(1, s.n)
        se = [g for g in ("sport", "arts-culture-entertainment") if g in s.economy_on]
        econ = (
            sum(s.economy_on[g] * s.per_class[g][1] for g in se) / sum(s.per_class[g][1] for g in se)
            if se
            else float("nan")
        )
        per = " ".join(f"{g.split('-')[0]} {r}/{n}" for g, (r, n) in s.per_class.items())
        row = f"{name:12} {s.n:5d} {s.top1:6.3f} {s.top_levels:7.2f} {econ:8.3f}"
        print(f"{row}  {per}  ({ms:.2f} ms CPU/article)")


if __name__ == "__main__":
    sys.exit(main())
