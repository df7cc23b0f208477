"""The ``sitemap`` source: ``urlset``, sitemap index (followed), Google News sitemaps, ``.xml.gz``.

A sitemap is XML read with a parser that neither resolves entities nor touches the network. A
gzipped body (the ``.xml.gz`` convention, served as a file rather than with Content-Encoding) is
inflated with the same size cap as any body. An index is followed breadth-first, each child fetched
conditionally like the index itself, up to ``MAX_CHILDREN`` sitemaps and ``MAX_DEPTH`` levels.
Newest URLs come first (``news:publication_date``, else ``lastmod``), up to the per-source limit.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from newswatch.errors import UnreadableInput
from newswatch.outcomes import Outcome
from newswatch.records import Fetch, HttpValidators
from newswatch.settings import SourceSpec
from newswatch.sources.registry import SourceContext, SourceItem, register
from newswatch.sources.web import Item, backoff_row, fetcher, items_to_documents, resolve_link
from newswatch.text import valid_xml_refs

SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, application/gzip;q=0.8, */*;q=0.5"
MAX_CHILDREN = 50
MAX_DEPTH = 3

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass(slots=True)
class ParsedSitemap:
    kind: str  # urlset | index
    items: list[Item] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def inflate(content: bytes, *, url: str, max_bytes: int) -> bytes:
    """Gunzip a ``.xml.gz`` body, refusing more than ``max_bytes`` once inflated."""
    if not content.startswith(b"\x1f\x8b"):
        return content
    d = zlib.decompressobj(wbits=31)
    try:
        out = d.decompress(content, max_bytes + 1)
    except zlib.error as exc:
        raise UnreadableInput(url, f"bad gzip data: {exc}", outcome="bad_sitemap") from exc
    if len(out) > max_bytes:
        raise UnreadableInput(url, f"over {max_bytes} bytes once decompressed", outcome="too_large")
    return out


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(el: Any, name: str) -> str | None:
    for child in el.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return str(child.text).strip()
    return None


def parse_sitemap(content: bytes, *, url: str, max_bytes: int = 50_000_000) -> ParsedSitemap:
    """Parse sitemap bytes (gzipped or not); raises ``UnreadableInput`` (``bad_sitemap``)."""
    data = inflate(content, url=url, max_bytes=max_bytes)
    if not data.strip():
        raise UnreadableInput(url, "empty document", outcome="bad_sitemap")
    try:
        root = etree.fromstring(valid_xml_refs(data), parser=_PARSER)
    except (etree.XMLSyntaxError, UnicodeError, ValueError) as exc:
        raise UnreadableInput(url, f"not XML: {exc}", outcome="bad_sitemap") from exc
    if root is None:
        raise UnreadableInput(url, "not XML: nothing could be parsed", outcome="bad_sitemap")
    kind = _local(root.tag)
    if kind == "sitemapindex":
        locs = [_child_text(el, "loc") for el in root if _local(el.tag) == "sitemap"]
        return ParsedSitemap("index", sitemaps=[loc for loc in locs if loc])
    if kind != "urlset":
        raise UnreadableInput(
            url, f"root element <{kind}> is neither urlset nor sitemapindex", outcome="bad_sitemap"
        )
    items = []
    for el in root:
        if _local(el.tag) != "url":
            continue
        loc = _child_text(el, "loc")
        if not loc:
            continue
        news = next((c for c in el if _local(c.tag) == "news"), None)
        title = _child_text(news, "title") if news is not None else None
        published = _child_text(news, "publication_date") if news is not None else None
        items.append(Item(url=loc, title=title or "", published_at=published or _child_text(el, "lastmod")))
    return ParsedSitemap("urlset", items=items)


def _is_index(resp: Any) -> bool:
    if resp is None:
        return False
    try:
        head = inflate(resp.content, url=resp.final_url, max_bytes=len(resp.content) * 200)
    except UnreadableInput:
        return False
    return b"sitemapindex" in head[:2048]


def newest_first(items: list[Item]) -> list[Item]:
    from newswatch.extract.document import parse_datetime

    def key(item: Item) -> float:
        dt = parse_datetime(item.published_at)
        return -dt.timestamp() if dt else 0.0

    return sorted(items, key=key)  # stable: undated URLs keep the sitemap's order, after dated ones


@register("sitemap")
def read_sitemap(spec: SourceSpec, ctx: SourceContext) -> Iterator[SourceItem]:
    """Fetch the sitemap (conditionally), follow an index, and yield the new URLs' pages."""
    gate = backoff_row(spec, ctx)
    if gate is not None:
        yield gate
        return
    # Not a conditional request for the sitemap itself: an index's children change while the index
    # does not, so its body is always read (only its hash is compared); children are conditional.
    url = str(spec.url)
    known = ctx.http_cache.get(url)
    result = fetcher(ctx).fetch(
        url,
        source=spec.name,
        validators=HttpValidators(url, content_sha256=known.content_sha256) if known else None,
        accept=SITEMAP_ACCEPT,
    )
    yield from result.retries
    yield from sitemap_items(spec, ctx, result.fetch, result.response)


def sitemap_items(spec: SourceSpec, ctx: SourceContext, primary: Fetch, resp: Any) -> Iterator[SourceItem]:
    """The documents of a fetched sitemap (shared with pages that turn out to be sitemaps)."""
    usable = primary.outcome == Outcome.OK or (primary.outcome == Outcome.UNCHANGED and _is_index(resp))
    if resp is None or not usable:
        yield primary
        return
    max_bytes = ctx.settings.fetch.max_bytes
    try:
        parsed = parse_sitemap(resp.content, url=resp.final_url, max_bytes=max_bytes)
    except UnreadableInput as exc:
        primary.fail(exc.outcome, exc.reason)
        primary.etag = primary.last_modified = primary.content_sha256 = None
        yield primary
        return
    items = list(parsed.items)
    queue = [(resolve_link(u, resp.final_url), 1) for u in parsed.sitemaps]
    followed: set[str] = {resp.final_url}
    client = fetcher(ctx)
    while queue and len(followed) <= MAX_CHILDREN:
        child_url, depth = queue.pop(0)
        if child_url is None or child_url in followed or depth > MAX_DEPTH:
            continue
        followed.add(child_url)
        child = client.fetch(
            child_url, source=spec.name, validators=ctx.http_cache.get(child_url), accept=SITEMAP_ACCEPT
        )
        yield from child.retries
        if child.response is not None and child.fetch.outcome == Outcome.OK:
            try:
                sub = parse_sitemap(child.response.content, url=child_url, max_bytes=max_bytes)
            except UnreadableInput as exc:
                child.fetch.fail(exc.outcome, exc.reason)
                child.fetch.etag = child.fetch.last_modified = child.fetch.content_sha256 = None
            else:
                items.extend(sub.items)
                queue.extend((resolve_link(u, child_url), depth + 1) for u in sub.sitemaps)
                child.fetch.items_seen = len(sub.items)
        yield child.fetch
    yield from items_to_documents(spec, ctx, newest_first(items), primary, base=resp.final_url)
