"""The ``feed`` source: RSS 0.9x/1.0/2.0, RDF, Atom 0.3/1.0 (feedparser) and JSON Feed 1.x.

The format is detected from the bytes, never declared. feedparser gets the HTTP Content-Type and
the feed's URL, so it applies the HTTP charset over the XML declaration, the BOM, and falls back
on detection, and resolves relative links against ``xml:base`` or the feed's URL. A feed that
yields no entries because it is broken ends as a ``bad_feed`` row with the parser's reason; a
broken feed that still yields entries is used (feeds in the wild are often a little broken).
"""

from __future__ import annotations

import calendar
import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import feedparser

from newswatch.errors import UnreadableInput
from newswatch.outcomes import Outcome
from newswatch.settings import SourceSpec
from newswatch.sources.registry import SourceContext, SourceItem, register
from newswatch.sources.web import Item, backoff_row, fetch_source, items_to_documents
from newswatch.text import valid_xml_refs

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/rdf+xml, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)

BENIGN = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


@dataclass(slots=True)
class ParsedFeed:
    """A feed as newswatch reads it: its format (``rss20``, ``atom10``, ``json1``...) and items."""

    format: str
    title: str
    items: list[Item] = field(default_factory=list)
    warning: str | None = None  # what was wrong with a feed that still parsed
    base: str = ""
    benign: bool = True  # the warning is about the HTTP headers, not a malformed document


def looks_like_json(content: bytes) -> bool:
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


def parse_feed(content: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse feed bytes; raises ``UnreadableInput`` (outcome ``bad_feed``) with the reason."""
    if not content.strip():
        raise UnreadableInput(url, "empty document", outcome="bad_feed")
    if looks_like_json(content):
        return parse_json_feed(content, url=url)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    content = valid_xml_refs(content)
    try:
        # A stream, never bytes or str: feedparser treats a str as a URL or a file name to open.
        result: Any = feedparser.parse(io.BytesIO(content), response_headers=headers)
    except Exception as exc:  # feedparser is meant to never raise; if it does, it is this feed's fault
        raise UnreadableInput(
            url, f"the feed parser failed: {type(exc).__name__}: {exc}", outcome="bad_feed"
        ) from exc
    problem = None
    benign = False
    if result.get("bozo"):
        why = result.get("bozo_exception")
        problem = f"{type(why).__name__}: {why}" if why is not None else "malformed feed"
        # A feed served as text/plain, or whose HTTP charset overrides its XML declaration, is
        # still a feed: feedparser flags it, but the document itself parsed.
        benign = isinstance(why, BENIGN)
    version = result.get("version") or ""
    entries = result.get("entries") or []
    if not entries:
        if not version and b"<html" in content[:2048].lower():
            raise UnreadableInput(url, "an HTML page, not a feed", outcome="bad_feed")
        if problem and not (benign and (version or result.get("feed"))):
            raise UnreadableInput(url, f"no entries; {problem}", outcome="bad_feed")
    feed = result.get("feed") or {}
    items = [_entry_item(e) for e in entries]
    return ParsedFeed(
        format=version or "unknown",
        title=str(feed.get("title") or ""),
        items=items,
        warning=problem,
        base=str(feed.get("link") or url),
        benign=benign or problem is None,
    )


def _entry_item(entry: Any) -> Item:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    summary = ""
    contents = entry.get("content") or []
    if contents:
        summary = str(contents[0].get("value") or "")
    summary = summary or str(entry.get("summary") or "")
    return Item(
        url=link,
        title=str(entry.get("title") or "").strip(),
        summary=summary.strip(),
        published_at=_iso(entry.get("published_parsed") or entry.get("updated_parsed"))
        or entry.get("published")
        or entry.get("updated"),
        id=str(entry.get("id")) if entry.get("id") else None,
    )


def _iso(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(parsed)))
    except (OverflowError, ValueError, TypeError):
        return None


def parse_json_feed(content: bytes, *, url: str) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableInput(url, f"invalid JSON: {exc}", outcome="bad_feed") from exc
    if not isinstance(data, dict) or "jsonfeed.org/version" not in str(data.get("version", "")):
        raise UnreadableInput(url, "JSON, but not a JSON Feed (no jsonfeed.org version)", outcome="bad_feed")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise UnreadableInput(url, "JSON Feed without an items list", outcome="bad_feed")
    version = str(data["version"]).rstrip("/").rsplit("/", 1)[-1]
    items = []
    for raw in raw_items:
        if not isinstance(raw, dict):
            continue
        body = raw.get("content_html") or raw.get("content_text") or raw.get("summary") or ""
        # Fields of a wrong type (a list for a title, a number for a URL) are coerced or dropped by
        # ``Item``, with every string made valid text there.
        items.append(
            Item(
                url=raw.get("url") or raw.get("external_url"),
                title=raw.get("title") or "",
                summary=body,
                published_at=raw.get("date_published") or raw.get("date_modified"),
                id=raw.get("id"),
            )
        )
    return ParsedFeed(
        format=f"json{version}",
        title=str(data.get("title") or ""),
        items=items,
        base=str(data.get("feed_url") or url),
    )


@register("feed")
def read_feed(spec: SourceSpec, ctx: SourceContext) -> Iterator[SourceItem]:
    """Fetch the feed (conditionally), parse it, and yield its new entries' pages."""
    gate = backoff_row(spec, ctx)
    if gate is not None:
        yield gate
        return
    result = fetch_source(spec, ctx, accept=FEED_ACCEPT)
    yield from result.retries
    yield from feed_items(spec, ctx, result.fetch, result.response)


def feed_items(spec: SourceSpec, ctx: SourceContext, primary: Any, resp: Any) -> Iterator[SourceItem]:
    """The documents of a fetched feed (shared with pages that turn out to be feeds)."""
    if resp is None or primary.outcome != Outcome.OK:  # failed, 304 or the same bytes: nothing to parse
        yield primary
        return
    try:
        feed = parse_feed(resp.content, url=resp.final_url, content_type=resp.headers.get("content-type"))
    except UnreadableInput as exc:
        primary.fail(exc.outcome, exc.reason + _advertised(resp))
        primary.etag = primary.last_modified = primary.content_sha256 = None
        yield primary
        return
    if feed.warning and not feed.benign:
        # Entries that parsed are kept (the rest of a cut-short feed is lost to this read); the
        # row says the feed is malformed, and without validators the next run reads it again.
        primary.fail(Outcome.MALFORMED_FEED, f"parsed despite: {feed.warning}")
        primary.etag = primary.last_modified = primary.content_sha256 = None
    elif feed.warning:
        primary.error = f"parsed despite: {feed.warning}"
    # Links resolve against the final URL (after redirects): feedparser already applied xml:base.
    yield from items_to_documents(spec, ctx, feed.items, primary, base=resp.final_url)


def _advertised(resp: Any) -> str:
    """For a homepage configured as a feed: the feeds it advertises, to put in the error."""
    from newswatch.sources.discover import discover_feeds, sniff_kind

    if sniff_kind(resp.content, resp.media_type) != "page":
        return ""
    links = discover_feeds(resp.content.decode(resp.charset or "utf-8", "replace"), base_url=resp.final_url)
    return f"; it advertises: {', '.join(f.url for f in links)}" if links else ""
