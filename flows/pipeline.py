"""The main flow: every source, every stage, today's digest. Wiring only.

One task per source read, per group of staged chunks of documents extracted, per group of batches
of articles loaded (in event-time order, one transaction per batch), and one for the digest. A task
run costs tens of milliseconds of Prefect's own work whatever it carries, so a task covers up to
``TASK_GROUP`` batches: a 1,000-article run is four task runs, and a large run's tasks stay a
fraction of its work. On a runner whose tasks run in other processes (Dask), each chunk is a task of
its own, the unit the cluster spreads. Reads retry only on transient errors; nothing else retries,
because a parse or constraint error will not go away by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.task_runners import ThreadPoolTaskRunner

from newswatch.digest.deliver import send_digest, today_in
from newswatch.driver.reading import ReadJob, read_job
from newswatch.driver.runs import (
    BatchResult,
    Extracted,
    ExtractOptions,
    Key,
    Run,
    SourceRead,
    active,
    ad_hoc_sources,
    configured_taxonomy,
    extract_chunk,
    open_run,
    write_atomically,
)
from newswatch.driver.stages import batches
from newswatch.driver.staging import Ref
from newswatch.errors import SourceError
from newswatch.settings import Settings, SourceSpec, load_settings
from newswatch.warehouse.db import connect, query

__all__ = ["TASK_GROUP", "ad_hoc_sources", "newswatch_run", "write_atomically"]

# Batches (of `[warehouse] batch_size` documents or articles) per extract or load task. Each batch
# still goes through on its own (read from staging, extracted, loaded in its own transaction), so
# memory follows the batch, not the group.
TASK_GROUP = 10


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


# Read and extract tasks are self-contained (a source and the run's ReadJob; a staged chunk's
# reference and the extraction options) and write what they make to the staging area, so they run
# in any worker process (Dask). Loads and the digest get the run's id: the run's state (indexes,
# counts) stays in the flow's process, and the one loader with it.
@task(
    name="read-source",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=_transient,
    cache_policy=NO_CACHE,
)
def read_source_task(job: ReadJob, spec: SourceSpec) -> SourceRead:
    return read_job(job, spec)


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(chunks: Sequence[Ref], options: ExtractOptions) -> list[Extracted]:
    return [extract_chunk(chunk, options) for chunk in chunks]


@task(name="process-and-load", cache_policy=NO_CACHE)
def load_task(run_id: str, group: Sequence[Sequence[Key]]) -> list[BatchResult]:
    run = active(run_id)
    return [run.load(batch) for batch in group]


@task(name="digest", cache_policy=NO_CACHE)
def digest_task(run_id: str, day: date) -> Path:
    """Write the day's digest files beside the warehouse, publish the Markdown as the run's
    artifact, and send it where ``[digest] notify`` says (a failed delivery is logged, not fatal)."""
    run = active(run_id)
    path, texts = run.digest(day)
    create_markdown_artifact(
        markdown=texts["md"],
        key="newswatch-digest",
        description=f"newswatch digest for {day.isoformat()}",
    )
    cfg = run.settings.digest
    send_digest(cfg.notify, day, texts, cfg.notify_format, get_run_logger())
    return path


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
    taxonomy = configured_taxonomy(settings.topics)
    logger = get_run_logger()
    ctx_run = get_run_context()
    flow_run_id = str(getattr(getattr(ctx_run, "flow_run", None), "id", "") or "") or None
    command = "ingest" if inputs else "run"
    with open_run(settings, command=command, taxonomy=taxonomy, flow_run_id=flow_run_id) as run:
        _run_stages(run, logger)
        day = date.fromisoformat(digest_day) if digest_day else today_in(settings.digest.timezone)
        run.stats.digest_path = str(digest_task(run.stats.run_id, day))
    summary = asdict(run.stats)
    summary["warehouse"] = str(settings.warehouse.path)
    summary["stories"] = _story_count(settings)
    return summary


def _run_stages(run: Run, logger: Any) -> None:
    """Reads in parallel; each source's chunks extracted as soon as it is read; then the loads, one
    task per batch, in event-time order, in this process (they share the run's indexes)."""
    run.context()  # the HTTP client and web state, made once before the reads share them
    # Threads share the run's context; any other runner's tasks may run in other processes.
    runner = getattr(get_run_context(), "task_runner", None)
    in_process = isinstance(runner, ThreadPoolTaskRunner)
    job = run.read_job(in_process=in_process)
    reads = [read_source_task.submit(job, spec) for spec in run.specs]
    options = run.extract_options()
    extractions: list[Any] = []  # futures of extract tasks
    for spec, future in zip(run.specs, reads, strict=True):
        try:
            result = future.result()
        except SourceError as exc:
            logger.warning("source %s failed: %s", spec.name, exc)
            run.read_failed(spec, exc)
            continue
        run.add_read(result)
        per_task = TASK_GROUP if in_process else 1  # on Dask a chunk is the unit the cluster spreads
        extractions.extend(
            extract_task.submit(chunks, options) for chunks in batches(result.chunks, per_task)
        )
    for future in extractions:  # in reading order: the last read of an article wins, as in run_all
        for extracted in future.result():
            run.add_extracted(extracted)
    for group in batches(run.plan(), TASK_GROUP):
        for loaded in load_task(run.stats.run_id, group):
            run.count(loaded)
    run.finish()


def _story_count(settings: Settings) -> int:
    conn = connect(settings.warehouse.path, read_only=True, wait=settings.warehouse.read_wait)
    try:
        row = conn.execute(query("stories_count")).fetchone()
        return int(row[0]) if row else 0
    finally:
        conn.close()
