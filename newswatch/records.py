"""The records that flow between stages.

``Document`` (what a source yields) -> ``Extracted`` (what extraction reads from it) -> ``Article``
(cleaned, hashed, identified) -> annotated with ``CopyMatch``, ``StoryAssignment``, ``TopicTag`` and
``EntityMention`` -> loaded. A ``Fetch`` describes one read or HTTP attempt and ends in ``fetches``.
All times are timezone-aware UTC.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newswatch.outcomes import Outcome
from newswatch.text import valid_optional, valid_text, valid_value
from newswatch.urls import canonical_url


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, to the microsecond."""
    return datetime.now(UTC)


def stable_id(prefix: str, *parts: str) -> str:
    """A short deterministic id: the same parts give the same id on every machine."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}{digest[:16]}"


def article_id_for(url: str) -> str:
    """Articles are identified by the canonical form of their URL (``newswatch.urls``: tracking
    parameters, fragment, default port and host case do not make another article); ``file://``
    URLs of local files are used as they are."""
    return stable_id("a_", canonical_url(url))


@dataclass(slots=True)
class Fetch:
    """One read of a file or one HTTP attempt; ends as a row of ``fetches``."""

    url: str
    source: str
    outcome: Outcome = Outcome.OK
    status: int | None = None
    error: str | None = None
    bytes: int = 0
    elapsed_ms: float = 0.0
    fetched_at: datetime = field(default_factory=utcnow)
    article_id: str | None = None
    # Web sources: the validators to send back next time (conditional GET), the body's hash, and
    # for a feed or sitemap how many items it listed and how many were new.
    etag: str | None = None
    last_modified: str | None = None
    content_sha256: str | None = None
    items_seen: int | None = None
    items_new: int | None = None

    def __post_init__(self) -> None:
        self.url = valid_text(self.url)

    def fail(self, outcome: Outcome | str, error: str) -> Fetch:
        self.outcome = Outcome(outcome)  # an unknown word is a bug: fail here, not in a report
        self.error = valid_text(error)  # reasons quote the input
        return self


@dataclass(slots=True)
class Document:
    """Raw input as a source yields it, with the read that produced it.

    ``content`` holds the bytes as read; ``fields`` holds what a structured source already knows
    (a ``.jsonl`` record, a feed entry's title and summary) and wins over what extraction finds.
    """

    source: str
    url: str
    content: bytes
    media_type: str
    fetch: Fetch | None  # None for a record inside a file (the file read has its own row)
    fields: Mapping[str, Any] = field(default_factory=dict)
    charset: str | None = None

    def __post_init__(self) -> None:
        # The Unicode boundary (``newswatch.text.valid_text``): whatever a feed, a record or a file
        # name holds, every stage after this one sees valid text.
        self.url = valid_text(self.url)
        if self.fields:
            self.fields = valid_value(self.fields)


@dataclass(slots=True)
class Extracted:
    """What extraction read from a document, before cleaning."""

    title: str
    body: str
    deck: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    authors: tuple[str, ...] = ()
    site_name: str | None = None
    canonical_url: str | None = None
    language_hint: str | None = None
    # For each metadata field, where its value came from (``text``, ``json-ld``, ``record``, ...).
    provenance: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The Unicode boundary for what extraction read out of the bytes (``valid_text``).
        self.title = valid_text(self.title)
        self.body = valid_text(self.body)
        self.deck = valid_optional(self.deck)
        self.authors = tuple(valid_text(a) for a in self.authors)
        self.site_name = valid_optional(self.site_name)
        self.canonical_url = valid_optional(self.canonical_url)
        self.language_hint = valid_optional(self.language_hint)


@dataclass(slots=True)
class Article:
    """A cleaned article, ready for copies, stories, topics and loading."""

    article_id: str
    source: str
    url: str
    canonical_url: str
    title: str
    body: str
    deck: str | None
    published_at: datetime | None
    modified_at: datetime | None
    authors: tuple[str, ...]
    site_name: str | None
    language: str | None
    word_count: int
    content_hash: str
    first_seen_at: datetime
    provenance: dict[str, str] = field(default_factory=dict)
    origin: str = ""  # the configured source it came through; ``source`` is the outlet
    copy_of: str | None = None
    story_id: str | None = None

    @property
    def event_time(self) -> datetime:
        """When the article's event happened as far as we know: published, else first seen."""
        return self.published_at or self.first_seen_at


@dataclass(frozen=True, slots=True)
class CopyMatch:
    """``article_id`` copies ``copy_of``: same URL, same text, or near-identical text."""

    article_id: str
    copy_of: str
    method: str  # canonical_url | content_hash | minhash
    similarity: float


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    """Why an article sits in a story: the best match, its score and the shared evidence."""

    article_id: str
    story_id: str
    is_new_story: bool
    score: float
    matched_article_id: str | None
    evidence: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class StoryMerge:
    """Story ``merged`` is now part of ``into`` (the older story), as ``article_id`` showed."""

    merged: str
    into: str
    article_id: str
    score: float


@dataclass(frozen=True, slots=True)
class TopicTag:
    article_id: str
    topic: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntityMention:
    article_id: str
    entity: str  # the entity's one name
    kind: str  # person | organisation | place | other
    count: int
    entity_id: str = ""  # e.g. iso:PK, geonames:1816670, person:ishaq-dar; "" means kind:name
    country_code: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(slots=True)
class RunStats:
    """The counts of one run, stored in ``runs`` and printed as the summary."""

    run_id: str
    started_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = "running"
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    copies: int = 0
    failed: int = 0
    stories_new: int = 0
    stories_touched: int = 0
    topics: int = 0
    digest_path: str | None = None

    def as_row(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "status": self.status,
            "articles_read": self.read,
            "articles_new": self.new,
            "articles_updated": self.updated,
            "articles_unchanged": self.unchanged,
            "copies": self.copies,
            "failures": self.failed,
            "stories_new": self.stories_new,
            "stories_touched": self.stories_touched,
            "topic_tags": self.topics,
            "digest_path": self.digest_path,
        }


@dataclass(frozen=True, slots=True)
class StoredRaw:
    """A raw page as ``raw_documents`` keeps it (``newswatch.rawstore.stored_raw``)."""

    sha256: str  # hex digest of the page bytes
    frame: bytes  # the bytes, compressed (``newswatch.rawstore.encode_raw``)


@dataclass(slots=True)
class RawDocument:
    """The raw bytes behind an article, kept (compressed) so extraction can be re-run."""

    url: str
    media_type: str
    content: bytes
    stored: StoredRaw | None = None  # made by the extraction pool; else the loader makes it


@dataclass(slots=True)
class Batch:
    """Everything one transaction writes: articles and what the stages found about them."""

    articles: list[Article] = field(default_factory=list)
    copies: list[CopyMatch] = field(default_factory=list)
    stories: list[StoryAssignment] = field(default_factory=list)
    tags: list[TopicTag] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    signatures: dict[str, bytes | None] = field(default_factory=dict)
    merges: list[StoryMerge] = field(default_factory=list)
    raw: list[RawDocument] = field(default_factory=list)
    fetches: list[Fetch] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HttpValidators:
    """What the warehouse remembers about a URL so the next request can be conditional."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    content_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A configured source's standing: failures in a row, and when it may be tried again."""

    source: str
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    items_seen: int = 0
    items_new: int = 0
    backoff_until: datetime | None = None
