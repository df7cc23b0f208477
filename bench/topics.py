"""Topic tagging quality: the best tag's top-level IPTC topic on headlines and on full text.

The sets:

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
- sections: the headlines of ``headlines`` (and the BBC articles, when ../shared has them) each
  scored by the topic the digest files its story under. They go through a run's own path (files
  source, extraction, tags, copies, newswatch's own stories, never the file's STORY column) into a
  temporary warehouse, and each story's topic is read as the digest reads it
  (warehouse/reports/digest_topics.sql, newswatch.digest.build.story_topic). Not in ``all``.

    PYTHONPATH=$PWD python bench/topics.py [--set all|headlines|titles|bbc|seventeen|written|rare|sections]
                                           [--classifier static|minilm|none] [--second 0.3]
                                           [--taxonomy sources/topics.toml] [--threshold 1.0]
                                           [--embeddings static|minilm|none] [--margin 0.15]
                                           [--min-similarity 0.35] [--top-k 15]
                                           [--errors tune]

``--classifier none`` measures the lexicon (with ``--embeddings``' scorer) instead of the shipped
classifier. The cost lines give the tagger's CPU time per headline or article. Each top-1 comes
with its 95% interval: Wilson's for full text (independent articles); for the headlines, the
stories resampled with replacement (a story's headlines are near-copies, right or wrong
together: the held-out half's 1,105 headlines are 19 stories).
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
    predictions,
    read_labelled,
    read_uci,
    score,
    split,
    split_articles,
    story_interval,
    wilson_interval,
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
    sets = ["all", "headlines", "titles", "bbc", "seventeen", "written", "rare", "sections"]
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
    if args.set == "sections":
        path = Path(args.csv) if args.csv else next((p for p in CANDIDATES if p.exists()), None)
        story_sections(section, path, next((p for p in (BBC, BBC_ALT) if p.exists()), None))
        return 0
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
    print(f"{'split':9} {'n':>5} {'stories':>7} {'acc':>6} {'95% (by story)':>14}", end="")
    print(f" {'macroF1':>8} {'none':>5}  per-class F1 (P/R)")
    t0 = time.perf_counter()
    for part in ("all", "tune", "held-out"):
        hs = split(headlines, part)
        got = predictions(hs, taxonomy)
        s = score(zip([h.gold for h in hs], got, strict=True))
        if part == "all":
            ms = (time.perf_counter() - t0) * 1000 / max(1, len(headlines))
        lo, hi = story_interval([(h.story, p == h.gold) for h, p in zip(hs, got, strict=True)])
        per = "  ".join(
            f"{c.split('-')[0]} {s.f1[c]:.3f} ({s.precision[c]:.2f}/{s.recall[c]:.2f})" for c in s.f1
        )
        stories = len({h.story for h in hs})
        row = f"{part:9} {s.n:5d} {stories:7d} {s.accuracy:6.3f} {f'{lo:.3f}-{hi:.3f}':>14}"
        print(f"{row} {s.macro_f1:8.3f} {s.untagged:5d}  {per}")
    print(f"cost: {ms:.3f} ms per headline, taxonomy load {load_s:.1f} s")
    print("(95%: the stories resampled with replacement; a story's headlines are near-copies)")
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
    print(f"{'set':12} {'n':>5} {'top-1':>6} {'95%':>11} {'topics':>7} {'econ s+e':>8}", end="")
    print("  right/n per gold topic")
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
        lo, hi = wilson_interval(sum(r for r, _ in s.per_class.values()), s.n)
        row = f"{name:12} {s.n:5d} {s.top1:6.3f} {f'{lo:.3f}-{hi:.3f}':>11} {s.top_levels:7.2f} {econ:8.3f}"
        print(f"{row}  {per}  ({ms:.2f} ms CPU/article)")


def _uci_gold(path: Path) -> dict[str, tuple[str, str]]:
    """Article id (as ingestion keys it, by URL) -> (gold topic, the split its story is in)."""
    import csv

    from newswatch.records import article_id_for
    from newswatch.topics.evaluate import UCI_CATEGORIES

    held = {h.story for h in split(read_uci(path), "held-out")}
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("CATEGORY") in UCI_CATEGORIES]
    return {
        article_id_for(r["URL"]): (
            UCI_CATEGORIES[r["CATEGORY"]],
            "held-out" if r["STORY"] in held else "tune",
        )
        for r in rows
    }


def _bbc_records(path: Path, out: Path) -> dict[str, tuple[str, str]]:
    """The BBC articles (read from ../shared, written only to a temporary folder) as a files
    source's records; article id -> (gold topic, split)."""
    import json

    from newswatch.records import article_id_for

    articles = read_labelled(path)
    report = {a.id for a in split_articles(articles, "report")}
    with out.open("w", encoding="utf-8") as fh:
        for a in articles:
            rec = {"url": f"https://bbc.invalid/{a.id}", "title": a.title, "body": a.body, "source": "bbc"}
            fh.write(json.dumps(rec) + "\n")
    return {
        article_id_for(f"https://bbc.invalid/{a.id}"): (a.gold, "report" if a.id in report else "tune")
        for a in articles
    }


