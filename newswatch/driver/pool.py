"""Extraction of a batch of documents, across cores when the batch is large.

Extraction and cleaning are pure CPU work per document, so a large batch is spread over a process
pool (one worker per core). The pool is made once per process and reused by every batch: workers
start from a fork server (never a fork of a process running threads, as Prefect's task runner
does), and each worker pays its import cost once. Small batches stay in the calling process, where
the pool's start-up would cost more than it saves. This module imports neither Prefect nor the
warehouse, so workers start light.

With a ``Derivation`` (the ``[topics]`` and ``[copies]`` settings), workers also run the stages that
depend on one article alone: topic tags, entities, the copy signature and the text features story
matching reads (``newswatch.derive``). Workers also make the stored form of each article's page (its
zstd frame and sha256, ``newswatch.rawstore``), sent back instead of the page. The calling process
then only assigns copies and stories (embedding headlines and standfirsts) and loads, in event-time
order; without the pool it runs those stages itself, with the same functions and results.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from newswatch.clean import clean
from newswatch.errors import SourceError
from newswatch.records import Article, Document, StoredRaw
from newswatch.settings import CopySettings, TopicSettings

if TYPE_CHECKING:
    from newswatch.driver.derive import Derived
    from newswatch.topics.taxonomy import Taxonomy

# Below this many documents a batch is extracted in the calling process.
POOL_MIN_DOCUMENTS = 48

_pool: ProcessPoolExecutor | None = None
_pool_key: tuple[int, str] = (0, "")
_lock = threading.Lock()

Outcome = Article | tuple[str, str]  # an article, or (outcome, reason) for a fetches row
# Per document: its outcome, what was derived from its article, and its page's stored form.
Result = tuple[Outcome, "Derived | None", StoredRaw | None]


@dataclass(frozen=True, slots=True)
class Derivation:
    """The settings the per-article stages need, for the pool's workers to run them.

    ``stamp`` identifies the taxonomy file's content: a long-lived process whose file was edited
    between runs gets workers that load the new one, as the calling process does.
    """

    topics: TopicSettings
    copies: CopySettings
    stamp: str = ""

    @classmethod
    def of(cls, topics: TopicSettings, copies: CopySettings) -> Derivation:
        try:
            stamp = hashlib.sha256(Path(topics.taxonomy).read_bytes()).hexdigest()
        except OSError:
            stamp = ""  # the calling process reports an unreadable taxonomy when it loads it
        return cls(topics, copies, stamp)

    def key(self) -> str:
        return self.topics.model_dump_json() + self.copies.model_dump_json() + self.stamp


def extract_one(doc: Document) -> Outcome:
    """Extract and clean one document; a failure is returned as (outcome, reason)."""
    try:
        from newswatch.extract.document import extract_document

        extracted = extract_document(doc)
    except SourceError as exc:
        return exc.outcome, str(exc)
    except RecursionError:  # absurdly deep markup: refused, not a crash of the batch
        return "unparsable", f"{doc.url}: markup nested too deeply"
    article = clean(extracted, source=extracted.site_name or doc.source, url=doc.url, origin=doc.source)
    if not article.body and not article.title:
        return "no_body", f"{doc.url}: nothing left after cleaning"
    return article


@lru_cache(maxsize=4)
def _taxonomy(topics: TopicSettings, stamp: str) -> Taxonomy:
    """The taxonomy of ``topics``, once per process and file content (``stamp`` keys the cache)."""
    from newswatch.topics.taxonomy import load_configured

    return load_configured(topics)


def extract_chunk(
    docs: Sequence[Document], derivation: Derivation | None, keep_raw: bool = True
) -> list[Result]:
    """``extract_one`` over ``docs``, each article with what ``derivation`` asks of it and, with
    ``keep_raw``, its page's stored form."""
    from newswatch.rawstore import stored_raw

    outcomes = [extract_one(doc) for doc in docs]
    stored = [
        stored_raw(d.content) if keep_raw and d.content and isinstance(o, Article) else None
        for d, o in zip(docs, outcomes, strict=True)
    ]
    if derivation is None:
        return [(o, None, s) for o, s in zip(outcomes, stored, strict=True)]
    from newswatch.driver.derive import derive

    articles = [o for o in outcomes if isinstance(o, Article)]
    derived = derive(articles, _taxonomy(derivation.topics, derivation.stamp), derivation.copies)
    return [
        (o, derived[o.article_id] if isinstance(o, Article) else None, s)
        for o, s in zip(outcomes, stored, strict=True)
    ]


def _start_worker(derivation: Derivation | None, run_pid: int | None = None) -> None:
    from newswatch.extract.html import warm_up

    if run_pid is not None:  # end with the run, even a killed one (newswatch.driver.hygiene)
        from newswatch.driver.hygiene import bind_to_parent

        bind_to_parent(run_pid)

    warm_up()
    if derivation is not None:
        _taxonomy(derivation.topics, derivation.stamp)  # loaded (and its phrases embedded) once, at start-up
    # What start-up built (libraries, tables, the taxonomy) lives as long as the worker: out of the
    # cyclic collector's reach, a full collection no longer walks it (~100 ms each, ~1.3 ms a page).
    gc.freeze()


def default_workers() -> int:
    """Worker processes for large batches: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _get_pool(workers: int, derivation: Derivation | None) -> ProcessPoolExecutor:
    global _pool, _pool_key
    key = (workers, derivation.key() if derivation else "")
    with _lock:
        if _pool is None or _pool_key != key:
            if _pool is not None:
                _pool.shutdown(wait=True)
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            _pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=ctx,
                initializer=_start_worker,
                initargs=(derivation, os.getpid()),
            )
            _pool_key = key
        return _pool


def shutdown_pool() -> None:
    """Stop the worker processes (they also stop when the process exits)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True)
            _pool = None


def extract_many(
    documents: Sequence[Document],
    *,
    workers: int | None = None,
    derivation: Derivation | None = None,
    keep_raw: bool = True,
) -> Iterator[Result]:
    """``extract_one`` over ``documents``, in order, each article with its ``Derived`` when the
    batch went through the pool with a ``derivation``, and its page's ``StoredRaw`` when it went
    through the pool with ``keep_raw`` (None otherwise: the caller derives, the loader stores)."""
    n = default_workers() if workers is None else workers
    if n <= 1 or len(documents) < POOL_MIN_DOCUMENTS:
        return ((extract_one(d), None, None) for d in documents)
    # Workers get the document without its fetch row (the caller keeps that one).
    light = [Document(d.source, d.url, d.content, d.media_type, None, d.fields, d.charset) for d in documents]
    size = max(1, len(light) // (n * 4))
    chunks = [light[i : i + size] for i in range(0, len(light), size)]
    results = _get_pool(n, derivation).map(
        extract_chunk, chunks, [derivation] * len(chunks), [keep_raw] * len(chunks)
    )
    return (item for chunk in results for item in chunk)
