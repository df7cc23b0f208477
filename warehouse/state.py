"""State the incremental stages read from the warehouse: what is known, the copy and story indexes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbcSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

import duckdb

from newswatch.copies import CopyIndex, signature, signature_bytes, signature_from_bytes
from newswatch.embeddings import load_embedder
from newswatch.records import Article, HttpValidators, RawDocument, SourceHealth, utcnow
from newswatch.settings import CopySettings, StorySettings
from newswatch.stories import StoryFeatures, StoryIndex, embedding_text
from warehouse.loader import upsert_raw_documents
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


# -- web sources: validators per URL, settled article URLs, source health ----------------------

# Outcomes of a fetched page that will not become an article by fetching it again.
SETTLED_OUTCOMES = ("not_an_article", "no_title", "no_body", "empty", "unsupported")


class UrlSet(AbcSet[str]):
    """A read-only set of URLs. Not a ``frozenset`` on purpose: Prefect walks task parameters
    that are built-in collections item by item (about 1 s per task for 200,000 URLs)."""

    __slots__ = ("_urls",)

    def __init__(self, urls: Iterable[str] = ()) -> None:
        self._urls = frozenset(urls)

    def __contains__(self, url: object) -> bool:
        return url in self._urls

    def __iter__(self) -> Iterator[str]:
        return iter(self._urls)

    def __len__(self) -> int:
        return len(self._urls)


@dataclass(slots=True)
class WebState:
    # Read-only mapping proxies rather than dicts, for the same reason as ``UrlSet``.
    http_cache: Mapping[str, HttpValidators]
    known_urls: UrlSet
    health: Mapping[str, SourceHealth]


def load_web_state(conn: duckdb.DuckDBPyConnection) -> WebState:
    """What the web sources need from the warehouse to fetch only what changed."""
    cache = {
        r[0]: HttpValidators(*r)
        for r in conn.execute("SELECT url, etag, last_modified, content_sha256 FROM http_cache").fetchall()
    }
    known = conn.execute(
        """
        SELECT url FROM articles WHERE url LIKE 'http%'
        UNION SELECT canonical_url FROM articles WHERE canonical_url LIKE 'http%'
        UNION SELECT url FROM fetches
              WHERE url LIKE 'http%' AND (article_id IS NOT NULL OR outcome IN (SELECT unnest(?)))
        """,
        [list(SETTLED_OUTCOMES)],
    ).fetchall()
    health = {
        r[0]: SourceHealth(*r)
        for r in conn.execute(
            "SELECT source, last_success_at, last_error, last_error_at, consecutive_failures,"
            " items_seen, items_new, backoff_until FROM source_state"
        ).fetchall()
    }
    return WebState(MappingProxyType(cache), UrlSet(r[0] for r in known), MappingProxyType(health))


def save_web_state(
    conn: duckdb.DuckDBPyConnection,
    validators: Sequence[HttpValidators],
    health: Sequence[SourceHealth],
    *,
    raw: Sequence[RawDocument] = (),
) -> None:
    """Upsert validators, source health and raw pages (zlib) in one transaction, after the loads."""
    now = utcnow()
    conn.execute("BEGIN TRANSACTION")
    try:
        upsert_raw_documents(conn, raw, now=now)
        if validators:
            conn.executemany(
                """INSERT INTO http_cache VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
                     last_modified = excluded.last_modified, content_sha256 = excluded.content_sha256,
                     checked_at = excluded.checked_at""",
                [[v.url, v.etag, v.last_modified, v.content_sha256, now] for v in validators],
            )
        if health:
            conn.executemany(
                """INSERT INTO source_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (source) DO UPDATE SET last_success_at = excluded.last_success_at,
                     last_error = excluded.last_error, last_error_at = excluded.last_error_at,
                     consecutive_failures = excluded.consecutive_failures,
                     items_seen = excluded.items_seen, items_new = excluded.items_new,
                     backoff_until = excluded.backoff_until, updated_at = excluded.updated_at""",
                [
                    [
                        h.source,
                        h.last_success_at,
                        h.last_error,
                        h.last_error_at,
                        h.consecutive_failures,
                        h.items_seen,
                        h.items_new,
                        h.backoff_until,
                        now,
                    ]
                    for h in health
                ],
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def read_source_health(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Per source: the ``source_health`` view (reads, articles) merged with ``source_state``."""
    out: dict[str, dict[str, Any]] = {}
    cur = conn.execute("SELECT * FROM source_health")
    cols = [d[0] for d in cur.description or []]
    for row in cur.fetchall():
        out[row[0]] = dict(zip(cols, row, strict=True))
    try:
        cur = conn.execute("SELECT * FROM source_state")
    except duckdb.CatalogException:  # a warehouse from before the web sources (opened read-only)
        return out
    cols = [d[0] for d in cur.description or []]
    for row in cur.fetchall():
        state = {k: v for k, v in zip(cols, row, strict=True) if v is not None}
        merged = out.setdefault(row[0], {})
        merged.update(state)
    return out
