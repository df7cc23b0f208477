"""Story merges in the warehouse: move the younger story's articles to the older id, keep a record."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from newswatch.records import StoryMerge, utcnow


def apply_merges(conn: duckdb.DuckDBPyConnection, merges: Sequence[StoryMerge]) -> set[str]:
    """Apply merges inside the caller's transaction; returns the story ids that remain (to refresh)."""
    now = utcnow()
    kept: set[str] = set()
    for m in merges:
        conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", [m.into, m.merged])
        conn.execute("UPDATE story_links SET story_id = ? WHERE story_id = ?", [m.into, m.merged])
        # Ids merged into the merged story before now lead to its new home in one step.
        conn.execute("UPDATE story_merges SET into_story_id = ? WHERE into_story_id = ?", [m.into, m.merged])
        conn.execute(
            "INSERT OR REPLACE INTO story_merges VALUES (?, ?, ?, ?, ?)",
            [m.merged, m.into, m.article_id, m.score, now],
        )
        conn.execute("DELETE FROM stories WHERE story_id = ?", [m.merged])
        kept.discard(m.merged)
        kept.add(m.into)
    return kept


def resolve_story(conn: duckdb.DuckDBPyConnection, story_id: str) -> str:
    """The id a story lives on as: itself, or the story it was merged into."""
    row = conn.execute(
        "SELECT into_story_id FROM story_merges WHERE merged_story_id = ?", [story_id]
    ).fetchone()
    return str(row[0]) if row else story_id


def merged_into(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(conn.execute("SELECT merged_story_id, into_story_id FROM story_merges").fetchall())
