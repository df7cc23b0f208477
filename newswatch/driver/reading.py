"""Reading a source as a self-contained step: what it needs comes with it, what it gives goes to disk.

A read task gets a ``ReadJob`` (the run's id, its settings, its staging area and a reference to the
web state staged there once per run) and a source; it stages the source's documents in chunks and
returns their references. Nothing of the run's in-memory state is looked up, so the task runs the
same in the flow's process (Prefect's threads), in another process on this machine (a Dask
LocalCluster with process workers) or on another machine that sees the staging area at the same
path (a remote Dask scheduler; docs/deploy.md).

In the run's own process the run's source context is used (one HTTP client shared by every read of
the run, so per-host limits hold across sources). Another process makes its own context from the
job, once per run: its own client, the staged web state. Per-host limits then hold per process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newswatch.driver import staging
from newswatch.driver.staging import Ref
from newswatch.records import Document, Fetch
from newswatch.settings import Settings, SourceSpec


@dataclass(slots=True)
class SourceRead:
    """What reading one source gave: staged chunks of documents, and rows for inputs that gave none."""

    chunks: list[Ref] = field(default_factory=list)
    fetches: list[Fetch] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReadJob:
    """All a read task needs, and small: the web state itself is staged, the job holds its reference."""

    run_id: str
    settings: Settings
    area: str
    # The run's WebState, pickled into the staging area; None when every read runs in the run's
    # own process (threads), which uses the run's context and needs no copy.
    web: Ref | None


# run id -> (source context, the function that releases it). The run registers its own context here;
# a process that reads for a run it did not start makes one from the job (and drops older runs').
_contexts: dict[str, tuple[Any, Callable[[], None]]] = {}
_lock = threading.Lock()


def register(run_id: str, context: Any, release: Callable[[], None]) -> None:
    with _lock:
        _contexts[run_id] = (context, release)


def forget(run_id: str) -> None:
    with _lock:
        _contexts.pop(run_id, None)


def context_for(job: ReadJob) -> Any:
    """The source context of ``job``'s run in this process (made from the job if need be)."""
    with _lock:
        known = _contexts.get(job.run_id)
        if known is not None:
            return known[0]
        for run_id, (_, release) in list(_contexts.items()):  # a worker outlives runs: close theirs
            release()
            del _contexts[run_id]
        ctx, release = _make_context(job)
        _contexts[job.run_id] = (ctx, release)
        return ctx


def _make_context(job: ReadJob) -> tuple[Any, Callable[[], None]]:
    from newswatch.sources.http import make_client
    from newswatch.sources.registry import SourceContext

    if job.web is None:
        raise RuntimeError(
            f"run {job.run_id}: its read tasks run in another process, but the run staged no web state"
            " for them (Run.read_job(in_process=False))"
        )
    web = staging.read([job.web])[0]
    web_kinds = any(s.enabled and s.kind != "files" for s in job.settings.sources)
    client = make_client(job.settings) if web_kinds else None
    ctx = SourceContext(
        settings=job.settings,
        client=client,
        http_cache=web.http_cache,
        known_urls=web.known_urls,
        health=web.health,
    )
    return ctx, (client.close if client is not None else (lambda: None))


def read_staged(area: Path | str, spec: SourceSpec, ctx: Any, batch_size: int) -> SourceRead:
    """Read one source, staging its documents in chunks of ``batch_size`` as they come."""
    from newswatch.sources.registry import read_source

    out = SourceRead()
    documents: list[Document] = []
    for item in read_source(spec, ctx):
        if isinstance(item, Document):
            documents.append(item)
            if len(documents) >= batch_size:
                out.chunks.extend(staging.write(area, [documents]))
                documents = []
        else:
            out.fetches.append(item)
    if documents:
        out.chunks.extend(staging.write(area, [documents]))
    return out


def read_job(job: ReadJob, spec: SourceSpec) -> SourceRead:
    """The read task's body: ``spec`` read with its run's context, its documents staged."""
    return read_staged(job.area, spec, context_for(job), job.settings.warehouse.batch_size)
