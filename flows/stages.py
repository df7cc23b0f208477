"""The stages of one run as plain functions over batches; the flow turns each into a task.

read (per source) -> extract + clean (per batch of documents) -> copies, stories, topics and load
(per batch of articles, in event-time order, one transaction each) -> digest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb

from newswatch.clean import clean
from newswatch.copies import CopyIndex, assign_copies, signature_bytes, signatures_for
from newswatch.entities import extract_names
from newswatch.errors import SourceError
from newswatch.records import (
    Article,
    Batch,
    Document,
    EntityMention,
    Fetch,
    RawDocument,
    RunStats,
)
from newswatch.settings import Settings, SourceSpec
from newswatch.stories import StoryIndex, assign_stories
from newswatch.topics import Taxonomy, tag_articles
from sources.extract import extract_document
from sources.registry import SourceContext, read_source
from warehouse.loader import load_batch
from warehouse.state import known_articles, load_copy_index, load_story_index


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


def read(spec: SourceSpec, ctx: SourceContext) -> Haul:
    haul = Haul()
    for item in read_source(spec, ctx):
        if isinstance(item, Document):
            haul.documents.append(item)
        else:
            haul.fetches.append(item)
    return haul


def extract(documents: Sequence[Document]) -> Extraction:
    """Extract and clean each document; a failure becomes a fetch row with its reason."""
    out = Extraction()
    for doc in documents:
        try:
            extracted = extract_document(doc)
        except SourceError as exc:
            fetch = doc.fetch or Fetch(url=doc.url, source=doc.source)
            out.failures.append(fetch.fail(exc.outcome, str(exc)))
            continue
        article = clean(extracted, source=extracted.site_name or doc.source, url=doc.url, origin=doc.source)
        if not article.body and not article.title:
            fetch = doc.fetch or Fetch(url=doc.url, source=doc.source)
            out.failures.append(fetch.fail("no_body", f"{doc.url}: nothing left after cleaning"))
            continue
        out.articles.append(article)
        if doc.content:
            out.raw[article.article_id] = RawDocument(doc.url, doc.media_type, doc.content)
        if doc.fetch is not None:
            out.fetches[article.article_id] = doc.fetch
    return out


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
    known = known_articles(conn, (a.article_id for a in articles))
    batch = Batch()
    todo: list[Article] = []
    for art in articles:
        fetch = extraction.fetches.get(art.article_id)
        old = known.get(art.article_id)
        if old is not None and old.content_hash == art.content_hash:
            stats.unchanged += 1
            if fetch is not None:
                fetch.outcome = "unchanged"
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

    sigs = signatures_for(todo, settings.copies)
    batch.copies = assign_copies(todo, indexes.copies, sigs)
    batch.stories, _ = assign_stories(todo, indexes.stories)
    batch.merges = indexes.stories.drain_merges()
    batch.tags = tag_articles(todo, taxonomy)
    batch.entities = [
        EntityMention(a.article_id, name, "name", n)
        for a in todo
        for name, n in extract_names(f"{a.title}.\n{a.deck or ''}.\n{a.body}").items()
    ]
    batch.signatures = {k: signature_bytes(v) for k, v in sigs.items()}
    batch.raw = [extraction.raw[a.article_id] for a in todo if a.article_id in extraction.raw]
    batch.articles = todo
    touched = load_batch(conn, batch, run_id=stats.run_id)

    stats.copies += len(batch.copies)
    stats.topics += len(batch.tags)
    stats.stories_new += sum(1 for s in batch.stories if s.is_new_story)
    stats.stories_touched += len(touched)
