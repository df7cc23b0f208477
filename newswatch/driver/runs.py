"""One run, without Prefect: its state at run scope and the steps the flow and the plain path call.

A ``Run`` holds what lives as long as the run: the settings and taxonomy, the counts (``RunStats``),
the copy and story indexes, the web sources' state and HTTP client, the staging area, and one row
per read. Each step takes a small batch and gives back a result:

    read(spec)            -> SourceRead   documents staged in chunks, rows for inputs that gave none
    extract_chunk(ref)    -> Extracted    a chunk's articles staged, their keys, its failures
    add_read / add_extracted               the run keeps the keys (not the articles)
    plan()                -> batches       failures recorded, indexes loaded, keys in event-time order
    load(batch)           -> BatchResult   copies, stories, topics, one transaction
    count(result), finish()                counts added; validators and source health stored

The Prefect flow (``newswatch.flows.pipeline``) runs these as tasks; ``run_locally`` runs them in
order in this process. Tasks receive their batch (a list of keys, a staged chunk's reference) and
the run's id, never the run's state, so no task costs more as the run grows.

The run holds the warehouse only while it writes: each step opens it, writes in one transaction and
closes it, so readers (``newswatch sql``, reports, the duckdb CLI) get in between batches. Reading
sources and extracting never hold it. A run lock beside the warehouse keeps a second run from
writing between this one's batches (``warehouse.db.run_lock``).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from newswatch.atomic import write_atomically  # noqa: F401  (kept importable from here)
from newswatch.driver import reading, staging
from newswatch.driver.hygiene import mark_crashed_runs
from newswatch.driver.pool import Derivation
from newswatch.driver.reading import ReadJob, SourceRead
from newswatch.driver.stages import (
    Extraction,
    Indexes,
    batches,
    derivation_for,
    extracted_documents,
    indexes_around,
    prepare_batch,
    write_batch,
)
from newswatch.driver.staging import Ref
from newswatch.errors import SourceError
from newswatch.outcomes import Outcome
from newswatch.records import Article, Document, Fetch, RawDocument, RunStats, stable_id, utcnow
from newswatch.settings import Settings, SourceSpec, TopicSettings
from newswatch.topics.taxonomy import Taxonomy, load_configured
from newswatch.warehouse.db import connect, query, run_lock, transaction
from newswatch.warehouse.loader import (
    decode_raw,
    finish_run,
    insert_fetches,
    refresh_metadata,
    start_run,
    sync_topics,
    upsert_raw_documents,
)
from newswatch.warehouse.state import Known, WebState, known_articles, load_web_state, save_web_state

log = logging.getLogger("newswatch.driver")

# Counts a load adds to the run's stats.
_COUNTS = ("new", "updated", "unchanged", "copies", "topics", "stories_new", "stories_touched")


_taxonomies: dict[tuple[str, int, int], Taxonomy] = {}


def configured_taxonomy(section: TopicSettings) -> Taxonomy:
    """``load_configured``, once per process for the same settings and taxonomy file (its size and
    modification time): building it (thousands of term patterns) is most of a small run's own
    start-up, and the CLI checks the file before a run that then uses it. A long-lived process
    (``newswatch serve``) picks up an edited file at its next run."""
    try:
        st = Path(section.taxonomy).stat()
        key = (section.model_dump_json(), st.st_mtime_ns, st.st_size)
    except OSError:
        return load_configured(section)  # which reports the unreadable file
    if key not in _taxonomies:
        _taxonomies.clear()
        _taxonomies[key] = load_configured(section)
    return _taxonomies[key]


def new_run_id() -> str:
    return stable_id("r_", utcnow().isoformat(), os.urandom(8).hex())


@dataclass(frozen=True, slots=True)
class Key:
    """An extracted article as the run keeps it until its load: the record itself is staged."""

    article_id: str
    event_time: datetime
    ref: Ref
    read: int  # position of the read behind it (in its chunk's ``reads``, then in the run's); -1: none


@dataclass(slots=True)
class Extracted:
    """What the run keeps of an extracted chunk: keys of its articles (staged with what was derived,
    their raw page and read), every document's read, the reads that gave no article, and the
    staged raw pages of settled non-articles (kept in ``raw_documents`` at the end)."""

    keys: list[Key] = field(default_factory=list)
    reads: list[Fetch] = field(default_factory=list)
    failures: list[Fetch] = field(default_factory=list)
    settled_raw: list[Ref] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    seen_at: datetime
    workers: int | None
    derivation: Derivation | None
    keep_raw: bool = True


@dataclass(slots=True)
class BatchResult:
    """What loading one batch added: its counts, and the reads whose article was unchanged."""

    counts: dict[str, int]
    unchanged: list[int]


def extract_documents(area: Path | str, documents: Sequence[Document], options: ExtractOptions) -> Extracted:
    """Extract ``documents`` and stage each article's record (article, derived, raw page, read)."""
    out = Extracted()
    records: list[tuple[Article, Any, RawDocument | None, Fetch | None]] = []
    positions: list[int] = []
    settled: list[RawDocument] = []
    for doc, result, derived, raw in extracted_documents(
        documents,
        seen_at=options.seen_at,
        workers=options.workers,
        derivation=options.derivation,
        keep_raw=options.keep_raw,
    ):
        read = -1
        if doc.fetch is not None:
            read = len(out.reads)
            out.reads.append(doc.fetch)
        if isinstance(result, Article):
            records.append((result, derived, raw, doc.fetch))
            positions.append(read)
            continue
        out.failures.append(result)
        # A page read but settled as no article: its bytes are kept so a better extractor can re-read it.
        if doc.content and doc.fetch is not None and doc.fetch.outcome.settled:
            settled.append(RawDocument(doc.url, doc.media_type, doc.content))
    refs = staging.write(area, records)
    out.keys = [
        Key(rec[0].article_id, rec[0].event_time, ref, pos)
        for rec, ref, pos in zip(records, refs, positions, strict=True)
    ]
    out.settled_raw = staging.write(area, settled) if settled else []
    return out


