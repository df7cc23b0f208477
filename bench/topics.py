"""Topic tagging quality on real headlines: accuracy and per-class F1 of the best tag's top level.

Reads ../shared/corpora/stories/uci_news_aggregator_dev.csv (UCI News Aggregator, CC BY 4.0) when
present, else the copy in tests/fixtures/topics/; skips cleanly when neither exists.

    PYTHONPATH=$PWD python bench/topics.py [--taxonomy sources/topics.toml] [--threshold 1.0]
                                           [--embeddings static|minilm|none] [--margin 0.15]
                                           [--min-similarity 0.35] [--top-k 15]
                                           [--errors tune]

``--embeddings`` (default: the [topics] default) attaches the embedding scorer of
newswatch/topic_embed.py; the last line gives the tagger's cost in ms per headline.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from newswatch.settings import TopicSettings
from newswatch.topics.evaluate import evaluate, predict, read_uci, split
from newswatch.topics.taxonomy import load_configured

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = [
    ROOT.parent.parent / "shared" / "corpora" / "stories" / "uci_news_aggregator_dev.csv",
    (Path(__file__).resolve().parents[2] / "shared/corpora/stories/uci_news_aggregator_dev.csv"),
    ROOT / "tests" / "fixtures" / "topics" / "uci_news_aggregator_dev.csv",
]


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
    args = ap.parse_args()
    path = Path(args.csv) if args.csv else next((p for p in CANDIDATES if p.exists()), None)
    if path is None or not path.exists():
        print("skipped: no uci_news_aggregator_dev.csv found")
        return 0
    section = TopicSettings(
        taxonomy=Path(args.taxonomy),
        threshold=args.threshold,
        embeddings=args.embeddings,
        embedding_margin=args.margin,
        embedding_min_similarity=args.min_similarity,
    )
    if args.top_k is not None:
        from newswatch.topics import embed as topic_embed

        topic_embed.MODEL_TOP_K[args.embeddings] = args.top_k
    t0 = time.perf_counter()
    taxonomy = load_configured(section)
    load_s = time.perf_counter() - t0
    headlines = read_uci(path)
    print(f"data: {path} ({len(headlines)} headlines); embeddings: {args.embeddings}")
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
    print(f"cost: {ms:.3f} ms per headline (lexicon + embeddings), taxonomy load {load_s:.1f} s")
    if args.errors:
        for i, h in enumerate(split(headlines, args.errors)):
            p = predict(h.title, taxonomy, i)
            if p != h.gold:
                print(f"{h.gold[:8]:8} <- {str(p)[:8]:8} {h.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
