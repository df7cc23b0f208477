"""What the web kinds share: the back-off gate, the source's own fetch, and items to documents.

A feed or sitemap lists ``Item``s. Each item whose URL the warehouse has not settled yet is fetched
(``fetch_pages = true``, the default) and becomes a page ``Document``; when the page cannot be had
but the feed gave a title and summary, that record is kept instead, so the article is not lost.
The source's own ``Fetch`` row is yielded last, with the items seen and new, so its validators
are only remembered when every new page was fetched (otherwise the next run re-reads the list).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from newswatch.errors import ConfigError
from newswatch.outcomes import Outcome
from newswatch.records import Document, Fetch, utcnow
from newswatch.settings import SourceSpec
from newswatch.sources.http import Fetcher, FetchResult
from newswatch.sources.registry import SourceContext, SourceItem
from newswatch.text import valid_text
from newswatch.urls import canonical_url

RECORD_MEDIA_TYPE = "application/x-newswatch-record"
HTML_TYPES = ("text/html", "application/xhtml+xml")
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
# Outcomes after which a page is worth trying again next run (the list keeps its validators otherwise).

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)


@dataclass(slots=True)
class Item:
    """One entry of a feed or one URL of a sitemap."""

    url: str | None
    title: str = ""
    summary: str = ""
    published_at: str | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        # A feed is hostile: its fields may be any JSON type and any code points (``valid_text``).
        self.url = valid_text(self.url) if isinstance(self.url, str) else None
        self.title = valid_text(_as_text(self.title)).strip()
        self.summary = valid_text(_as_text(self.summary)).strip()
        self.published_at = valid_text(_as_text(self.published_at)) or None
        self.id = valid_text(_as_text(self.id)) or None


def _as_text(value: object) -> str:
    """A feed field as text: strings as they are, numbers spelled, anything else (lists, objects) empty."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int | float) else ""


def fetcher(ctx: SourceContext) -> Fetcher:
    if not isinstance(ctx.client, Fetcher):
        raise ConfigError("web sources need the run's HTTP client (sources.http.make_client)")
    return ctx.client


def backoff_row(spec: SourceSpec, ctx: SourceContext, now: datetime | None = None) -> Fetch | None:
    """A ``backoff`` row when the source failed too often lately and its wait is not over."""
    health = ctx.health.get(spec.name)
    now = now or utcnow()
    if health is None or health.backoff_until is None or health.backoff_until <= now:
        return None
    return Fetch(url=str(spec.url), source=spec.name).fail(
        "backoff",
        f"{health.consecutive_failures} failures in a row (last: {health.last_error}); "
        f"next try after {health.backoff_until.isoformat(timespec='seconds')}",
    )


def fetch_source(spec: SourceSpec, ctx: SourceContext, *, accept: str) -> FetchResult:
    """Fetch the source's own URL, conditionally when the warehouse holds validators for it."""
    url = str(spec.url)
    return fetcher(ctx).fetch(url, source=spec.name, validators=ctx.http_cache.get(url), accept=accept)


def resolve_link(link: str | None, base: str) -> str | None:
    """An item link made absolute against the feed's URL; only http(s) links are kept."""
    if not link or not isinstance(link, str):
        return None
    url = urljoin(base, link.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts._replace(fragment="").geturl()


def html_charset(content: bytes, header_charset: str | None) -> str | None:
    """The charset to try first for a page: HTTP's, else the page's own meta tag."""
    if header_charset:
        return header_charset
    m = _META_CHARSET.search(content[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def page_document(source: str, result: FetchResult) -> Document:
    assert result.response is not None
    resp = result.response
    media = resp.media_type if resp.media_type in HTML_TYPES else "text/html"
    return Document(
        source=source,
        url=resp.final_url,
        content=resp.content,
        media_type=media,
        fetch=result.fetch,
        charset=html_charset(resp.content, resp.charset),
    )


def record_document(source: str, item: Item, *, url: str) -> Document:
    """An article from what the feed itself says (title, summary, date)."""
    return Document(
        source=source,
        url=url,
        content=b"",
        media_type=RECORD_MEDIA_TYPE,
        fetch=None,
        fields={
            "url": url,
            "title": item.title,
            "body": item.summary,
            "published_at": item.published_at,
            "origin": source,
        },
    )


def items_to_documents(
    spec: SourceSpec,
    ctx: SourceContext,
    items: Sequence[Item],
    primary: Fetch,
    *,
    base: str,
) -> Iterator[SourceItem]:
    """Documents for the new items (pages fetched in parallel), then the source's own row."""
    limit = ctx.settings.fetch.max_items_per_source
    seen: dict[str, Item] = {}
    canonical: dict[str, str] = {}  # canonical form -> the first URL listed in that form
    records: list[tuple[str, Item]] = []
    for n, item in enumerate(items):
        url = resolve_link(item.url, base)
        if url is None:
            if item.title and item.summary:  # no link: the entry is all there is
                records.append((f"{base}#item-{item.id or n}", item))
            continue
        # One page listed twice (with and without tracking parameters) is fetched once.
        key = canonical_url(url)
        if key in canonical:
            continue
        canonical[key] = url
        seen[url] = item
    fresh = [
        (u, it)
        for u, it in seen.items()
        if u not in ctx.known_urls and canonical_url(u) not in ctx.known_urls
    ]
    new = fresh[:limit]
    truncated = len(fresh) > limit  # the rest waits for the next run, which must re-read the list
    primary.items_seen = len(seen) + len(records)
    primary.items_new = len(new) + len(records)

    for url, item in records:
        yield record_document(spec.name, item, url=url)
    if not spec.fetch_pages:
        for url, item in new:
            if item.title:
                yield record_document(spec.name, item, url=url)
        if truncated:
            primary.etag = primary.last_modified = primary.content_sha256 = None
        yield primary
        return

    client = fetcher(ctx)
    workers = min(ctx.settings.fetch.page_workers, max(1, len(new)))
    retry_later = truncated
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"pages-{spec.name}") as pool:
        results = pool.map(
            lambda u: client.fetch(u, source=spec.name, accept=PAGE_ACCEPT), [u for u, _ in new]
        )
        for (url, item), result in zip(new, results, strict=True):
            yield from result.retries
            if result.response is not None and result.fetch.outcome == Outcome.OK:
                yield page_document(spec.name, result)
                continue
            yield result.fetch
            if result.fetch.outcome.retryable:
                retry_later = True  # the next run tries the page again
            elif item.title and item.summary:  # it will not come: keep what the feed said
                yield record_document(spec.name, item, url=url)
    if retry_later:
        # Forget the list's validators so the next run reads it again and retries those pages.
        primary.etag = primary.last_modified = primary.content_sha256 = None
    yield primary