def extract_chunk(chunk: Ref, options: ExtractOptions) -> Extracted:
    """``extract_documents`` over a staged chunk of documents (the extract task's body)."""
    documents = staging.read([chunk])[0]
    return extract_documents(Path(chunk.file).parent, documents, options)


class Run:
    """The state of one run and the steps over it (see the module docstring)."""

    def __init__(self, settings: Settings, taxonomy: Taxonomy, stats: RunStats, area: Path) -> None:
        self.settings = settings
        self.taxonomy = taxonomy
        self.stats = stats
        self.area = area
        self.specs = [s for s in settings.sources if s.enabled]
        self.web = WebState({}, frozenset(), {})
        self.indexes: Indexes | None = None
        self.read_failures: list[Fetch] = []  # inputs of sources that gave no document
        self.reads: list[Fetch] = []  # every document's read, in order: validators and health
        self.failures: list[Fetch] = []  # documents that gave no article
        self.latest: dict[str, Key] = {}  # article id -> its last extraction this run
        self.superseded: list[int] = []  # reads of articles read again later in the run
        self.settled_raw: list[Ref] = []
        self._context: Any = None
        self._client: Any = None
        self._job: ReadJob | None = None

    # -- the warehouse, only while writing -----------------------------------------------------

    @contextmanager
    def warehouse(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """The warehouse for one step: opened (waiting out readers, or a writing client), then
        closed. Read-only for what only reads: readers share the file with it. With ``[warehouse]
        checkpoint_mib`` above 0, writes wait in the write-ahead log until it passes that size or
        the run's end checkpoints; else each close checkpoints."""
        w = self.settings.warehouse
        conn = connect(
            w.path, read_only=read_only, wait=w.write_wait, migrate_schema=False, log_mib=w.checkpoint_mib
        )
        try:
            yield conn
        finally:
            conn.close()

    def lookup(self, ids: Iterable[str]) -> dict[str, Known]:
        with self.warehouse(read_only=True) as conn:
            return known_articles(conn, ids)

    # -- reading -------------------------------------------------------------------------------

    def context(self) -> Any:
        """What sources read with: the run's one HTTP client and the warehouse's web state."""
        if self._context is None:
            from newswatch.sources.registry import SourceContext

            if any(s.kind != "files" for s in self.specs):
                from newswatch.sources.http import make_client  # the HTTP stack: web sources only

                self._client = make_client(self.settings)
            self._context = SourceContext(
                settings=self.settings,
                client=self._client,
                http_cache=self.web.http_cache,
                known_urls=self.web.known_urls,
                health=self.web.health,
            )
            # Read tasks in this process use it (one client for the run); others make their own.
            reading.register(self.stats.run_id, self._context, lambda: None)
        return self._context

    def read_job(self, *, in_process: bool = True) -> ReadJob:
        """What a read task needs: the settings, the staging area and, for tasks in other processes
        (``in_process=False``), the web state, staged here once (it holds every settled URL: too
        big to send with each task). Tasks in this process use the run's own context."""
        if self._job is None or (not in_process and self._job.web is None):
            web = None if in_process else staging.write(self.area, [self.web])[0]
            self._job = ReadJob(self.stats.run_id, self.settings, str(self.area), web)
        return self._job

    def read(self, spec: SourceSpec) -> SourceRead:
        """Read one source, staging its documents in chunks of the batch size as they come."""
        return reading.read_staged(self.area, spec, self.context(), self.settings.warehouse.batch_size)

    def read_failed(self, spec: SourceSpec, exc: SourceError) -> None:
        log.warning("source %s failed: %s", spec.name, exc)
        self.read_failures.append(Fetch(url=spec.location, source=spec.name).fail(exc.outcome, str(exc)))

    def add_read(self, result: SourceRead) -> None:
        self.read_failures.extend(result.fetches)

    def extract_options(self, *, keep_raw: bool = True) -> ExtractOptions:
        return ExtractOptions(
            self.stats.started_at,
            self.settings.extract.workers or None,
            derivation_for(self.settings),
            keep_raw,
        )

    def add_extracted(self, result: Extracted) -> None:
        """Keep a chunk's keys, in the order chunks were read (the last read of an article wins)."""
        base = len(self.reads)
        self.reads.extend(result.reads)
        self.failures.extend(result.failures)
        self.settled_raw.extend(result.settled_raw)
        self.stats.read += len(result.keys)
        for key in result.keys:
            if key.read >= 0:
                key = replace(key, read=base + key.read)
            earlier = self.latest.get(key.article_id)
            if earlier is not None and earlier.read >= 0 and key.read >= 0:
                self.superseded.append(earlier.read)  # one URL read twice (two feeds list it): both rows
            self.latest[key.article_id] = key

    # -- loading -------------------------------------------------------------------------------

    def plan(self, keys: Sequence[Key] | None = None) -> list[Sequence[Key]]:
        """Record every input that gave no article (with its reason), load the copy and story
        indexes, and give the batches to load: the articles in event-time order, then id."""
        failed = [*self.read_failures, *self.failures, *(self.reads[i] for i in self.superseded)]
        self.stats.failed = sum(1 for f in failed if f.outcome.is_failure)
        ordered = sorted(
            self.latest.values() if keys is None else keys, key=lambda k: (k.event_time, k.article_id)
        )
        around = (ordered[0].event_time, max(k.event_time for k in ordered)) if ordered else None
        with self.warehouse() as conn:
            insert_fetches(conn, failed, run_id=self.stats.run_id)
        with self.warehouse(read_only=True) as conn:  # embedding the window's stories takes a while
            self.indexes = indexes_around(conn, self.settings, around)
        return batches(ordered, self.settings.warehouse.batch_size)

    def load(self, batch: Sequence[Key]) -> BatchResult:
        """Copies, stories, topics and entities of a batch, loaded in one transaction; the copy
        index file is appended after the commit, before the warehouse is let go."""
        assert self.indexes is not None, "plan() loads the indexes"
        records = staging.read([k.ref for k in batch])
        extraction = Extraction()
        for article, derived, raw, fetch in records:
            extraction.articles.append(article)
            aid = article.article_id
            if derived is not None:
                extraction.derived[aid] = derived
            if raw is not None:
                extraction.raw[aid] = raw
            if fetch is not None:
                extraction.fetches[aid] = fetch
        counts = RunStats(run_id=self.stats.run_id)
        prepared = prepare_batch(
            self.lookup,
            extraction.articles,
            extraction,
            settings=self.settings,
            taxonomy=self.taxonomy,
            indexes=self.indexes,
            stats=counts,
        )
        with self.warehouse() as conn:  # held for the batch's transaction and its index append only
            write_batch(conn, prepared, indexes=self.indexes, stats=counts)
        unchanged = [
            k.read
            for k, rec in zip(batch, records, strict=True)
            if k.read >= 0 and rec[3] is not None and rec[3].outcome == Outcome.UNCHANGED
        ]
        return BatchResult({c: getattr(counts, c) for c in _COUNTS}, unchanged)

    def count(self, result: BatchResult) -> None:
        for name, n in result.counts.items():
            setattr(self.stats, name, getattr(self.stats, name) + n)
        for i in result.unchanged:  # the source's health reads "unchanged" as "nothing new"
            self.reads[i].outcome = Outcome.UNCHANGED

    def finish(self) -> None:
        """Store the raw bytes of pages that held no article, then validators and source health.

        After the loads: a run that dies before this point reads its feeds in full next time
        instead of skipping articles it never stored."""
        from newswatch.sources.health import web_state_updates

        size = self.settings.warehouse.batch_size
        for part in batches(self.settled_raw, size):
            raw = staging.read(part)
            with self.warehouse() as conn, transaction(conn):
                upsert_raw_documents(conn, raw, now=utcnow())
        validators, health = web_state_updates(
            self.specs, [*self.read_failures, *self.reads], self.web.health, self.settings.fetch
        )
        with self.warehouse() as conn:
            save_web_state(conn, validators, health)

    def close(self) -> None:
        reading.forget(self.stats.run_id)
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- the plain path ------------------------------------------------------------------------

    def run_all(self) -> None:
        """Every source through every stage in this process, in order: the flow's steps without
        Prefect (``newswatch run --no-prefect``, tests, benchmarks)."""
        options = self.extract_options()
        for spec in self.specs:
            try:
                result = self.read(spec)
            except SourceError as exc:
                self.read_failed(spec, exc)
                continue
            self.add_read(result)
            for chunk in result.chunks:
                self.add_extracted(extract_chunk(chunk, options))
        for batch in self.plan():
            self.count(self.load(batch))
        self.finish()

    def write_digest(self, day: date) -> Path:
        """The day's digest files beside the warehouse; returns the Markdown file's path."""
        path, _ = self.digest(day)
        return path

    def digest(self, day: date) -> tuple[Path, dict[str, str]]:
        """Write the day's digest in ``[digest] formats`` (Markdown always: it is the run's
        artifact) beside the warehouse; return the Markdown path and every rendered format
        (``notify_format`` too, for delivery)."""
        from newswatch.digest.deliver import write_digests
        from newswatch.warehouse.digests import record_issued
        from newswatch.warehouse.reports import configured_digest

        cfg = self.settings.digest
        formats = tuple(dict.fromkeys(("md", *cfg.formats, cfg.notify_format)))
        with self.warehouse(read_only=True) as conn:
            issued, texts = configured_digest(
                conn, day, self.settings, formats=formats, taxonomy=self.taxonomy
            )
        written = {k: v for k, v in texts.items() if k == "md" or k in cfg.formats}
        paths = write_digests(self.settings.digests_path, day, written)
        with self.warehouse() as conn:  # issued: the next digest says what is new since this one
            record_issued(conn, issued, sorted(written), "run")
        return paths["md"], texts


_active: dict[str, Run] = {}


def active(run_id: str) -> Run:
    """The run with this id, in this process (tasks get the id, not the run)."""
    return _active[run_id]


@contextmanager
def open_run(
    settings: Settings,
    *,
    command: str,
    taxonomy: Taxonomy | None = None,
    flow_run_id: str | None = None,
) -> Iterator[Run]:
    """A run, recorded in ``runs``: started, then completed or failed with the error.

    Holds the run lock for the run's length (a second run waits its turn, up to
    ``[warehouse] write_wait`` seconds); with a taxonomy, ``topics`` is first made to match it.
    """
    settings_wh = settings.warehouse
    tax = taxonomy if taxonomy is not None else configured_taxonomy(settings.topics)
    with run_lock(settings_wh.path, wait=settings_wh.write_wait):
        stats = RunStats(run_id=new_run_id())
        conn = connect(settings_wh.path, wait=settings_wh.write_wait)
        try:
            # Under the run lock, a row still ``running`` that is not a live run of this process was
            # left by a killed one (newswatch.driver.hygiene).
            mark_crashed_runs(conn, live=_active)
            start_run(conn, stats, command=command, flow_run_id=flow_run_id)
            if taxonomy is not None:
                sync_topics(conn, [(t.id, t.label, t.iptc, t.parent, t.description) for t in tax.topics])
        finally:
            conn.close()
        conn = connect(settings_wh.path, read_only=True, wait=settings_wh.write_wait)
        try:
            web = load_web_state(conn)
        finally:
            conn.close()
        run = Run(settings, tax, stats, staging.new_area(Path(settings_wh.path), stats.run_id))
        run.web = web
        _active[stats.run_id] = run
        try:
            yield run
        except BaseException as exc:
            stats.status, stats.finished_at = "failed", utcnow()
            with run.warehouse() as conn:
                finish_run(conn, stats, error=f"{type(exc).__name__}: {exc}")
                conn.execute("CHECKPOINT")  # the run's log folded into the file
            raise
        else:
            stats.status, stats.finished_at = "completed", utcnow()
            with run.warehouse() as conn:
                _refresh_search_index(conn)
                finish_run(conn, stats)
                conn.execute("CHECKPOINT")
        finally:
            _active.pop(stats.run_id, None)
            run.close()
            staging.remove_area(run.area)


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


def run_locally(settings: Settings, *, command: str = "run", digest_day: date | None = None) -> RunStats:
    """Every configured source through every stage in this process, without Prefect; with
    ``digest_day``, that day's digest too (as the flow writes it)."""
    taxonomy = configured_taxonomy(settings.topics)
    with open_run(settings, command=command, taxonomy=taxonomy) as run:
        run.run_all()
        if digest_day is not None:
            from newswatch.digest.deliver import send_digest

            path, texts = run.digest(digest_day)
            run.stats.digest_path = str(path)
            cfg = settings.digest
            send_digest(cfg.notify, digest_day, texts, cfg.notify_format, log)
    return run.stats


def reextract(run: Run, *, since: datetime | None = None) -> int:
    """Re-run extraction over the kept raw documents (stored at or after ``since``), no fetching.

    Pages are read from the warehouse a batch at a time (a short read each) and staged like a run's
    documents. Articles whose text changed go through copies, stories, topics and the loader like new
    ones; the others get their metadata rewritten. A page that no longer extracts gets a ``fetches``
    row and keeps its article. Returns how many articles had only their metadata refreshed.
    """
    size = run.settings.warehouse.batch_size
    options = run.extract_options(keep_raw=False)  # the stored bytes are what is read: nothing new
    after: str | None = None
    while True:
        with run.warehouse(read_only=True) as conn:
            rows = conn.execute(query("raw_documents_page"), [since, since, after, after, size]).fetchall()
        if not rows:
            break
        after = rows[-1][0]
        docs = [Document(origin, url, decode_raw(blob), media, None) for url, media, blob, origin in rows]
        run.add_extracted(extract_documents(run.area, docs, options))
    keys = list(run.latest.values())
    same: list[Key] = []
    for part in batches(keys, size):
        with run.warehouse() as conn:
            known = known_articles(conn, (k.article_id for k in part))
            articles: list[Article] = []
            for key, (art, *_rest) in zip(part, staging.read([k.ref for k in part]), strict=True):
                old = known.get(key.article_id)
                if old is not None and old.content_hash == art.content_hash:
                    art.first_seen_at = old.first_seen_at
                    articles.append(art)
                    same.append(key)
            refresh_metadata(conn, articles, run_id=run.stats.run_id)
    ids = {k.article_id for k in same}
    failures = len(run.failures)
    for batch in run.plan([k for k in keys if k.article_id not in ids]):
        run.count(run.load(batch))
    run.stats.failed = failures  # every page that no longer extracts
    return len(same)


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
            from newswatch.sources.discover import guess_kind

            specs.append(SourceSpec(name=name, kind=guess_kind(item), url=item))
        else:
            specs.append(SourceSpec(name=name, kind="files", path=Path(item).resolve()))
    return tuple(specs)
