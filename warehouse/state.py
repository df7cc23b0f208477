"""State the incremental stages read from the warehouse: what is known, the copy and story indexes."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbcSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from newswatch.copies.minhash import CopyIndex, band_hashes, banding, key64, signature_bytes, signatures_of
from newswatch.copies.store import Arrays, CopyStore, CorruptIndex, index_path
from newswatch.embeddings import load_embedder
from newswatch.outcomes import outcomes_where
from newswatch.records import Article, HttpValidators, RawDocument, SourceHealth, utcnow
from newswatch.settings import CopySettings, StorySettings
from newswatch.stories.assign import StoryFeatures, StoryIndex, embedding_text
from newswatch.warehouse.bulk import Stamp, id_list
from newswatch.warehouse.db import query, transaction
from newswatch.warehouse.loader import HTTP_CACHE, SOURCE_STATE, upsert_raw_documents
from newswatch.warehouse.merges import merged_into

log = logging.getLogger("newswatch.copies.minhash")


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
    rows = conn.execute(query("known_articles"), [id_list(ids)]).fetchall()
    return {r[0]: Known(*r) for r in rows}


def warehouse_file(conn: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind ``conn``, or None for an in-memory database."""
    row = conn.execute(query("warehouse_file")).fetchone()
    return Path(row[0]) if row and row[0] else None


def copy_store(conn: duckdb.DuckDBPyConnection, settings: CopySettings) -> CopyStore | None:
    """The copy index files beside the warehouse (None for an in-memory warehouse)."""
    path = warehouse_file(conn)
    return CopyStore(index_path(path), settings) if path is not None else None


def warehouse_fingerprint(conn: duckdb.DuckDBPyConnection) -> list[Any]:
    """What the copy index must have seen to be current: articles and their latest write."""
    row = conn.execute(query("warehouse_fingerprint")).fetchone()
    count, latest = row if row else (0, None)
    return [int(count), latest.isoformat() if latest is not None else None]


def copy_entries(conn: duckdb.DuckDBPyConnection, settings: CopySettings) -> Arrays:
    """Every kept article as copy index arrays, from stored hashes and signatures (no per-article
    objects: 1,000,000 articles load in seconds). Originals first, then by event time, as they
    were first indexed, so the earliest article keeps a URL or content hash."""
    b, r = banding(settings.threshold, settings.num_perm)
    cur = conn.execute(query("copy_entries"), [settings.num_perm])
    ids: list[bytes] = []
    roots: list[bytes] = []
    url_keys: list[int] = []
    hash_keys: list[int] = []
    sig_pos: list[int] = []
    blobs: list[bytes] = []
    while rows := cur.fetchmany(50_000):
        for aid, root, url, chash, sig in rows:
            if sig is not None:
                sig_pos.append(len(ids))
                blobs.append(sig)
            ids.append(aid.encode())
            roots.append(root.encode())
            url_keys.append(key64(url))
            hash_keys.append(key64(chash))
    sigs = np.frombuffer(b"".join(blobs), dtype="<u4").astype(np.uint32).reshape(-1, settings.num_perm)
    return Arrays(
        ids=np.array(ids, dtype="S"),
        roots=np.array(roots, dtype="S"),
        url_keys=np.array(url_keys, dtype=np.uint64),
        hash_keys=np.array(hash_keys, dtype=np.uint64),
        sig_pos=np.array(sig_pos, dtype=np.int64),
        sigs=sigs,
        bands=band_hashes(sigs, b, r),
    )


def rebuild_copy_index(conn: duckdb.DuckDBPyConnection, settings: CopySettings) -> CopyIndex:
    """Build the copy index from the warehouse and (beside a file warehouse) write it to disk."""
    arrays = copy_entries(conn, settings)
    store = copy_store(conn, settings)
    if store is not None:
        store.rewrite(arrays, warehouse_fingerprint(conn))
    index = CopyIndex(settings, arrays.base())
    index.origin = "rebuilt"
    return index


def load_copy_index(conn: duckdb.DuckDBPyConnection, settings: CopySettings) -> CopyIndex:
    """The copy index over every kept article: the file beside the warehouse when it is current,
    else rebuilt from the warehouse (and written) with a log line saying why."""
    store = copy_store(conn, settings)
    if store is None:
        return rebuild_copy_index(conn, settings)
    fingerprint = warehouse_fingerprint(conn)
    arrays, why = store.load(fingerprint)
    if arrays is not None:
        index = CopyIndex(settings, arrays.base())
        index.origin = "file"
        return index
    level = logging.INFO if fingerprint[0] == 0 else logging.WARNING  # a new warehouse: nothing lost
    log.log(level, "copy index %s: %s; rebuilding it from the warehouse", store.path, why)
    index = rebuild_copy_index(conn, settings)
    log.log(level, "copy index %s: rebuilt, %d articles", store.path, len(index))
    return index


