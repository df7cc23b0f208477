"""The ``page`` source: one article page, fetched conditionally; also ``newswatch ingest URL``.

What the URL serves decides what it is: a page that turns out to be a feed or a sitemap (the
bytes say so, whatever the Content-Type) is read as one, so ``newswatch ingest`` takes any URL.
"""

from __future__ import annotations

from collections.abc import Iterator

from newswatch.outcomes import Outcome
from newswatch.settings import SourceSpec
from newswatch.sources.discover import sniff_kind
from newswatch.sources.feeds import feed_items
from newswatch.sources.registry import SourceContext, SourceItem, register
from newswatch.sources.sitemaps import sitemap_items
from newswatch.sources.web import PAGE_ACCEPT, backoff_row, fetch_source, page_document


@register("page")
def read_page(spec: SourceSpec, ctx: SourceContext) -> Iterator[SourceItem]:
    """Fetch the page; yield it as a document unless it is unchanged since the last run."""
    gate = backoff_row(spec, ctx)
    if gate is not None:
        yield gate
        return
    result = fetch_source(spec, ctx, accept=PAGE_ACCEPT)
    yield from result.retries
    resp = result.response
    if resp is None or result.fetch.outcome != Outcome.OK:
        yield result.fetch
        return
    kind = sniff_kind(resp.content, resp.media_type)
    if kind == "feed":
        yield from feed_items(spec, ctx, result.fetch, resp)
        return
    if kind == "sitemap":
        yield from sitemap_items(spec, ctx, result.fetch, resp)
        return
    result.fetch.items_seen = result.fetch.items_new = 1
    yield page_document(spec.name, result)
