"""The main flow: every source, every stage, today's digest. Wiring only.

One task per source read, per batch of documents extracted, per batch of articles loaded (in
event-time order, one transaction each), and one for the digest. Reads retry only on transient
errors; nothing else retries, because a parse or constraint error will not go away by itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.task_runners import ThreadPoolTaskRunner

from newswatch.atomic import write_atomically  # noqa: F401  (kept importable from here)
from newswatch.digest.deliver import notify, today_in, write_digests
from newswatch.driver.runs import recorded_run
from newswatch.driver.stages import (
    Extraction,
    Haul,
    batches,
    derivation_for,
    extract,
    prepare_load,
    process_and_load,
    read,
    record_web_state,
    source_context,
)
from newswatch.errors import SourceError
from newswatch.records import Fetch, RunStats
from newswatch.settings import Settings, SourceSpec, load_settings
from newswatch.sources.discover import guess_kind
from newswatch.sources.registry import SourceContext
from newswatch.topics.taxonomy import Taxonomy, load_configured
from newswatch.warehouse.db import connect
from newswatch.warehouse.reports import digest_texts


def _transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a task only when it failed on something that may pass (timeouts, 5xx, resets)."""
    try:
        state.result()
    except SourceError as exc:
        return exc.retryable
    except (TimeoutError, ConnectionError):
        return True
    except Exception:
        return False
    return False


@task(
    name="read-source",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=_transient,
    cache_policy=NO_CACHE,
)
def read_source_task(spec: SourceSpec, ctx: SourceContext) -> Haul:
    return read(spec, ctx)


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(
    documents: Sequence[Any], seen_at: datetime, workers: int | None = None, derivation: Any = None
) -> Extraction:
    return extract(documents, seen_at=seen_at, workers=workers, derivation=derivation)


@task(name="process-and-load", cache_policy=NO_CACHE)
def load_task(
    conn: duckdb.DuckDBPyConnection,
    articles: Sequence[Any],
    extraction: Extraction,
    *,
    settings: Settings,
    taxonomy: Taxonomy,
    indexes: Any,
    stats: RunStats,
) -> None:
    process_and_load(
        conn,
        articles,
        extraction,
        settings=settings,
        taxonomy=taxonomy,
        indexes=indexes,
        stats=stats,
    )


@task(name="digest", cache_policy=NO_CACHE)
def digest_task(conn: duckdb.DuckDBPyConnection, day: date, settings: Settings, taxonomy: Taxonomy) -> Path:
    """Write the day's digest files beside the warehouse, publish the Markdown as the run's
    artifact, and send it where ``[digest] notify`` says (a failed delivery is logged, not fatal)."""
    formats = tuple(dict.fromkeys(("md", *settings.digest.formats, settings.digest.notify_format)))
    texts = digest_texts(conn, day, settings, formats=formats, taxonomy=taxonomy)
    written = {k: v for k, v in texts.items() if k == "md" or k in settings.digest.formats}
    paths = write_digests(settings.digests_path, day, written)
    create_markdown_artifact(
        markdown=texts["md"],
        key="newswatch-digest",
        description=f"newswatch digest for {day.isoformat()}",
    )
    logger = get_run_logger()
    for result in notify(
        settings.digest.notify,
        title=f"newswatch digest — {day.isoformat()}",
        body=texts[settings.digest.notify_format],
        fmt=settings.digest.notify_format,
    ):
        if result.ok:
            logger.info("digest sent to %s", result.target)
        else:
            logger.warning("digest not sent to %s: %s", result.target, result.reason)
    return paths["md"]


def ad_hoc_sources(inputs: list[str]) -> tuple[SourceSpec, ...]:
    """Sources for ``newswatch ingest``: a path is a files source; a URL a feed, sitemap or page.

    Each is named after its input ("ingest-clippings"), so ``articles.origin`` says where a row
    came from. The URL gives a first guess of its kind; a "page" that serves a feed or a sitemap
    is read as one anyway.
    """
    specs: list[SourceSpec] = []
    names: set[str] = set()
    for item in inputs:
        is_url = item.startswith(("http://", "https://"))
        stem = item.rstrip("/").rsplit("/", 1)[-1] if is_url else Path(item).resolve().name
        base = "ingest-" + (re.sub(r"[^A-Za-z0-9_.\-]+", "-", stem).strip("-.") or "input")
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        names.add(name)
        if is_url:
            specs.append(SourceSpec(name=name, kind=guess_kind(item), url=item))
        else:
            specs.append(SourceSpec(name=name, kind="files", path=Path(item).resolve()))
    return tuple(specs)


@flow(
    name="newswatch-run",
    task_runner=ThreadPoolTaskRunner(max_workers=8),  # type: ignore[arg-type]
    log_prints=False,
)
def newswatch_run(
    config: str | None = None,
    db: str | None = None,
    inputs: list[str] | None = None,
    digest_day: str | None = None,
) -> dict[str, Any]:
    """Read every configured source (or ``inputs``), run all stages, write today's digest."""
    settings = load_settings(config, db=db)
    if inputs:
        settings = settings.model_copy(update={"sources": ad_hoc_sources(inputs)})
    taxonomy = load_configured(settings.topics)
    logger = get_run_logger()
    ctx_run = get_run_context()
    flow_run_id = str(getattr(getattr(ctx_run, "flow_run", None), "id", "") or "") or None
    conn = connect(settings.warehouse.path)
    try:
        command = "ingest" if inputs else "run"
        with recorded_run(conn, command=command, taxonomy=taxonomy, flow_run_id=flow_run_id) as stats:
            _run_stages(conn, settings, taxonomy, stats, logger)
            day = date.fromisoformat(digest_day) if digest_day else today_in(settings.digest.timezone)
            path = digest_task(conn, day, settings, taxonomy)
            stats.digest_path = str(path)
    finally:
        conn.close()
    summary = asdict(stats)
    summary["warehouse"] = str(settings.warehouse.path)
    summary["stories"] = _story_count(settings)
    return summary


def _run_stages(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    taxonomy: Taxonomy,
    stats: RunStats,
    logger: Any,
) -> None:
    specs = [s for s in settings.sources if s.enabled]
    documents, failures = [], []
    with source_context(conn, settings, specs) as (ctx, web):
        hauls = [read_source_task.submit(spec, ctx) for spec in specs]
        for spec, future in zip(specs, hauls, strict=True):
            try:
                haul = future.result()
            except SourceError as exc:
                logger.warning("source %s failed: %s", spec.name, exc)
                failures.append(Fetch(url=spec.location, source=spec.name).fail(exc.outcome, str(exc)))
                continue
            documents.extend(haul.documents)
            failures.extend(haul.fetches)
    attempts = failures + [d.fetch for d in documents if d.fetch is not None]
    size = settings.warehouse.batch_size
    workers = settings.extract.workers or None
    derivation = derivation_for(settings)
    futures = [
        extract_task.submit(chunk, stats.started_at, workers, derivation)
        for chunk in batches(documents, size)
    ]
    extraction = Extraction.merge(f.result() for f in futures)
    ordered, indexes = prepare_load(conn, extraction, failures, settings=settings, stats=stats)
    for chunk in batches(ordered, size):
        load_task(conn, chunk, extraction, settings=settings, taxonomy=taxonomy, indexes=indexes, stats=stats)
    record_web_state(conn, settings, specs, web, attempts, documents)


def _story_count(settings: Settings) -> int:
    conn = connect(settings.warehouse.path, read_only=True)
    try:
        row = conn.execute("SELECT count(*) FROM stories").fetchone()
        return int(row[0]) if row else 0
    finally:
        conn.close()
