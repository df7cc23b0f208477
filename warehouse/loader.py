"""Loading: idempotent upserts, one transaction per batch.

A batch's articles, copy marks, story links, topic tags, entities, signatures, raw documents and
fetch rows are written together or not at all; the ``stories`` rows of every story the batch
touched are recomputed from ``articles`` in the same transaction. Running the same batch twice
leaves the same rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from newswatch.rawstore import decode_raw as decode_raw  # re-exported: readers of raw_documents use it
from newswatch.rawstore import encode_raw as encode_raw
from newswatch.rawstore import stored_raw
from newswatch.records import (
    Article,
    Batch,
    CopyMatch,
    EntityMention,
    Fetch,
    HttpValidators,
    RawDocument,
    RunStats,
    SourceHealth,
    StoredRaw,
    StoryAssignment,
    TopicTag,
    utcnow,
)
from newswatch.warehouse.bulk import Column, Stamp, Table, id_list, to_json
from newswatch.warehouse.db import query, transaction
from newswatch.warehouse.merges import apply_merges

# -- the inserts: one declaration each (column, type, value) --------------------------------------

_Loaded = tuple[Article, CopyMatch | None]  # an article and the copy match that marks it, if any

# An article loaded again (an update, a re-extraction) keeps its origin, URL and first_seen_at.
ARTICLES: Table[_Loaded] = Table(
    "articles",
    (
        Column("article_id", "VARCHAR", lambda r, _: r[0].article_id),
        Column("source", "VARCHAR", lambda r, _: r[0].source),
        Column("origin", "VARCHAR", lambda r, _: r[0].origin or r[0].source),
        Column("url", "VARCHAR", lambda r, _: r[0].url),
        Column("canonical_url", "VARCHAR", lambda r, _: r[0].canonical_url),
        Column("title", "VARCHAR", lambda r, _: r[0].title),
        Column("deck", "VARCHAR", lambda r, _: r[0].deck),
        Column("body", "VARCHAR", lambda r, _: r[0].body),
        Column("published_at", "TIMESTAMPTZ", lambda r, _: r[0].published_at),
        Column("modified_at", "TIMESTAMPTZ", lambda r, _: r[0].modified_at),
        Column("authors", "VARCHAR[]", lambda r, _: list(r[0].authors)),
        Column("site_name", "VARCHAR", lambda r, _: r[0].site_name),
        Column("language", "VARCHAR", lambda r, _: r[0].language),
        Column("word_count", "INTEGER", lambda r, _: r[0].word_count),
        Column("content_hash", "VARCHAR", lambda r, _: r[0].content_hash),
        Column("copy_of", "VARCHAR", lambda r, _: r[0].copy_of),
        Column("copy_method", "VARCHAR", lambda r, _: r[1].method if r[1] else None),
        Column("copy_similarity", "DOUBLE", lambda r, _: r[1].similarity if r[1] else None),
        Column("story_id", "VARCHAR", lambda r, _: r[0].story_id),
        Column("provenance", "JSON", lambda r, _: to_json(r[0].provenance)),
        Column("first_seen_at", "TIMESTAMPTZ", lambda r, _: r[0].first_seen_at),
        Column("updated_at", "TIMESTAMPTZ", lambda _, s: s.now),
        Column("run_id", "VARCHAR", lambda _, s: s.run_id),
    ),
    key=("article_id",),
    keep=frozenset({"origin", "url", "first_seen_at"}),
)

STORY_LINKS: Table[StoryAssignment] = Table(
    "story_links",
    (
        Column("article_id", "VARCHAR", lambda a, _: a.article_id),
        Column("story_id", "VARCHAR", lambda a, _: a.story_id),
        Column("opened_story", "BOOLEAN", lambda a, _: a.is_new_story),
        Column("score", "DOUBLE", lambda a, _: a.score),
        Column("matched_article_id", "VARCHAR", lambda a, _: a.matched_article_id),
        Column("evidence", "JSON", lambda a, _: to_json(a.evidence)),
        Column("assigned_at", "TIMESTAMPTZ", lambda _, s: s.now),
    ),
)

# A tag with its rank among its article's tags (1: the first, the article's best).
ARTICLE_TOPICS: Table[tuple[TopicTag, int]] = Table(
    "article_topics",
    (
        Column("article_id", "VARCHAR", lambda r, _: r[0].article_id),
        Column("topic", "VARCHAR", lambda r, _: r[0].topic),
        Column("score", "DOUBLE", lambda r, _: r[0].score),
        Column("evidence", "VARCHAR[]", lambda r, _: list(r[0].evidence)),
        Column("rank", "INTEGER", lambda r, _: r[1]),
    ),
)


def ranked(tags: Iterable[TopicTag]) -> list[tuple[TopicTag, int]]:
    """Each tag with its place among its article's tags, in the order tagging gave them."""
    seen: Counter[str] = Counter()
    out = []
    for t in tags:
        seen[t.article_id] += 1
        out.append((t, seen[t.article_id]))
    return out


def _entity_id(m: EntityMention) -> str:
    return m.entity_id or f"{m.kind}:{m.entity}"


