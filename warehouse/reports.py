"""Reports: the SQL files under ``reports/`` run with parameters, shaped for their users."""

from __future__ import annotations

from datetime import date

import duckdb

from newswatch.digest.render import Digest, build_digest, render
from newswatch.warehouse.db import query, report_sql

# Topics shown per story in the digest: the most specific ones, best first (SQL has them all).
DIGEST_TOPICS = 6


def digest_for(conn: duckdb.DuckDBPyConnection, day: date, *, limit: int = 100) -> Digest:
    """The stories first seen or updated on ``day`` with their articles, copies and topics."""
    cur = conn.cursor()
    params = {"day": day, "limit": limit, "max_topics": DIGEST_TOPICS}
    stories = _dicts(cur.execute(report_sql("digest"), params))
    ids = [s["story_id"] for s in stories]
    articles = _dicts(cur.execute(report_sql("digest_articles"), {"story_ids": ids})) if ids else []
    labels = dict(cur.execute(query("topic_labels")).fetchall())
    return build_digest(day, stories, articles, labels)


def render_digest(conn: duckdb.DuckDBPyConnection, day: date, fmt: str = "md", *, limit: int = 100) -> str:
    return render(digest_for(conn, day, limit=limit), fmt)


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    cols = [d[0] for d in cur.description or []]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
