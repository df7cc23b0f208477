"""Extraction of a batch of documents, across cores when the batch is large.

Extraction and cleaning are pure CPU work per document, so a large batch is spread over a process
pool (one worker per core). The pool is made once per process and reused by every batch: workers
start from a fork server (never a fork of a process running threads, as Prefect's task runner
does), and each worker pays its import cost once. Small batches stay in the calling process, where
the pool's start-up would cost more than it saves. This module imports neither Prefect nor the
warehouse, so workers start light.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from newswatch.clean import clean
from newswatch.errors import SourceError
from newswatch.records import Article, Document

# Below this many documents a batch is extracted in the calling process.
POOL_MIN_DOCUMENTS = 48

_pool: ProcessPoolExecutor | None = None
_pool_workers = 0
_lock = threading.Lock()

Outcome = Article | tuple[str, str]  # an article, or (outcome, reason) for a fetches row


def extract_one(doc: Document) -> Outcome:
    """Extract and clean one document; a failure is returned as (outcome, reason)."""
    try:
        from sources.extract import extract_document

        extracted = extract_document(doc)
    except SourceError as exc:
        return exc.outcome, str(exc)
    except RecursionError:  # absurdly deep markup: refused, not a crash of the batch
        return "unparsable", f"{doc.url}: markup nested too deeply"
    article = clean(extracted, source=extracted.site_name or doc.source, url=doc.url, origin=doc.source)
    if not article.body and not article.title:
        return "no_body", f"{doc.url}: nothing left after cleaning"
    return article


def _start_worker() -> None:
    from sources.html import warm_up

    warm_up()


def default_workers() -> int:
    """Worker processes for large batches: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _get_pool(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_workers
    with _lock:
        if _pool is None or _pool_workers != workers:
            if _pool is not None:
                _pool.shutdown(wait=True)
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            _pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_start_worker)
            _pool_workers = workers
        return _pool


def shutdown_pool() -> None:
    """Stop the worker processes (they also stop when the process exits)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True)
            _pool = None


def extract_many(documents: Sequence[Document], *, workers: int | None = None) -> Iterator[Outcome]:
    """``extract_one`` over ``documents``, in order; in a process pool when the batch is large."""
    n = default_workers() if workers is None else workers
    if n <= 1 or len(documents) < POOL_MIN_DOCUMENTS:
        return map(extract_one, documents)
    # Workers get the document without its fetch row (the caller keeps that one).
    light = [Document(d.source, d.url, d.content, d.media_type, None, d.fields, d.charset) for d in documents]
    chunk = max(1, len(light) // (n * 4))
    return _get_pool(n).map(extract_one, light, chunksize=chunk)
