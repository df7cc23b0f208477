"""Digest time on a large warehouse: a generated one of ``--articles`` articles over ``--days`` days.

The warehouse is generated in DuckDB (no pipeline run: the digest reads the warehouse only):
``articles / 8`` stories with a long tail of sizes (story k draws articles with density ~ 1/sqrt(k):
most stories are small, a few have thousands of articles) from 400 outlets,
born uniformly over the days and living up to three days; a share of copies; bodies of 6 to 20
sentences drawn from the bundled seed documents (so the summary and the facts have real
sentences to work on); 1 to 3 topics per article from the packaged taxonomy (watchlist topics
among them) and 2 to 5 names per article from its watchlist entities. Then the digest of the last
day is built and rendered in both formats, ``--repeat`` times, and the times reported: the SQL
(``digest_for``'s queries), the Python that shapes the rows (summaries, facts, ranks), and the
rendering of both formats.

    PYTHONPATH=$PWD nice python bench/digest.py --articles 1000000 --days 30

The generated warehouse is kept with ``--db PATH`` (reused when it exists).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from newswatch.digest import render, watchlist_of
from newswatch.topics.taxonomy import load_taxonomy
from newswatch.warehouse.db import connect
from newswatch.warehouse.loader import sync_topics
from newswatch.warehouse.reports import digest_for

ROOT = Path(__file__).resolve().parents[1]
END = datetime(2026, 11, 30, tzinfo=UTC)


def sentences() -> list[str]:
    out: list[str] = []
    for path in sorted((ROOT / "sources" / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 8 <= len(s.split()) <= 60]
    return out


def generate(db: Path, articles: int, days: int) -> None:
    """Fill a fresh warehouse with ``articles`` synthetic articles (see the module docstring)."""
    taxonomy = load_taxonomy(ROOT / "sources" / "topics.toml")
    conn = connect(db)
    sync_topics(conn, [(t.id, t.label, t.iptc, t.parent, t.description) for t in taxonomy.topics])
    watch = watchlist_of(taxonomy)
    conn.execute("CREATE TEMP TABLE bank AS SELECT * FROM (SELECT unnest($s) AS s)", {"s": sentences()})
    conn.execute(
        "CREATE TEMP TABLE topic_ids AS SELECT row_number() OVER (ORDER BY topic) - 1 AS i, topic FROM topics"
    )
    conn.execute(
        "CREATE TEMP TABLE names AS SELECT row_number() OVER () - 1 AS i, unnest($ids) AS entity_id,"
        " unnest($names) AS entity",
        {"ids": list(watch.entities), "names": list(watch.entities.values())},
    )
    start = END - timedelta(days=days)
    t0 = time.perf_counter()
    # Articles fall up to 3 days after their story's birth: those past the end (1.5 days of
    # ``days`` on average) are generated in excess and dropped, leaving exactly ``articles``.
    generated = int(articles * days / (days - 1.5)) + 1000
    # Story k: size from a long-tailed draw, born at a uniform time, its articles within 3 days.
    conn.execute(
        """
        CREATE TEMP TABLE gen AS
        WITH a AS (
            SELECT i, hash(i) AS h FROM range($n) AS t(i)
        ), s AS (
            -- n / 8 stories; story k draws articles with density ~ 1/sqrt(k): a long tail
            SELECT i, h, floor(pow((h % 1000003) / 1000003.0, 2) * ($n // 8))::BIGINT AS k FROM a
        )
        SELECT i, k,
               'a_' || lpad(to_hex(i), 12, '0') AS article_id,
               's_' || lpad(to_hex(k), 12, '0') AS story_id,
               'outlet ' || ((h >> 8) % 400)::INT AS source,
               $start::TIMESTAMPTZ + to_seconds((hash(k) % ($days * 86400))::BIGINT)
                   + to_seconds(((h >> 20) % 259200)::BIGINT) AS seen,
               (h >> 40) % 100 < 12 AS is_copy
        FROM s
        """,
        {"n": generated, "start": start, "days": days},
    )
    conn.execute("DELETE FROM gen WHERE seen >= $end", {"end": END})
    conn.execute("DELETE FROM gen WHERE i NOT IN (SELECT i FROM gen ORDER BY i LIMIT $n)", {"n": articles})
    conn.execute(
        """
        INSERT INTO articles
        SELECT g.article_id, g.source, 'bench', 'https://example.org/' || g.article_id,
               'https://example.org/' || g.article_id,
               b.l[(1 + hash(g.k) % b.n)::BIGINT] AS title,
               NULL,
               array_to_string(list_transform(range((6 + hash(g.i, 1) % 15)::BIGINT),
                                              x -> b.l[(1 + hash(g.k, x) % b.n)::BIGINT]), ' '),
               g.seen, NULL, [], g.source, 'en', 300, md5(g.article_id), NULL, NULL, NULL, g.story_id, NULL,
               g.seen, g.seen, 'bench'
        FROM gen AS g, (SELECT list(s ORDER BY s) AS l, count(*) AS n FROM bank) AS b
        """
    )
    # Copies: of the story's first article.
    conn.execute(
        """
        UPDATE articles SET copy_of = f.first_id, copy_method = 'content_hash'
        FROM (SELECT story_id, min(article_id) AS first_id FROM articles GROUP BY story_id) AS f
        WHERE articles.story_id = f.story_id AND articles.article_id <> f.first_id
          AND hash(articles.article_id) % 100 < 12
        """
    )
    conn.execute(
        """
        INSERT INTO article_topics (article_id, topic, score, evidence, rank)
        SELECT article_id, topic, score, [], row_number() OVER (PARTITION BY article_id ORDER BY score DESC)
        FROM (
            SELECT a.article_id, t.topic, max(2.0 + (hash(a.article_id, j) % 50) / 10.0) AS score
            FROM articles AS a, range((1 + hash(a.story_id) % 3)::BIGINT) AS r(j)
            JOIN topic_ids AS t ON t.i = hash(a.story_id, j) % (SELECT count(*) FROM topic_ids)
            GROUP BY a.article_id, t.topic
        )
        """
    )
    conn.execute(
        """
        INSERT INTO entities SELECT entity_id, entity, 'organisation', NULL, [], now() FROM names
        """
    )
    conn.execute(
        """
        INSERT INTO article_entities
        SELECT a.article_id, n.entity, 'organisation', max(1 + hash(a.article_id, j) % 4), n.entity_id
        FROM articles AS a, range((2 + hash(a.story_id) % 4)::BIGINT) AS r(j)
        JOIN names AS n ON n.i = hash(a.story_id, j) % (SELECT count(*) FROM names)
        GROUP BY a.article_id, n.entity, n.entity_id
        """
    )
    conn.execute(
        """
        INSERT INTO stories
        SELECT story_id, any_value(title), min(first_seen_at), max(first_seen_at), NULL, NULL,
               count(*) FILTER (WHERE copy_of IS NULL), count(*), count(DISTINCT source)
        FROM articles GROUP BY story_id
        """
    )
    n = conn.execute("SELECT count(*) FROM articles").fetchone()
    conn.close()
    print(f"generated {n[0] if n else 0:,} articles in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=100, help="[digest] max_stories")
    ap.add_argument("--db", type=Path, help="keep (or reuse) the generated warehouse here")
    args = ap.parse_args(argv)
    tmp = tempfile.TemporaryDirectory() if args.db is None else None
    db = args.db or Path(tmp.name) / "bench.duckdb"  # type: ignore[union-attr]
    if not db.exists():
        generate(db, args.articles, args.days)
    taxonomy = load_taxonomy(ROOT / "sources" / "topics.toml")
    watch = watchlist_of(taxonomy)
    conn = connect(db, read_only=True)
    total = conn.execute("SELECT count(*), count(DISTINCT story_id) FROM articles").fetchone()
    day: date = (END - timedelta(days=1)).date()
    times: list[dict[str, float]] = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        split: dict[str, float] = {}
        digest = digest_for(conn, day, zone="UTC", watchlist=watch, limit=args.limit, timings=split)
        t1 = time.perf_counter()
        md, html = render(digest, "md"), render(digest, "html")
        t2 = time.perf_counter()
        times.append({**split, "render_s": t2 - t1, "total_s": t2 - t0})
    conn.close()
    best = min(times, key=lambda t: t["total_s"])
    result = {
        "articles": total[0] if total else 0,
        "stories": total[1] if total else 0,
        "day": day.isoformat(),
        "stories_that_day": digest.touched,
        "stories_shown": len(digest.cards),
        "md_bytes": len(md.encode()),
        "html_bytes": len(html.encode()),
        "best": {k: round(v, 3) for k, v in best.items()},
        "runs": [{k: round(v, 3) for k, v in t.items()} for t in times],
    }
    print(json.dumps(result, indent=2))
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