def save_copy_index(conn: duckdb.DuckDBPyConnection, index: CopyIndex) -> None:
    """Append what the index learnt since the last save (call after the batch's commit)."""
    entries = index.take_pending()
    store = copy_store(conn, index.settings)
    if store is None:
        return
    try:
        store.append(entries, warehouse_fingerprint(conn))
    except CorruptIndex as exc:  # deleted or damaged under a running process: write it whole
        log.warning("copy index %s: %s; rebuilding it from the warehouse", store.path, exc)
        store.rewrite(copy_entries(conn, index.settings), warehouse_fingerprint(conn))


def load_story_index(
    conn: duckdb.DuckDBPyConnection,
    settings: StorySettings,
    *,
    around: tuple[datetime, datetime] | None,
) -> StoryIndex:
    """Kept originals whose event time is within the window of ``around`` (the new articles' span)."""
    index = StoryIndex(settings, load_embedder(settings.embeddings))
    index.merged_into.update(merged_into(conn))
    if around is None:
        return index
    window = timedelta(days=settings.window_days)
    # Only the window's articles: a copy of an older article finds its original's story through
    # ``known_articles`` when its batch is processed, so this stays bounded by the window.
    span = [around[0] - window, around[1] + window]
    for article_id, story_id in conn.execute(query("story_window_members"), span).fetchall():
        index.story_of[article_id] = story_id
    rows = conn.execute(query("story_window_originals"), span).fetchall()
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
    ``newswatch reindex`` then rebuilds the index file from these rows. Returns (articles,
    signatures written). In slices of 20,000 articles, each signed in one numpy pass.
    """
    articles = signed = 0
    with transaction(conn):
        conn.execute(query("copy_signatures_delete"))
        cur = conn.cursor()
        cur.execute(query("article_bodies"))
        while rows := cur.fetchmany(20_000):
            articles += len(rows)
            sigs = [(k, v) for k, v in signatures_of(rows, settings).items() if v is not None]
            signed += len(sigs)
            if sigs:
                conn.execute(
                    query("copy_signatures_insert"),
                    [[k for k, _ in sigs], settings.num_perm, [signature_bytes(v) for _, v in sigs]],
                )
    return articles, signed


# -- web sources: validators per URL, settled article URLs, source health ----------------------


@dataclass(slots=True)
class WebState:
    """What web sources read from the warehouse at a run's start; it stays at run scope."""

    http_cache: Mapping[str, HttpValidators]
    known_urls: AbcSet[str]
    health: Mapping[str, SourceHealth]


def load_web_state(conn: duckdb.DuckDBPyConnection) -> WebState:
    """What the web sources need from the warehouse to fetch only what changed."""
    cache = {r[0]: HttpValidators(*r) for r in conn.execute(query("http_cache_all")).fetchall()}
    known = conn.execute(query("settled_urls"), [list(outcomes_where("settled"))]).fetchall()
    health = {r[0]: SourceHealth(*r) for r in conn.execute(query("source_state_all")).fetchall()}
    return WebState(cache, frozenset(r[0] for r in known), health)


def save_web_state(
    conn: duckdb.DuckDBPyConnection,
    validators: Sequence[HttpValidators],
    health: Sequence[SourceHealth],
    *,
    raw: Sequence[RawDocument] = (),
) -> None:
    """Upsert validators, source health and raw pages (compressed) in one transaction, after the loads."""
    stamp = Stamp(utcnow())
    with transaction(conn):
        upsert_raw_documents(conn, raw, now=stamp.now)
        # One statement per table, not ``executemany`` (one statement per row, about 2 ms CPU per
        # URL); the last entry of a key wins, as the row-by-row upserts had it.
        HTTP_CACHE.write(conn, {v.url: v for v in validators}.values(), stamp)
        SOURCE_STATE.write(conn, {h.source: h for h in health}.values(), stamp)


def read_source_health(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Per source: the ``source_health`` view (reads, articles) merged with ``source_state``."""
    out: dict[str, dict[str, Any]] = {}
    cur = conn.execute(query("source_health_view"))
    cols = [d[0] for d in cur.description or []]
    for row in cur.fetchall():
        out[row[0]] = dict(zip(cols, row, strict=True))
    try:
        cur = conn.execute(query("source_state_rows"))
    except duckdb.CatalogException:  # a warehouse from before the web sources (opened read-only)
        return out
    cols = [d[0] for d in cur.description or []]
    for row in cur.fetchall():
        state = {k: v for k, v in zip(cols, row, strict=True) if v is not None}
        merged = out.setdefault(row[0], {})
        merged.update(state)
    return out
