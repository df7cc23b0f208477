"""The stages of one run as plain functions over batches; the flow turns each into a task.

read (per source) -> extract + clean (per batch of documents) -> copies, stories, topics and load
(per batch of articles, in event-time order, one transaction each) -> digest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import duckdb

from newswatch.copies.minhash import CopyIndex, assign_copies, signature_bytes
from newswatch.driver.derive import Derived, derive
from newswatch.driver.pool import Derivation, extract_many
from newswatch.outcomes import Outcome
from newswatch.records import (
    Article,
    Batch,
    Document,
    EntityMention,
    Fetch,
    RawDocument,
    RunStats,
    utcnow,
)
from newswatch.settings import Settings, SourceSpec
from newswatch.sources.registry import SourceContext, read_source
from newswatch.stories.assign import StoryIndex, assign_stories
from newswatch.topics.taxonomy import Taxonomy
from newswatch.warehouse.loader import insert_fetches, load_batch
from newswatch.warehouse.state import (
    Known,
    known_articles,
    load_copy_index,
    load_story_index,
    save_copy_index,
)

T = TypeVar("T")


@dataclass(slots=True)
class Haul:
    """What reading one source gave: documents to extract and rows for inputs that gave none."""

    documents: list[Document] = field(default_factory=list)
    fetches: list[Fetch] = field(default_factory=list)


@dataclass(slots=True)
class Extraction:
    articles: list[Article] = field(default_factory=list)
    raw: dict[str, RawDocument] = field(default_factory=dict)
    fetches: dict[str, Fetch] = field(default_factory=dict)  # article_id -> the read behind it
    failures: list[Fetch] = field(default_factory=list)
    # article_id -> what the pool derived from the text of that id's last article (newswatch.derive)
    derived: dict[str, Derived] = field(default_factory=dict)

    @classmethod
    def merge(cls, parts: Iterable[Extraction]) -> Extraction:
        out = cls()
        for part in parts:
            out.articles.extend(part.articles)
            out.raw.update(part.raw)
            out.fetches.update(part.fetches)
            out.failures.extend(part.failures)
            for art in part.articles:  # an id read again later, without the pool: derived afresh
                if art.article_id not in part.derived:
                    out.derived.pop(art.article_id, None)
            out.derived.update(part.derived)
        return out


def batches(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``: the unit of a task and a transaction."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def read(spec: SourceSpec, ctx: SourceContext) -> Haul:
    haul = Haul()
    for item in read_source(spec, ctx):
        if isinstance(item, Document):
            haul.documents.append(item)
        else:
            haul.fetches.append(item)
    return haul


def extract(
    documents: Sequence[Document],
    *,
    seen_at: datetime | None = None,
    workers: int | None = None,
    derivation: Derivation | None = None,
    keep_raw: bool = True,
) -> Extraction:
    """Extract and clean each document (across cores for large batches); a failure becomes a
    fetch row with its reason.

    ``seen_at`` (the run's start) is every new article's ``first_seen_at``, so articles seen by
    one run are simultaneous and their order does not depend on how long extraction took. With a
    ``derivation``, a batch extracted in the pool also gets its tags, entities, copy signatures
    and story text features there (``newswatch.derive``); ``process_and_load`` derives the rest.
    With ``keep_raw``, each article's page bytes are kept for ``raw_documents`` (compressed and
    hashed in the pool when the batch went there).
    """
    out = Extraction()
    for doc, result, derived, raw in extracted_documents(
        documents, seen_at=seen_at, workers=workers, derivation=derivation, keep_raw=keep_raw
    ):
        if not isinstance(result, Article):
            out.failures.append(result)
            continue
        article = result
        out.articles.append(article)
        if derived is not None:
            out.derived[article.article_id] = derived
        if raw is not None:
            out.raw[article.article_id] = raw
        if doc.fetch is not None:
            earlier = out.fetches.get(article.article_id)
            if earlier is not None:  # one URL read twice in a run (two feeds list it): keep both rows
                out.failures.append(earlier)
            out.fetches[article.article_id] = doc.fetch
    return out


def extracted_documents(
    documents: Sequence[Document],
    *,
    seen_at: datetime | None = None,
    workers: int | None = None,
    derivation: Derivation | None = None,
    keep_raw: bool = True,
) -> Iterator[tuple[Document, Article | Fetch, Derived | None, RawDocument | None]]:
    """Per document, in order: its article (with what the pool derived and its raw page to keep),
    or the fetch row that says why it gave none. ``extract`` over these; a run stages them."""
    seen_at = seen_at or utcnow()
    results = extract_many(documents, workers=workers, derivation=derivation, keep_raw=keep_raw)
    for doc, (result, derived, stored) in zip(documents, results, strict=True):
        if not isinstance(result, Article):
            fetch = doc.fetch or Fetch(url=doc.url, source=doc.source)
            yield doc, fetch.fail(*result), None, None
            continue
        result.first_seen_at = seen_at
        raw = RawDocument(doc.url, doc.media_type, doc.content, stored) if keep_raw and doc.content else None
        yield doc, result, derived, raw


def derivation_for(settings: Settings) -> Derivation:
    """What the extraction pool's workers need to derive tags, entities and copy signatures."""
    return Derivation.of(settings.topics, settings.copies)


