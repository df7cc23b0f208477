"""Extraction: from a ``Document`` to an ``Extracted`` article, by media type.

- plain text and Markdown: optional front matter (``key: value`` lines between ``---``), a title
  line (a Markdown ``#`` heading counts), an optional deck (a short line right under the title,
  followed by a blank line), then the body;
- HTML: ``sources.html`` (one parse; JSON-LD, OpenGraph and meta first; trafilatura for the body;
  page kinds: redirect, listing, paywalled pages are reported as outcomes);
- records (``.json``/``.jsonl``/``.csv`` rows, feed entries): their fields, with HTML bodies
  extracted like pages.

Anything without a title and some text raises ``ExtractionError`` with the reason, so the caller
records it instead of storing junk.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime
from typing import Any

from newswatch.errors import ExtractionError, SourceError
from newswatch.extract.encoding import decode
from newswatch.records import Document, Extracted

MAX_TITLE_CHARS = 400
MAX_DECK_CHARS = 320

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_MD_HEADING = re.compile(r"^#{1,6}\s+")


def extract_document(doc: Document) -> Extracted:
    """Read an article out of ``doc``; raises ``SourceError`` subclasses with a reason."""
    if doc.media_type in ("text/plain", "text/markdown"):
        text, _ = decode(doc.content, name=doc.url, declared=doc.charset)
        return parse_text(text, name=doc.url, markdown=doc.media_type == "text/markdown")
    if doc.media_type in ("text/html", "application/xhtml+xml"):
        from newswatch.extract.html import decode_html, extract_page

        html = decode_html(doc.content, name=doc.url, declared=doc.charset)
        # A local file's path is no web address: no home-page test, no canonical URL from it.
        web = doc.url if doc.url.startswith(("http://", "https://")) else None
        return extract_page(html, url=web, name=doc.url)
    if doc.media_type == "application/x-newswatch-record":
        return from_record(doc.fields, name=doc.url)
    raise ExtractionError(doc.url, f"no extractor for media type {doc.media_type!r}", outcome="unsupported")


def parse_text(text: str, *, name: str, markdown: bool = False) -> Extracted:
    """Title line, optional deck line, body; optional front matter gives metadata."""
    meta: dict[str, str] = {}
    m = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if m:
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[m.end() :]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ExtractionError(name, "no text after the front matter", outcome="empty")
    title = meta.get("title") or _MD_HEADING.sub("", lines.pop(0)).strip()
    if meta.get("title") and lines and _MD_HEADING.sub("", lines[0]).strip() == title:
        lines.pop(0)
    if not title or len(title) > MAX_TITLE_CHARS:
        raise ExtractionError(name, "no title line (the first line must be a headline)", outcome="no_title")
    deck = meta.get("deck") or meta.get("description")
    # A deck sits right under the title (no blank line) and is followed by a blank line.
    if not deck and len(lines) >= 3 and lines[0].strip() and not lines[1].strip():
        candidate = _MD_HEADING.sub("", lines[0]).strip()
        if len(candidate) <= MAX_DECK_CHARS and any(line.strip() for line in lines[2:]):
            deck = candidate
            lines = lines[2:]
    body = "\n".join(lines).strip()
    if not body:
        raise ExtractionError(name, "a title but no body", outcome="no_body")
    provenance = {"title": "text"}
    if deck:
        provenance["deck"] = "front-matter" if "deck" in meta or "description" in meta else "text"
    published = parse_datetime(meta.get("published_at") or meta.get("date"))
    if published:
        provenance["published_at"] = "front-matter"
    authors = tuple(a.strip() for a in re.split(r",|;| and ", meta.get("author", "")) if a.strip())
    return Extracted(
        title=title,
        body=body,
        deck=deck,
        published_at=published,
        authors=authors,
        site_name=meta.get("source") or meta.get("site_name"),
        canonical_url=meta.get("url"),
        language_hint=meta.get("language"),
        provenance=provenance,
    )


def extract_html(html: str, *, url: str | None = None) -> Extracted:
    """Article text and metadata from a page (``sources.html``: parse once, structured data first)."""
    from newswatch.extract.html import extract_page

    return extract_page(html, url=url)


def from_record(fields: Any, *, name: str) -> Extracted:
    """An article from a record's fields; an ``html`` field is extracted like a page."""
    title = str(fields.get("title") or "").strip()
    body = str(fields.get("body") or "").strip()
    if fields.get("html") and not body:
        page = extract_html(str(fields["html"]), url=fields.get("url"))
        title = title or page.title
        body = page.body
    if not title:
        raise ExtractionError(name, "record has no title", outcome="no_title")
    published = parse_datetime(fields.get("published_at"))
    provenance = {"title": "record"}
    if published:
        provenance["published_at"] = "record"
    if "<" in body and ">" in body:
        from bs4 import BeautifulSoup

        body = BeautifulSoup(body, "html.parser").get_text("\n").strip()
    return Extracted(
        title=title,
        body=body,
        published_at=published,
        site_name=str(fields["source"]) if fields.get("source") else None,
        canonical_url=str(fields["url"]) if fields.get("url") else None,
        provenance=provenance,
    )


def parse_datetime(value: Any, *, utc: bool = True) -> datetime | None:
    """A timezone-aware datetime from ISO 8601, RFC 2822 or epoch seconds/milliseconds.

    In UTC, or with ``utc=False`` in the offset the value gave (a page's local date stays its date);
    a value without an offset is taken as UTC.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, int | float) or (
        isinstance(value, str) and re.fullmatch(r"\d{9,13}(\.\d+)?", value.strip())
    ):
        num = float(value)
        if num > 1e11:  # milliseconds
            num /= 1000.0
        try:
            dt = datetime.fromtimestamp(num, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    else:
        text = str(value).strip()
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                dt = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                try:
                    import warnings

                    from dateutil import parser as dateutil_parser

                    with warnings.catch_warnings():  # unknown zone names: parsed as UTC below
                        warnings.simplefilter("ignore")
                        dt = dateutil_parser.parse(text)
                except (ValueError, OverflowError):
                    return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    if not 1900 <= dt.year <= 2200:  # typos and placeholders ("0001-01-01") are not dates
        return None
    return dt.astimezone(UTC) if utc else dt


__all__ = [
    "SourceError",
    "extract_document",
    "extract_html",
    "from_record",
    "parse_datetime",
    "parse_text",
]
