"""State the incremental stages read from the warehouse: what is known, the copy and story indexes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from newswatch.copies import CopyIndex, signature, signature_bytes, signature_from_bytes
from newswatch.embeddings import load_embedder
from newswatch.records import Article
from newswatch.settings import CopySettings, StorySettings
from newswatch.stories import StoryFeatures, StoryIndex, embedding_text
from warehouse.merges import merged_into


@dataclass(frozen=True, slots=True)
class Known:
    """What the warehouse already holds about an article."""

    article_id: str
    content_hash: str
    story_id: str | None
    copy_of: str | None
    first_seen_at: datetime


def known_articles(conn: duckdb.DuckDBPyConnection, article_ids: Iterable[str]) -> dict[str, Known]:
    ids = sorted(set(article_ids))
    if not ids:
        return {}
    rows = conn.execute(
        "SELECT article_id, content_hash, story_id, copy_of, first_seen_at FROM articles"
        " WHERE article_id IN (SELECT unnest(?))",
        [ids],
    ).fetchall()
    return {r[0]: Known(*r) for r in rows}


def load_copy_index(conn: duckdb.DuckDBPyConnection, settings: CopySettings) -> CopyIndex:
    """The copy index over every kept article, from stored hashes and signatures."""
    index = CopyIndex(settings)
    rows = conn.execute(
        """
        SELECT a.article_id, a.canonical_url, a.content_hash, a.copy_of, s.signature, s.num_perm
        FROM articles AS a LEFT JOIN copy_signatures AS s USING (article_id)
        ORDER BY a.copy_of IS NOT NULL, coalesce(a.published_at, a.first_seen_at), a.article_id
        """
    ).fetchall()
    for article_id, url, chash, copy_of, sig, num_perm in rows:
        usable = sig is not None and num_perm == settings.num_perm
        index.add(
            article_id,
            canonical_url=url,
            content_hash=chash,
            copy_of=copy_of,
            sig=signature_from_bytes(sig) if usable else None,
        )
    return index


def load_story_index(
    conn: duckdb.DuckDBPyConnection,
    settings: StorySettings,
    *,
    around: tuple[datetime, datetime] | None,
) -> StoryIndex:
    """Kept originals whose event time is within the window of ``around`` (the new articles' span)."""
    index = StoryIndex(settings, load_embedder(settings.embeddings))
    index.merged_into.update(merged_into(conn))
    for article_id, story_id in conn.execute(
        "SELECT article_id, story_id FROM articles WHERE story_id IS NOT NULL"
    ).fetchall():
        index.story_of[article_id] = story_id
    if around is None:
        return index
    window = timedelta(days=settings.window_days)
    rows = conn.execute(
        """
        SELECT article_id, source, url, canonical_url, title, body, deck, published_at, first_seen_at,
               story_id, language, word_count, content_hash
        FROM articles
        WHERE copy_of IS NULL AND story_id IS NOT NULL
          AND coalesce(published_at, first_seen_at) BETWEEN ? AND ?
        ORDER BY coalesce(published_at, first_seen_at), article_id
        """,
        [around[0] - window, around[1] + window],
    ).fetchall()
    kept: list[Article] = []
    for aid, source, url, canon, title, body, deck, pub, seen, sid, lang, wc, chash in rows:
        art = Article(
            article_id=aid,
            source=source,
            url=url,
            canonical_url=canon,
            title=title,
            body=body,
            deck=deck,
            published_at=pub,
            modified_at=None,
            authors=(),
            site_name=None,
            language=lang,
            word_count=wc,
            content_hash=chash,
            first_seen_at=seen,
            story_id=sid,
        )
        kept.append(art)
    vectors = index.embed([embedding_text(a) for a in kept]) if index.embed and kept else None
    for i, art in enumerate(kept):
        feats = StoryFeatures.of(art, art.story_id or "")
        if vectors is not None:
            feats.vector = vectors[i]
        index.add(feats)
    return index


def rebuild_copy_signatures(conn: duckdb.DuckDBPyConnection, settings: CopySettings) -> tuple[int, int]:
    """Recompute every article's MinHash signature from its stored body with the current settings.

    Run after changing ``[copies]`` settings (``num_perm``, ``shingle_size``) or to repair the table;
    the next run's copy index is built from these rows. Returns (articles, signatures written).
    """
    rows = conn.execute("SELECT article_id, body FROM articles ORDER BY article_id").fetchall()
    out = []
    for article_id, body in rows:
        sig = signature(body, settings)
        if sig is not None:
            out.append([article_id, settings.num_perm, signature_bytes(sig)])
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute("DELETE FROM copy_signatures")
        if out:
            conn.executemany("INSERT INTO copy_signatures VALUES (?, ?, ?)", out)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(rows), len(out)