def event_order(articles: Iterable[Article]) -> list[Article]:
    """The order copies and stories see articles in: event time, then id (deterministic)."""
    unique = {a.article_id: a for a in articles}  # the same URL twice in one run: keep the last
    return sorted(unique.values(), key=lambda a: (a.event_time, a.article_id))


@dataclass(slots=True)
class Indexes:
    """The copy and story indexes, loaded once per run and kept up to date batch by batch."""

    copies: CopyIndex
    stories: StoryIndex


def load_indexes(conn: duckdb.DuckDBPyConnection, settings: Settings, articles: Sequence[Article]) -> Indexes:
    around = (min(a.event_time for a in articles), max(a.event_time for a in articles)) if articles else None
    return indexes_around(conn, settings, around)


def indexes_around(
    conn: duckdb.DuckDBPyConnection, settings: Settings, around: tuple[datetime, datetime] | None
) -> Indexes:
    """The copy index, and the story index of the window around the run's event times."""
    return Indexes(
        copies=load_copy_index(conn, settings.copies),
        stories=load_story_index(conn, settings.stories, around=around),
    )


def process_and_load(
    conn: duckdb.DuckDBPyConnection,
    articles: Sequence[Article],
    extraction: Extraction,
    *,
    settings: Settings,
    taxonomy: Taxonomy,
    indexes: Indexes,
    stats: RunStats,
) -> None:
    """Copies, stories, topics and entities for a batch, then load it in one transaction."""
    batch = prepare_batch(
        lambda ids: known_articles(conn, ids),
        articles,
        extraction,
        settings=settings,
        taxonomy=taxonomy,
        indexes=indexes,
        stats=stats,
    )
    write_batch(conn, batch, indexes=indexes, stats=stats)


Lookup = Callable[[Iterable[str]], dict[str, Known]]


