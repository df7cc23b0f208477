"""Story merges in the warehouse: move the younger story's articles to the older id, keep a record."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from newswatch.records import StoryMerge, utcnow
from newswatch.warehouse.db import query


def apply_merges(conn: duckdb.DuckDBPyConnection, merges: Sequence[StoryMerge]) -> set[str]:
    """Apply merges inside the caller's transaction; returns the story ids that remain (to refresh)."""
    now = utcnow()
    kept: set[str] = set()
    for m in merges:
        conn.execute(query("merge_move_articles"), [m.into, m.merged])
        conn.execute(query("merge_move_links"), [m.into, m.merged])
        # Ids merged into the merged story before now lead to its new home in one step.
        conn.execute(query("merge_forward"), [m.into, m.merged])
        conn.execute(query("merge_record"), [m.merged, m.into, m.article_id, m.score, now])
        conn.execute(query("merge_drop_story"), [m.merged])
        kept.discard(m.merged)
        kept.add(m.into)
    return kept


def resolve_story(conn: duckdb.DuckDBPyConnection, story_id: str) -> str:
    """The id a story lives on as: itself, or the story it was merged into."""
    row = conn.execute(query("merge_resolve"), [story_id]).fetchone()
    return str(row[0]) if row else story_id


def merged_into(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(conn.execute(query("merges_all")).fetchall())