def _filed(section: TopicSettings, records: Path, db: Path) -> dict[str, tuple[str, str, str]]:
    """Load ``records`` as a run does; article id -> (its own lead topic, its story's topic as the
    digest files it, its story's best-scoring top-level tag: the rule before leads)."""
    from collections import defaultdict
    from datetime import UTC, datetime

    from newswatch.digest.build import story_topic
    from newswatch.driver.stages import derivation_for, event_order, extract, load_in_batches, load_indexes
    from newswatch.records import RunStats
    from newswatch.settings import Settings
    from newswatch.sources.files import read_file
    from newswatch.warehouse.db import connect, report_sql
    from newswatch.warehouse.loader import sync_topics
    from newswatch.warehouse.reports import with_id_list

    settings = Settings(topics=section)
    settings = settings.model_copy(update={"warehouse": settings.warehouse.model_copy(update={"path": db})})
    taxonomy = load_configured(section)
    docs = [d for d in read_file(records, "bench", max_bytes=1 << 30) if hasattr(d, "fields")]
    extraction = extract(docs, derivation=derivation_for(settings))
    ordered = event_order(extraction.articles)
    conn = connect(db)
    sync_topics(conn, [(t.id, t.label, t.iptc, t.parent, t.description) for t in taxonomy.topics])
    indexes = load_indexes(conn, settings, ordered)
    stats = RunStats(run_id="bench-sections")
    load_in_batches(
        conn, ordered, extraction, settings=settings, taxonomy=taxonomy, indexes=indexes, stats=stats
    )
    story_of = dict(conn.execute("SELECT article_id, story_id FROM articles").fetchall())
    lead = dict(conn.execute("SELECT article_id, topic FROM article_lead_topics").fetchall())
    sql, params = with_id_list(report_sql("digest_topics"), "story_ids", sorted(set(story_of.values())))
    cur = conn.execute(sql, {**params, "end": datetime(9999, 1, 1, tzinfo=UTC)})
    names = [d[0] for d in cur.description or ()]
    by_story: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in cur.fetchall():
        r = dict(zip(names, row, strict=True))
        by_story[str(r["story_id"])].append(r)
    conn.close()
    filed: dict[str, tuple[str, str]] = {}
    for story, topics in by_story.items():
        top = story_topic(topics)
        best = max(
            (t for t in topics if not t["parent"]), key=lambda t: (t["score"], t["topic"]), default=None
        )
        filed[story] = (str(top["topic"]) if top else "", str(best["topic"]) if best else "")
    return {k: (lead.get(k, ""), *filed.get(s, ("", ""))) for k, s in story_of.items()}


def story_sections(section: TopicSettings, headlines: Path | None, bbc: Path | None) -> None:
    """Top-1 of each article's own lead topic and of its story's topic, as the digest files it."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        sets: list[tuple[str, dict[str, tuple[str, str]], Path]] = []
        if headlines is not None:
            sets.append(("headlines", _uci_gold(headlines), headlines))
        if bbc is not None:
            sets.append(("bbc", _bbc_records(bbc, Path(tmp) / "bbc.jsonl"), Path(tmp) / "bbc.jsonl"))
        else:
            print("bbc: skipped (no ../shared/corpora/bbc/bbc_dev.jsonl)")
        print(f"classifier: {section.classifier}; top-1 of each article's own lead topic (own), of its")
        print("story's topic as the digest files it (story: most leads, then the best score) and by the")
        print("best score alone (the rule before leads)")
        print(f"{'set':18} {'n':>5} {'own':>6} {'story':>6} {'best score':>10}")
        for name, gold, records in sets:
            filed = _filed(section, records, Path(tmp) / f"{name}.duckdb")
            for part in sorted({p for _, p in gold.values()}):
                keys = [k for k, (_, p) in gold.items() if p == part and k in filed]
                n = max(1, len(keys))
                own, story, best = (sum(filed[k][i] == gold[k][0] for k in keys) / n for i in range(3))
                print(f"{name + ' ' + part:18} {len(keys):5d} {own:6.3f} {story:6.3f} {best:10.3f}")


if __name__ == "__main__":
    sys.exit(main())
