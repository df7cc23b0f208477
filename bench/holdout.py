"""Topics and stories on the report-only full-text sets (tests/fixtures/holdout): figures on text
that chose nothing.

Both sets go through what ``newswatch ingest`` runs (a files source of JSON Lines records, every
stage, a real DuckDB warehouse in a temporary folder, no Prefect), and the figures are read back
with SQL, so they measure what a user gets, whatever the internals.

    PYTHONPATH=$PWD python bench/holdout.py [--json]

- topics: top-1 (the best tag's top-level topic is the article's), the share of articles whose
  gold top-level topic is among their tags, and top-level topics per article.
- stories: B-cubed and pairwise precision, recall and F1 of ``articles.story_id`` against the gold
  events (look-alikes are singletons), and how many events were split and look-alikes joined.

No setting of newswatch may be chosen by looking at these figures (see the sets' README).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOLDOUT = ROOT / "tests" / "fixtures" / "holdout"


def _ingest(records: list[dict[str, Any]], folder: Path) -> Any:
    from newswatch.driver.runs import run_locally
    from newswatch.settings import load_settings
    from newswatch.warehouse.db import connect

    data = folder / "records.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    config = folder / "newswatch.toml"
    config.write_text(
        f'[warehouse]\npath = "{folder / "w.duckdb"}"\ndigests_dir = "{folder / "digests"}"\n\n'
        f'[topics]\ntaxonomy = "{ROOT / "sources" / "topics.toml"}"\n\n'
        f'[[sources]]\nname = "holdout"\nkind = "files"\npath = "{data}"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, env={})
    run_locally(settings, command="bench")
    return connect(settings.warehouse.path, read_only=True)


def _read(name: str) -> list[dict[str, Any]]:
    path = HOLDOUT / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def topics_figures() -> dict[str, Any]:
    rows = _read("topics_fulltext.jsonl")
    records = [
        {
            "url": f"https://example.org/holdout/{r['id']}",
            "title": r["title"],
            "body": r["body"],
            "source": "Wire",
        }
        for r in rows
    ]
    gold = {f"https://example.org/holdout/{r['id']}": r["topic"] for r in rows}
    with tempfile.TemporaryDirectory() as tmp:
        conn = _ingest(records, Path(tmp))
        try:
            parent = dict(conn.execute("SELECT topic, parent FROM topics").fetchall())
            tags = conn.execute(
                "SELECT a.url, t.topic, t.score FROM article_topics t JOIN articles a USING (article_id)"
            ).fetchall()
            urls = {u for (u,) in conn.execute("SELECT url FROM articles").fetchall()}
        finally:
            conn.close()

    def top(topic: str) -> str:
        seen = set()
        while parent.get(topic) and topic not in seen:
            seen.add(topic)
            topic = parent[topic]
        return topic

    best: dict[str, tuple[float, str]] = {}
    tops: dict[str, set[str]] = defaultdict(set)
    for url, topic, score in tags:
        tops[url].add(top(topic))
        if url not in best or score > best[url][0]:
            best[url] = (score, top(topic))
    n = len(gold)
    right = sum(1 for u, g in gold.items() if u in best and best[u][1] == g)
    among = sum(1 for u, g in gold.items() if g in tops.get(u, set()))
    wrong = Counter(
        f"{g} <- {best[u][1] if u in best else None}"
        for u, g in gold.items()
        if u not in best or best[u][1] != g
    )
    return {
        "articles": n,
        "stored": len(urls),
        "top1": round(right / n, 3),
        "gold_among_tags": round(among / n, 3),
        "top_level_per_article": round(sum(len(tops.get(u, ())) for u in gold) / n, 2),
        "untagged": sum(1 for u in gold if u not in best),
        "errors": dict(wrong.most_common()),
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def stories_figures() -> dict[str, Any]:
    rows = _read("story_events.jsonl")
    records = [{k: r[k] for k in ("url", "title", "body", "source", "published_at") if k in r} for r in rows]
    gold = {r["url"]: r["story"] for r in rows}
    with tempfile.TemporaryDirectory() as tmp:
        conn = _ingest(records, Path(tmp))
        try:
            pred = dict(conn.execute("SELECT url, story_id FROM articles").fetchall())
        finally:
            conn.close()
    keys = [k for k in gold if k in pred]
    joint = Counter((pred[k], gold[k]) for k in keys)
    psize, gsize = Counter(pred[k] for k in keys), Counter(gold[k] for k in keys)
    bp = sum(joint[(pred[k], gold[k])] / psize[pred[k]] for k in keys) / len(keys)
    br = sum(joint[(pred[k], gold[k])] / gsize[gold[k]] for k in keys) / len(keys)

    def pairs(c: Counter[Any]) -> int:
        return sum(n * (n - 1) // 2 for n in c.values())

    both, in_p, in_g = pairs(joint), pairs(psize), pairs(gsize)
    pp, pr = (both / in_p if in_p else 1.0), (both / in_g if in_g else 1.0)
    events = {g for g in gold.values() if g.startswith("E")}
    split = sorted(e for e in events if len({pred[k] for k in keys if gold[k] == e}) > 1)
    by_story: dict[str, set[str]] = defaultdict(set)
    for k in keys:
        by_story[pred[k]].add(gold[k])
    joined = sorted(g for k in keys if (g := gold[k]).startswith("L") and len(by_story[pred[k]]) > 1)
    return {
        "articles": len(gold),
        "stored": len(keys),
        "bcubed": {"p": round(bp, 3), "r": round(br, 3), "f1": round(_f1(bp, br), 3)},
        "pairwise": {"p": round(pp, 3), "r": round(pr, 3), "f1": round(_f1(pp, pr), 3)},
        "stories": len(psize),
        "gold_stories": len(gsize),
        "events_split": split,
        "lookalikes_joined": joined,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = {"topics": topics_figures(), "stories": stories_figures()}
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    t, s = out["topics"], out["stories"]
    print(
        f"topics  (17 top-level topics, {t['articles']} articles): top-1 {t['top1']:.3f}, gold among tags "
        f"{t['gold_among_tags']:.3f}, top-level topics per article {t['top_level_per_article']:.2f}, "
        f"untagged {t['untagged']}"
    )
    for k, v in t["errors"].items():
        print(f"    {v} x {k}")
    b, pw = s["bcubed"], s["pairwise"]
    print(
        f"stories ({s['articles']} articles, {s['gold_stories']} gold stories -> {s['stories']}): "
        f"B-cubed P {b['p']:.3f} R {b['r']:.3f} F1 {b['f1']:.3f}; pairwise F1 {pw['f1']:.3f}"
    )
    print(f"    events split: {', '.join(s['events_split']) or 'none'}")
    print(f"    look-alikes joined to another story: {', '.join(s['lookalikes_joined']) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
