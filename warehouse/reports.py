"""Reports: the SQL files under ``reports/`` run with parameters, shaped for their users."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import duckdb

from newswatch.digest.build import (
    Digest,
    Watchlist,
    build_digest,
    choose,
    day_bounds,
    rank_rows,
    watchlist_of,
)
from newswatch.digest.render import render
from newswatch.errors import WarehouseError
from newswatch.warehouse.db import report_sql
from newswatch.warehouse.digests import last_issued

if TYPE_CHECKING:
    from newswatch.settings import Settings

# Articles read per story for the summary, the links and the facts: the first published ones.
DIGEST_ARTICLES_PER_STORY = 200
CHART_DAYS = 14


def digest_for(
    conn: duckdb.DuckDBPyConnection,
    day: date,
    *,
    zone: tzinfo | str = "UTC",
    watchlist: Watchlist | None = None,
    limit: int = 100,
    chart_days: int = CHART_DAYS,
    timings: dict[str, float] | None = None,
    new_since: datetime | None = None,
) -> Digest:
    """The stories first seen or grown on ``day`` (in ``zone``), ranked, with what the digest shows.

    What is new counts from ``new_since``; by default from where the previous digest issued from this
    warehouse stopped looking (table ``digests``), or from the start of the day when none was.

    ``timings``, when given, gets the seconds spent in SQL (``sql_s``) and in Python (``build_s``).
    """
    began = time.perf_counter()
    read_at = datetime.now(UTC)
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    watch = watchlist or Watchlist()
    start, end = day_bounds(day, tz)
    cur = conn.cursor()
    if new_since is None:
        new_since = last_issued(cur, min(read_at, end))
    stories = dicts(
        cur.execute(
            report_sql("digest"),
            {
                "start": start,
                "end": end,
                "watch_topics": sorted(watch.topics),
                "watch_entities": sorted(watch.entities),
            },
        )
    )
    # Only the stories shown need their articles, topics and names.
    ids = [r["story_id"] for r in choose(stories, rank_rows(stories, end), limit)]
    articles: list[dict[str, Any]] = []
    topics: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    since, _ = day_bounds(day - timedelta(days=chart_days - 1), tz)
    try:
        if ids:
            sql, params = with_id_list(report_sql("digest_articles"), "story_ids", ids)
            articles = dicts(cur.execute(sql, {**params, "end": end, "per_story": DIGEST_ARTICLES_PER_STORY}))
            sql, params = with_id_list(report_sql("digest_topics"), "story_ids", ids)
            topics = dicts(cur.execute(sql, {**params, "end": end}))
            sql, params = with_id_list(report_sql("digest_entities"), "story_ids", ids)
            entities = dicts(cur.execute(sql, {**params, "end": end}))
        chart = dicts(cur.execute(report_sql("digest_chart"), {"since": since, "end": end, "tz": str(tz)}))
    except (duckdb.CatalogException, duckdb.BinderException) as exc:  # read-only, written by an older version
        raise WarehouseError(
            f"the warehouse lacks what this version's digest reads ({str(exc).splitlines()[0]}): it was"
            " written by an older newswatch and not migrated yet; `newswatch run` migrates it"
        ) from exc
    try:
        health = dicts(cur.execute(report_sql("digest_health")))
    except duckdb.CatalogException:  # a warehouse from before web sources, opened read-only
        health = []
    queried = time.perf_counter()
    digest = build_digest(
        day,
        tz,
        story_rows=stories,
        article_rows=articles,
        topic_rows=topics,
        entity_rows=entities,
        chart_rows=chart,
        health_rows=health,
        watchlist=watch,
        limit=limit,
        chart_days=chart_days,
        since=new_since,
        covered_until=read_at,
    )
    if timings is not None:
        timings["sql_s"] = queried - began
        timings["build_s"] = time.perf_counter() - queried
    return digest


def render_digest(
    conn: duckdb.DuckDBPyConnection,
    day: date,
    fmt: str = "md",
    *,
    limit: int = 100,
    zone: tzinfo | str = "UTC",
    watchlist: Watchlist | None = None,
) -> str:
    return render(digest_for(conn, day, zone=zone, watchlist=watchlist, limit=limit), fmt)


def digest_texts(
    conn: duckdb.DuckDBPyConnection,
    day: date,
    settings: Settings,
    *,
    formats: Sequence[str] | None = None,
    taxonomy: Any = None,
) -> dict[str, str]:
    """The digest of ``day`` in each format (default: ``[digest] formats``), as configured: its
    timezone, story limit, chart days and the taxonomy's watchlists."""
    return configured_digest(conn, day, settings, formats=formats, taxonomy=taxonomy)[1]


def configured_digest(
    conn: duckdb.DuckDBPyConnection,
    day: date,
    settings: Settings,
    *,
    formats: Sequence[str] | None = None,
    taxonomy: Any = None,
) -> tuple[Digest, dict[str, str]]:
    """:func:`digest_texts` with the digest they render (to record it once it is issued:
    ``newswatch.warehouse.digests.record_issued``)."""
    if taxonomy is None:
        from newswatch.topics.taxonomy import load_taxonomy

        taxonomy = load_taxonomy(settings.topics.taxonomy)
    cfg = settings.digest
    digest = digest_for(
        conn, day, zone=cfg.timezone, watchlist=watchlist_of(taxonomy), limit=cfg.max_stories,
        chart_days=cfg.chart_days,
    )  # fmt: skip
    return digest, {fmt: render(digest, fmt) for fmt in (formats or cfg.formats)}


def with_id_list(sql: str, name: str, values: Sequence[str]) -> tuple[str, dict[str, str]]:
    """``sql`` with ``IN ($name)`` made one named parameter per value (``$name_0, $name_1, ...``).

    An IN list of parameters lets DuckDB look the values up (ART index, zone maps); a list
    parameter unnested in a subquery makes it scan every row (20 times slower at 1M articles).
    """
    if not values:
        raise ValueError(f"${name}: an empty list")
    names = [f"{name}_{i}" for i in range(len(values))]
    placeholder = f"IN (${name})"
    if placeholder not in sql:
        raise ValueError(f"the query has no {placeholder}")
    expanded = sql.replace(placeholder, "IN (" + ", ".join(f"${n}" for n in names) + ")")
    return expanded, dict(zip(names, values, strict=True))


def dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The rows of the query just run on ``cur``, each as a dict by column name."""
    cols = [d[0] for d in cur.description or []]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
