"""The digests issued from a warehouse (table ``digests``, migration 0007): recorded when a digest
is written to files or sent, read to find where "what is new since the last digest" starts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb

from newswatch.digest.build import Digest

log = logging.getLogger(__name__)


def last_issued(conn: duckdb.DuckDBPyConnection, until: datetime) -> datetime | None:
    """Where the latest digest that saw no further than ``until`` stopped looking (its
    ``covered_until``), or None when no digest was issued before (or the warehouse predates the
    table and is opened read-only)."""
    try:
        row = conn.execute(
            "SELECT max(covered_until) FROM digests WHERE covered_until <= ?", [until]
        ).fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row and row[0] is not None else None


def record_issued(conn: duckdb.DuckDBPyConnection, digest: Digest, formats: Sequence[str], via: str) -> None:
    """Record ``digest`` as issued now (``conn`` writable)."""
    conn.execute(
        "INSERT INTO digests VALUES (now(), ?, ?, ?, ?, ?, ?)",
        [digest.day, digest.timezone, digest.covered_until, len(digest.cards), list(formats), via],
    )


def record_issued_at(path: Path, digest: Digest, formats: Sequence[str], via: str, *, wait: float) -> bool:
    """Open the warehouse at ``path`` for writing and record ``digest``; a warehouse another
    process keeps busy longer than ``wait`` seconds is logged and skipped (the digest itself was
    delivered; the next one then reaches further back). Returns whether it was recorded."""
    from newswatch.errors import NewswatchError
    from newswatch.warehouse.db import connect

    try:
        conn = connect(path, wait=wait)
    except NewswatchError as exc:
        log.warning("digest of %s not recorded as issued: %s", digest.day, exc)
        return False
    try:
        record_issued(conn, digest, formats, via)
    finally:
        conn.close()
    return True
