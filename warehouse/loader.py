"""Loading: idempotent upserts, one transaction per batch.

A batch's articles, copy marks, story links, topic tags, entities, signatures, raw documents and
fetch rows are written together or not at all; the ``stories`` rows of every story the batch
touched are recomputed from ``articles`` in the same transaction. Running the same batch twice
leaves the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import duckdb
from newswatch.warehouse.merges import apply_merges

from newswatch.rawstore import decode_raw as decode_raw  # re-exported: readers of raw_documents use it
from newswatch.rawstore import encode_raw as encode_raw
from newswatch.rawstore import stored_raw
from newswatch.records import Article, Batch, EntityMention, Fetch, RawDocument, RunStats, utcnow


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


# Rows per multi-row VALUES statement: bounds the statement's size in a large batch.
_VALUES_ROWS = 500


def _insert(
    conn: duckdb.DuckDBPyConnection,
    head: str,
    types: Sequence[str],
    rows: Sequence[Sequence[Any]],
    tail: str = "",
) -> None:
    """``head`` + the rows as one ``SELECT`` statement; ``tail`` follows (ON CONFLICT).

    One statement per table and batch: ``executemany`` runs one statement per row, which made the
    load the slowest stage of the pipeline (about 80 ms CPU per article with its entities). The
    rows go in as ONE JSON parameter that DuckDB parses and casts column by column: binding each
    value from Python costs DuckDB about 5 us (it looks for pandas twice per value), 35 us per
    five-column row against 4 us through JSON. Rows with blobs go in as one multi-row ``VALUES``
    of scalar parameters (typed by the insert's target columns): a blob bound inside a list costs
    DuckDB about 20 ns per byte, 1 ms for a 48 KiB raw page, against 0.1 ms as a scalar. Values
    JSON cannot carry (NaN, infinity, other types) go in as one typed list per column instead,
    unnest zipping them back into rows.
    """
    if not rows:
        return
    if "BLOB" in types:
        width = "(" + ", ".join(["?"] * len(types)) + ")"
        for start in range(0, len(rows), _VALUES_ROWS):
            chunk = rows[start : start + _VALUES_ROWS]
            conn.execute(
                f"{head} VALUES {', '.join([width] * len(chunk))} {tail}", [v for row in chunk for v in row]
            )
        return
    try:
        data = json.dumps(rows, ensure_ascii=False, allow_nan=False, default=_json_value)
    except (TypeError, ValueError):
        pass
    else:
        select = ", ".join(_from_json(i, t) for i, t in enumerate(types))
        conn.execute(
            f"{head} SELECT {select} FROM (SELECT unnest(json_extract(?::JSON, '$[*]')) AS r) {tail}",
            [data],
        )
        return
    columns = [list(col) for col in zip(*rows, strict=True)]
    select = ", ".join(f"unnest(?::{t}[])" for t in types)
    conn.execute(f"{head} SELECT {select} {tail}", columns)


# ``column IN IDS`` with the ids as ONE JSON parameter (``id_list``): DuckDB's Python binding tries
# to import pandas twice for every value it binds, list elements included, and a failed import
# searches sys.path each time: a statement binding 77 ids as a list cost 9 ms CPU here, as one
# JSON string 0.3 ms.
IDS = "(SELECT unnest(json_extract_string(?, '$[*]')))"


def id_list(ids: Iterable[str]) -> str:
    """The parameter of ``IDS``."""
    return json.dumps(list(ids), ensure_ascii=False)


def _json_value(value: Any) -> str:
    if isinstance(value, datetime):  # naive ones are read in the session's zone (UTC), as bound
        return value.isoformat()
    raise TypeError(f"not for JSON: {type(value).__name__}")


def _from_json(i: int, sql_type: str) -> str:
    """Column ``i`` of a JSON row ``r`` as ``sql_type`` (the value DuckDB would bind)."""
    if sql_type == "VARCHAR":
        return f"r->>{i}"
    if sql_type.endswith("[]"):
        return f"(r->{i})::{sql_type}"
    return f"(r->>{i})::{sql_type}"


_ARTICLE_TYPES = (
    *["VARCHAR"] * 8,
    "TIMESTAMPTZ",
    "TIMESTAMPTZ",
    "VARCHAR[]",
    "VARCHAR",
    "VARCHAR",
    "INTEGER",
    *["VARCHAR"] * 3,
    "DOUBLE",
    "VARCHAR",
    "JSON",
    "TIMESTAMPTZ",
    "TIMESTAMPTZ",
    "VARCHAR",
)

_ARTICLE_INSERT = """INSERT INTO articles (article_id, source, origin, url, canonical_url, title, deck, body,
    published_at, modified_at, authors, site_name, language, word_count, content_hash,
    copy_of, copy_method, copy_similarity, story_id, provenance, first_seen_at,
    updated_at, run_id)"""
# An article loaded again (an update, a re-extraction) keeps its origin, URL and first_seen_at.
_ARTICLE_UPSERT = """ON CONFLICT (article_id) DO UPDATE SET
    source = excluded.source, canonical_url = excluded.canonical_url,
    title = excluded.title, deck = excluded.deck, body = excluded.body,
    published_at = excluded.published_at, modified_at = excluded.modified_at,
    authors = excluded.authors, site_name = excluded.site_name,
    language = excluded.language, word_count = excluded.word_count,
    content_hash = excluded.content_hash, copy_of = excluded.copy_of,
    copy_method = excluded.copy_method, copy_similarity = excluded.copy_similarity,
    story_id = excluded.story_id, provenance = excluded.provenance,
    updated_at = excluded.updated_at, run_id = excluded.run_id"""


def load_batch(conn: duckdb.DuckDBPyConnection, batch: Batch, *, run_id: str) -> set[str]:
    """Write a batch in one transaction; returns the story ids it touched."""
    now = utcnow()
    copies = {c.article_id: c for c in batch.copies}
    touched = {a.story_id for a in batch.articles if a.story_id}
    ids = [a.article_id for a in batch.articles]
    conn.execute("BEGIN TRANSACTION")
    try:
        if ids:
            in_ids = [id_list(ids)]
            stored = conn.execute(
                f"SELECT article_id, story_id FROM articles WHERE article_id IN {IDS}", in_ids
            ).fetchall()
            # Stories the rewritten articles were in before (normally the same ones).
            touched |= {story for _, story in stored if story}
            known = {article for article, _ in stored}
            if known:  # a new article has no rows of these yet: no statement for it
                rewritten = [id_list(sorted(known))]
                for table in ("article_topics", "article_entities", "story_links", "copy_signatures"):
                    conn.execute(f"DELETE FROM {table} WHERE article_id IN {IDS}", rewritten)
            rows = [
                [
                    a.article_id,
                    a.source,
                    a.origin or a.source,
                    a.url,
                    a.canonical_url,
                    a.title,
                    a.deck,
                    a.body,
                    a.published_at,
                    a.modified_at,
                    list(a.authors),
                    a.site_name,
                    a.language,
                    a.word_count,
                    a.content_hash,
                    a.copy_of,
                    copies[a.article_id].method if a.article_id in copies else None,
                    copies[a.article_id].similarity if a.article_id in copies else None,
                    a.story_id,
                    _json(a.provenance),
                    a.first_seen_at,
                    now,
                    run_id,
                ]
                for a in batch.articles
            ]
            # New articles go in without the upsert: its conflict check cost about 0.3 ms CPU per
            # article even when no row conflicted, more than the rest of the insert.
            _insert(conn, _ARTICLE_INSERT, _ARTICLE_TYPES, [r for r in rows if r[0] not in known])
            _insert(
                conn, _ARTICLE_INSERT, _ARTICLE_TYPES, [r for r in rows if r[0] in known], _ARTICLE_UPSERT
            )
        if batch.stories:
            _insert(
                conn,
                "INSERT INTO story_links",
                ("VARCHAR", "VARCHAR", "BOOLEAN", "DOUBLE", "VARCHAR", "JSON", "TIMESTAMPTZ"),
                [
                    [
                        s.article_id,
                        s.story_id,
                        s.is_new_story,
                        s.score,
                        s.matched_article_id,
                        _json(s.evidence),
                        now,
                    ]
                    for s in batch.stories
                ],
            )
        if batch.tags:
            _insert(
                conn,
                "INSERT INTO article_topics",
                ("VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR[]"),
                [[t.article_id, t.topic, t.score, list(t.evidence)] for t in batch.tags],
            )
        if batch.entities:
            load_entities(conn, batch.entities, now=now)
        sigs = [(k, v) for k, v in batch.signatures.items() if v is not None]
        if sigs:
            _insert(
                conn,
                "INSERT INTO copy_signatures",
                ("VARCHAR", "INTEGER", "BLOB"),
                [[k, len(v) // 4, v] for k, v in sigs],
            )
        upsert_raw_documents(conn, batch.raw, now=now)
        insert_fetches(conn, batch.fetches, run_id=run_id)
        if batch.merges:
            touched = (touched - {m.merged for m in batch.merges}) | apply_merges(conn, batch.merges)
        refresh_stories(conn, touched)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
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
    conn.execute(f"DELETE FROM raw_documents WHERE url IN {IDS}", [id_list(latest)])
    rows = []
    for r in latest.values():
        stored = r.stored or stored_raw(r.content)
        rows.append([r.url, r.media_type, stored.sha256, stored.frame, now])
    _insert(conn, "INSERT INTO raw_documents", ("VARCHAR", "VARCHAR", "VARCHAR", "BLOB", "TIMESTAMPTZ"), rows)


def load_entities(conn: duckdb.DuckDBPyConnection, mentions: Sequence[EntityMention], *, now: Any) -> None:
    """Upsert the entities a batch names, then its per-article mention counts (inside the batch's txn)."""
    ids = {m.entity_id or f"{m.kind}:{m.entity}": m for m in mentions}
    _insert(
        conn,
        "INSERT INTO entities",
        ("VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR[]", "TIMESTAMPTZ"),
        [[eid, m.entity, m.kind, m.country_code, list(m.aliases), now] for eid, m in sorted(ids.items())],
        """ON CONFLICT (entity_id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             country_code = coalesce(excluded.country_code, entities.country_code),
             aliases = excluded.aliases, updated_at = excluded.updated_at""",
    )
    _insert(
        conn,
        "INSERT INTO article_entities (article_id, entity, kind, mentions, entity_id)",
        ("VARCHAR", "VARCHAR", "VARCHAR", "INTEGER", "VARCHAR"),
        [[m.article_id, m.entity, m.kind, m.count, m.entity_id or f"{m.kind}:{m.entity}"] for m in mentions],
    )


def insert_fetches(conn: duckdb.DuckDBPyConnection, fetches: Sequence[Fetch], *, run_id: str) -> None:
    if not fetches:
        return
    _insert(
        conn,
        "INSERT INTO fetches (run_id, source, url, status, outcome, error, bytes, elapsed_ms,"
        " article_id, fetched_at)",
        (*["VARCHAR"] * 3, "INTEGER", "VARCHAR", "VARCHAR", "BIGINT", "DOUBLE", "VARCHAR", "TIMESTAMPTZ"),
        [
            [
                run_id,
                f.source,
                f.url,
                f.status,
                f.outcome,
                f.error,
                f.bytes,
                f.elapsed_ms,
                f.article_id,
                f.fetched_at,
            ]
            for f in fetches
        ],
    )


def refresh_stories(conn: duckdb.DuckDBPyConnection, story_ids: Iterable[str]) -> None:
    """Recompute ``stories`` rows from their articles (copies count once, sources all)."""
    ids = sorted(set(story_ids))
    if not ids:
        return
    in_ids = [id_list(ids)]
    conn.execute(f"DELETE FROM stories WHERE story_id IN {IDS}", in_ids)
    conn.execute(
        f"""
        INSERT INTO stories
        SELECT story_id,
               arg_min(title, (copy_of IS NOT NULL, coalesce(published_at, first_seen_at), article_id)),
               min(first_seen_at), max(first_seen_at), min(published_at), max(published_at),
               count(*) FILTER (WHERE copy_of IS NULL), count(*), count(DISTINCT source)
        FROM articles
        WHERE story_id IN {IDS}
        GROUP BY story_id
        """,
        in_ids,
    )


def start_run(
    conn: duckdb.DuckDBPyConnection, stats: RunStats, *, command: str, flow_run_id: str | None
) -> None:
    conn.execute(
        "INSERT INTO runs (run_id, flow_run_id, command, started_at, status) VALUES (?, ?, ?, ?, ?)",
        [stats.run_id, flow_run_id, command, stats.started_at, stats.status],
    )


def finish_run(conn: duckdb.DuckDBPyConnection, stats: RunStats, *, error: str | None = None) -> None:
    row = stats.as_row()
    cols = [k for k in row if k not in ("run_id", "started_at")]
    conn.execute(
        f"UPDATE runs SET {', '.join(f'{c} = ?' for c in cols)}, error = ? WHERE run_id = ?",
        [*(row[c] for c in cols), error, stats.run_id],
    )


def sync_topics(
    conn: duckdb.DuckDBPyConnection,
    rows: Sequence[tuple[str, str, str | None, str | None, str | None]],
) -> None:
    """Make ``topics`` hold exactly the taxonomy's topics (topic, label, iptc_code, parent, description)."""
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute("DELETE FROM topics")
        if rows:
            conn.executemany("INSERT INTO topics VALUES (?, ?, ?, ?, ?)", [list(r) for r in rows])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def refresh_metadata(conn: duckdb.DuckDBPyConnection, articles: Sequence[Article], *, run_id: str) -> None:
    """Rewrite the extracted metadata of articles whose text did not change (re-extraction).

    Copies, stories and topics depend on the text only, so they stay as they are.
    """
    if not articles:
        return
    now = utcnow()
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.executemany(
            """UPDATE articles SET canonical_url = ?, title = ?, deck = ?, published_at = ?,
                 modified_at = ?, authors = ?, site_name = ?, language = ?, provenance = ?,
                 updated_at = ?, run_id = ?
               WHERE article_id = ?""",
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
                    _json(a.provenance),
                    now,
                    run_id,
                    a.article_id,
                ]
                for a in articles
            ],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