def prepare_batch(
    lookup: Lookup,
    articles: Sequence[Article],
    extraction: Extraction,
    *,
    settings: Settings,
    taxonomy: Taxonomy,
    indexes: Indexes,
    stats: RunStats,
) -> Batch:
    """Copies, stories, topics and entities for a batch: everything but the write. ``lookup``
    reads what the warehouse knows of some article ids (a run opens it read-only for that, so
    readers are not locked out while this batch is worked on)."""
    known = lookup([a.article_id for a in articles])
    batch = Batch()
    todo: list[Article] = []
    for art in articles:
        fetch = extraction.fetches.get(art.article_id)
        old = known.get(art.article_id)
        if old is not None and old.content_hash == art.content_hash:
            stats.unchanged += 1
            if fetch is not None:
                fetch.outcome = Outcome.UNCHANGED
                fetch.article_id = art.article_id
                batch.fetches.append(fetch)
            continue
        if old is not None:  # changed text: same article, same story, first seen when it was
            art.first_seen_at = old.first_seen_at
            art.story_id = old.story_id
            stats.updated += 1
        else:
            stats.new += 1
        if fetch is not None:
            fetch.article_id = art.article_id
            batch.fetches.append(fetch)
        todo.append(art)

    # Tags, entities, signatures and story text features from the extraction pool when they were
    # made there for this very text; the rest here, by the same functions (text features in
    # assign_stories, for the articles it scores: not for copies).
    derived = {
        a.article_id: d
        for a in todo
        if (d := extraction.derived.get(a.article_id)) is not None and d.content_hash == a.content_hash
    }
    rest = [a for a in todo if a.article_id not in derived]
    derived.update(derive(rest, taxonomy, settings.copies, story_text=False))
    sigs = {a.article_id: derived[a.article_id].signature for a in todo}
    batch.copies = assign_copies(todo, indexes.copies, sigs)
    # The story index holds the window's articles only: copies of older articles look theirs up.
    older = [a.copy_of for a in todo if a.copy_of and a.copy_of not in indexes.stories.story_of]
    known_older = lookup(older) if older else {}
    indexes.stories.story_of.update({aid: k.story_id for aid, k in known_older.items() if k.story_id})
    texts = {aid: d.story for aid, d in derived.items() if d.story is not None}
    batch.stories, _ = assign_stories(todo, indexes.stories, texts)
    batch.merges = indexes.stories.drain_merges()
    indexes.stories.forget_closed()
    batch.tags = [t for a in todo for t in derived[a.article_id].tags]
    batch.entities = [
        EntityMention(a.article_id, e.name, e.kind, e.mentions, e.entity_id, e.country_code, e.aliases)
        for a in todo
        for e in derived[a.article_id].entities
    ]
    batch.signatures = {k: signature_bytes(v) for k, v in sigs.items()}
    batch.raw = [extraction.raw[a.article_id] for a in todo if a.article_id in extraction.raw]
    batch.articles = todo
    return batch


def write_batch(conn: duckdb.DuckDBPyConnection, batch: Batch, *, indexes: Indexes, stats: RunStats) -> None:
    """Load a prepared batch in one transaction, then append the copy index file."""
    touched = load_batch(conn, batch, run_id=stats.run_id)
    save_copy_index(conn, indexes.copies)  # after the commit: the file never holds uncommitted rows
    stats.copies += len(batch.copies)
    stats.topics += len(batch.tags)
    stats.stories_new += sum(1 for s in batch.stories if s.is_new_story)
    stats.stories_touched += len(touched)


def prepare_load(
    conn: duckdb.DuckDBPyConnection,
    extraction: Extraction,
    failures: Sequence[Fetch],
    *,
    settings: Settings,
    stats: RunStats,
) -> tuple[list[Article], Indexes]:
    """Between extraction and loading: count, record every input that gave no article (with its
    reason), put the articles in event-time order and load the copy and story indexes."""
    failed = [*failures, *extraction.failures]
    stats.read = len(extraction.articles)
    stats.failed = sum(1 for f in failed if f.outcome.is_failure)
    insert_fetches(conn, failed, run_id=stats.run_id)
    ordered = event_order(extraction.articles)
    return ordered, load_indexes(conn, settings, ordered)


def load_in_batches(
    conn: duckdb.DuckDBPyConnection,
    ordered: Sequence[Article],
    extraction: Extraction,
    *,
    settings: Settings,
    taxonomy: Taxonomy,
    indexes: Indexes,
    stats: RunStats,
) -> None:
    """``process_and_load`` over ``ordered`` in the warehouse's batches, in this process (the flow
    runs one task per batch instead)."""
    for chunk in batches(ordered, settings.warehouse.batch_size):
        process_and_load(
            conn, chunk, extraction, settings=settings, taxonomy=taxonomy, indexes=indexes, stats=stats
        )
