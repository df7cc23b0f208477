"""The daily digest: the stories first seen or updated on a day, rendered by a template per format.

``build_digest`` shapes warehouse rows into ``Digest``; ``render`` picks ``templates/digest.<fmt>.j2``.
A new format is a new template (HTML autoescapes: titles and outlets are untrusted input).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

FORMATS = ("md", "html")


@dataclass(slots=True)
class DigestArticle:
    article_id: str
    source: str
    title: str
    url: str
    published_at: datetime | None
    copies: list[DigestArticle] = field(default_factory=list)


@dataclass(slots=True)
class DigestStory:
    story_id: str
    title: str
    is_new: bool
    first_seen_at: datetime
    last_seen_at: datetime
    article_count: int
    version_count: int
    source_count: int
    sources: list[str]
    topics: list[str]
    articles: list[DigestArticle] = field(default_factory=list)


@dataclass(slots=True)
class Digest:
    day: date
    stories: list[DigestStory]
    topic_labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def new_count(self) -> int:
        return sum(1 for s in self.stories if s.is_new)


def build_digest(
    day: date,
    story_rows: Iterable[Mapping[str, Any]],
    article_rows: Iterable[Mapping[str, Any]],
    topic_labels: Mapping[str, str] | None = None,
) -> Digest:
    """Shape the rows of ``reports/digest.sql`` and ``reports/digest_articles.sql``."""
    stories = [
        DigestStory(
            story_id=r["story_id"],
            title=r["title"],
            is_new=bool(r["is_new"]),
            first_seen_at=r["first_seen_at"],
            last_seen_at=r["last_seen_at"],
            article_count=r["article_count"],
            version_count=r["version_count"],
            source_count=r["source_count"],
            sources=list(r["sources"] or []),
            topics=list(r["topics"] or []),
        )
        for r in story_rows
    ]
    by_id = {s.story_id: s for s in stories}
    originals: dict[str, DigestArticle] = {}
    pending_copies: list[tuple[str, DigestArticle]] = []
    for r in article_rows:
        story = by_id.get(r["story_id"])
        if story is None:
            continue
        art = DigestArticle(r["article_id"], r["source"], r["title"], r["url"], r["published_at"])
        if r["copy_of"]:
            pending_copies.append((r["copy_of"], art))
        else:
            originals[art.article_id] = art
            story.articles.append(art)
    for original_id, art in pending_copies:
        if original_id in originals:
            originals[original_id].copies.append(art)
    return Digest(day=day, stories=stories, topic_labels=dict(topic_labels or {}))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newswatch.digest", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md_escape
    env.filters["url"] = safe_url
    return env


def safe_url(url: Any) -> str:
    """A link target that cannot run script: http(s) and file URLs only, else '#'."""
    text = str(url).strip()
    if not text.lower().startswith(("http://", "https://", "file://")):
        return "#"
    return text.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _md_escape(text: Any) -> str:
    """Escape Markdown control characters in untrusted text (titles, outlet names)."""
    out = str(text).replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def render(digest: Digest, fmt: str = "md") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown digest format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return _environment().get_template(f"digest.{fmt}.j2").render(d=digest)
