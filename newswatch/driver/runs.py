"""A run's record in ``runs``: started, then completed or failed with the error, whatever happens."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from newswatch.records import RunStats, stable_id, utcnow
from newswatch.settings import Settings
from newswatch.topics.taxonomy import Taxonomy, load_configured
from newswatch.warehouse.db import connect
from newswatch.warehouse.loader import finish_run, start_run, sync_topics

log = logging.getLogger(__name__)


def new_run_id() -> str:
    return stable_id("r_", utcnow().isoformat(), os.urandom(8).hex())


@contextmanager
def recorded_run(
    conn: duckdb.DuckDBPyConnection,
    *,
    command: str,
    taxonomy: Taxonomy | None = None,
    flow_run_id: str | None = None,
) -> Iterator[RunStats]:
    """Record a run around the work done inside the ``with``; its stats are the counts stored.

    With a taxonomy, ``topics`` is first made to match it (tags are stored against its topics).
    """
    stats = RunStats(run_id=new_run_id())
    start_run(conn, stats, command=command, flow_run_id=flow_run_id)
    if taxonomy is not None:
        sync_topics(conn, [(t.id, t.label, t.iptc, t.parent, t.description) for t in taxonomy.topics])
    try:
        yield stats
    except BaseException as exc:
        stats.status, stats.finished_at = "failed", utcnow()
        finish_run(conn, stats, error=f"{type(exc).__name__}: {exc}")
        raise
    _refresh_search_index(conn)
    stats.status, stats.finished_at = "completed", utcnow()
    finish_run(conn, stats)


def _refresh_search_index(conn: duckdb.DuckDBPyConnection) -> None:
    """Keep ``newswatch search`` current: rebuild the full-text index when articles changed.

    Without the fts extension package the run still completes; search then says the index is missing.
    """
    from newswatch.errors import NewswatchError
    from newswatch.warehouse.search import refresh_index

    try:
        refresh_index(conn)
    except NewswatchError as exc:
        log.warning("search index not rebuilt: %s", exc)


def run_locally(settings: Settings, *, command: str = "run") -> RunStats:
    """Every configured source through every stage in this process, without Prefect (no digest).

    For tests, benchmarks and scripts; ``newswatch run`` does the same through Prefect tasks.
    """
    from newswatch.driver.stages import run_without_prefect

    taxonomy = load_configured(settings.topics)
    conn = connect(settings.warehouse.path)
    try:
        with recorded_run(conn, command=command, taxonomy=taxonomy) as stats:
            run_without_prefect(conn, settings, taxonomy, stats)
    finally:
        conn.close()
    return stats