# An entity named again keeps the country it had when the new mention gives none.
ENTITIES: Table[EntityMention] = Table(
    "entities",
    (
        Column("entity_id", "VARCHAR", lambda m, _: _entity_id(m)),
        Column("name", "VARCHAR", lambda m, _: m.entity),
        Column("kind", "VARCHAR", lambda m, _: m.kind),
        Column("country_code", "VARCHAR", lambda m, _: m.country_code),
        Column("aliases", "VARCHAR[]", lambda m, _: list(m.aliases)),
        Column("updated_at", "TIMESTAMPTZ", lambda _, s: s.now),
    ),
    key=("entity_id",),
    merge={"country_code": "coalesce(excluded.country_code, entities.country_code)"},
)

ARTICLE_ENTITIES: Table[EntityMention] = Table(
    "article_entities",
    (
        Column("article_id", "VARCHAR", lambda m, _: m.article_id),
        Column("entity", "VARCHAR", lambda m, _: m.entity),
        Column("kind", "VARCHAR", lambda m, _: m.kind),
        Column("mentions", "INTEGER", lambda m, _: m.count),
        Column("entity_id", "VARCHAR", lambda m, _: _entity_id(m)),
    ),
)

COPY_SIGNATURES: Table[tuple[str, bytes]] = Table(
    "copy_signatures",
    (
        Column("article_id", "VARCHAR", lambda kv, _: kv[0]),
        Column("num_perm", "INTEGER", lambda kv, _: len(kv[1]) // 4),  # uint32 little-endian
        Column("signature", "BLOB", lambda kv, _: kv[1]),
    ),
)

RAW_DOCUMENTS: Table[tuple[RawDocument, StoredRaw]] = Table(
    "raw_documents",
    (
        Column("url", "VARCHAR", lambda r, _: r[0].url),
        Column("media_type", "VARCHAR", lambda r, _: r[0].media_type),
        Column("raw_sha256", "VARCHAR", lambda r, _: r[1].sha256),
        Column("content", "BLOB", lambda r, _: r[1].frame),
        Column("stored_at", "TIMESTAMPTZ", lambda _, s: s.now),
    ),
)

FETCHES: Table[Fetch] = Table(
    "fetches",
    (
        Column("run_id", "VARCHAR", lambda _, s: s.run_id),
        Column("source", "VARCHAR", lambda f, _: f.source),
        Column("url", "VARCHAR", lambda f, _: f.url),
        Column("status", "INTEGER", lambda f, _: f.status),
        Column("outcome", "VARCHAR", lambda f, _: f.outcome),
        Column("error", "VARCHAR", lambda f, _: f.error),
        Column("bytes", "BIGINT", lambda f, _: f.bytes),
        Column("elapsed_ms", "DOUBLE", lambda f, _: f.elapsed_ms),
        Column("article_id", "VARCHAR", lambda f, _: f.article_id),
        Column("fetched_at", "TIMESTAMPTZ", lambda f, _: f.fetched_at),
    ),
)

HTTP_CACHE: Table[HttpValidators] = Table(
    "http_cache",
    (
        Column("url", "VARCHAR", lambda v, _: v.url),
        Column("etag", "VARCHAR", lambda v, _: v.etag),
        Column("last_modified", "VARCHAR", lambda v, _: v.last_modified),
        Column("content_sha256", "VARCHAR", lambda v, _: v.content_sha256),
        Column("checked_at", "TIMESTAMPTZ", lambda _, s: s.now),
    ),
    key=("url",),
)

SOURCE_STATE: Table[SourceHealth] = Table(
    "source_state",
    (
        Column("source", "VARCHAR", lambda h, _: h.source),
        Column("last_success_at", "TIMESTAMPTZ", lambda h, _: h.last_success_at),
        Column("last_error", "VARCHAR", lambda h, _: h.last_error),
        Column("last_error_at", "TIMESTAMPTZ", lambda h, _: h.last_error_at),
        Column("consecutive_failures", "INTEGER", lambda h, _: h.consecutive_failures),
        Column("items_seen", "INTEGER", lambda h, _: h.items_seen),
        Column("items_new", "INTEGER", lambda h, _: h.items_new),
        Column("backoff_until", "TIMESTAMPTZ", lambda h, _: h.backoff_until),
        Column("updated_at", "TIMESTAMPTZ", lambda _, s: s.now),
    ),
    key=("source",),
)

# The tables an article's load writes again whole: its rows there are deleted first.
_REWRITTEN = ("article_topics", "article_entities", "story_links", "copy_signatures")


def load_batch(conn: duckdb.DuckDBPyConnection, batch: Batch, *, run_id: str) -> set[str]:
    """Write a batch in one transaction; returns the story ids it touched."""
    stamp = Stamp(utcnow(), run_id)
    copies = {c.article_id: c for c in batch.copies}
    touched = {a.story_id for a in batch.articles if a.story_id}
    ids = [a.article_id for a in batch.articles]
    with transaction(conn):
        if ids:
            stored = conn.execute(query("articles_stored"), [id_list(ids)]).fetchall()
            # Stories the rewritten articles were in before (normally the same ones).
            touched |= {story for _, story in stored if story}
            known = {article for article, _ in stored}
            if known:  # a new article has no rows of these yet: no statement for it
                rewritten = [id_list(sorted(known))]
                for table in _REWRITTEN:
                    conn.execute(query("article_rows_delete", table=table), rewritten)
            loaded = [(a, copies.get(a.article_id)) for a in batch.articles]
            # New articles go in without the upsert: its conflict check cost about 0.3 ms CPU per
            # article even when no row conflicted, more than the rest of the insert.
            ARTICLES.write(conn, [r for r in loaded if r[0].article_id not in known], stamp, upsert=False)
            ARTICLES.write(conn, [r for r in loaded if r[0].article_id in known], stamp)
        STORY_LINKS.write(conn, batch.stories, stamp)
        ARTICLE_TOPICS.write(conn, ranked(batch.tags), stamp)
        if batch.entities:
            load_entities(conn, batch.entities, now=stamp.now)
        COPY_SIGNATURES.write(conn, [(k, v) for k, v in batch.signatures.items() if v is not None], stamp)
        upsert_raw_documents(conn, batch.raw, now=stamp.now)
        insert_fetches(conn, batch.fetches, run_id=run_id)
        if batch.merges:
            touched = (touched - {m.merged for m in batch.merges}) | apply_merges(conn, batch.merges)
        refresh_stories(conn, touched)
    return touched


def upsert_raw_documents(conn: duckdb.DuckDBPyConnection, raw: Sequence[RawDocument], *, now: Any) -> None:
    """Keep each document's raw bytes (``stored_raw``, unless the extraction pool made it), one row
    per URL: the latest read wins.

    Runs inside the caller's transaction. The rows of these URLs are deleted, then inserted: an
    ``ON CONFLICT DO UPDATE`` upsert of the blobs cost about 1 ms CPU more per page, even for new
    URLs.
    """
    latest = {r.url: r for r in raw}  # one URL read twice in a batch: keep the last
    if not latest:
        return
    conn.execute(query("raw_documents_delete"), [id_list(latest)])
    stored = [(r, r.stored or stored_raw(r.content)) for r in latest.values()]
    RAW_DOCUMENTS.write(conn, stored, Stamp(now), upsert=False)


def load_entities(conn: duckdb.DuckDBPyConnection, mentions: Sequence[EntityMention], *, now: Any) -> None:
    """Upsert the entities a batch names, then its per-article mention counts (inside the batch's txn)."""
    stamp = Stamp(now)
    named = {_entity_id(m): m for m in mentions}  # one row per entity: the last mention's names
    ENTITIES.write(conn, [m for _, m in sorted(named.items())], stamp)
    ARTICLE_ENTITIES.write(conn, mentions, stamp)


def insert_fetches(conn: duckdb.DuckDBPyConnection, fetches: Sequence[Fetch], *, run_id: str) -> None:
    FETCHES.write(conn, fetches, Stamp(utcnow(), run_id))


def refresh_stories(conn: duckdb.DuckDBPyConnection, story_ids: Iterable[str]) -> None:
    """Recompute ``stories`` rows from their articles (copies count once, sources all)."""
    ids = sorted(set(story_ids))
    if not ids:
        return
    in_ids = [id_list(ids)]
    conn.execute(query("stories_delete"), in_ids)
    conn.execute(query("stories_refresh"), in_ids)


def start_run(
    conn: duckdb.DuckDBPyConnection, stats: RunStats, *, command: str, flow_run_id: str | None
) -> None:
    conn.execute(query("runs_start"), [stats.run_id, flow_run_id, command, stats.started_at, stats.status])


def finish_run(conn: duckdb.DuckDBPyConnection, stats: RunStats, *, error: str | None = None) -> None:
    row = {k: v for k, v in stats.as_row().items() if k != "started_at"}
    conn.execute(query("runs_finish"), {**row, "error": error})


def sync_topics(
    conn: duckdb.DuckDBPyConnection,
    rows: Sequence[tuple[str, str, str | None, str | None, str | None]],
) -> None:
    """Make ``topics`` hold exactly the taxonomy's topics (topic, label, iptc_code, parent, description)."""
    with transaction(conn):
        conn.execute(query("topics_delete"))
        if rows:
            conn.executemany(query("topics_insert"), [list(r) for r in rows])


def refresh_metadata(conn: duckdb.DuckDBPyConnection, articles: Sequence[Article], *, run_id: str) -> None:
    """Rewrite the extracted metadata of articles whose text did not change (re-extraction).

    Copies, stories and topics depend on the text only, so they stay as they are.
    """
    if not articles:
        return
    now = utcnow()
    with transaction(conn):
        conn.executemany(
            query("articles_refresh_metadata"),
            [
                [
                    a.canonical_url,
                    a.title,
                    a.deck,
                    a.published_at,
                    a.modified_at,
                    list(a.authors),
                    a.site_name,
                    a.language,
                    to_json(a.provenance),
                    now,
                    run_id,
                    a.article_id,
                ]
                for a in articles
            ],
        )
