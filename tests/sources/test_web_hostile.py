"""Hostile bytes: the parsers either read them or refuse them with a reason, never crash."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.errors import UnreadableInput
from newswatch.settings import FetchSettings
from newswatch.sources.discover import discover_feeds, sniff_kind
from newswatch.sources.feeds import parse_feed
from newswatch.sources.http import Fetcher
from newswatch.sources.sitemaps import parse_sitemap
from newswatch.sources.web import html_charset

PREFIXES = [
    b"",
    b"<rss version='2.0'><channel>",
    b"<feed xmlns='http://www.w3.org/2005/Atom'>",
    b"<urlset>",
    b"{",
]


@settings(max_examples=150, deadline=None)
@given(prefix=st.sampled_from(PREFIXES), tail=st.binary(max_size=400))
def test_parsers_never_crash(prefix: bytes, tail: bytes) -> None:
    data = prefix + tail
    kind = sniff_kind(data, "")
    assert kind in ("feed", "sitemap", "page")
    for parse in (parse_feed, parse_sitemap):
        try:
            parse(data, url="http://127.0.0.1/x")
        except UnreadableInput as exc:
            assert exc.outcome in ("bad_feed", "bad_sitemap", "too_large") and exc.reason


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_discovery_never_crashes(html: str) -> None:
    for link in discover_feeds("<head>" + html, base_url="http://127.0.0.1/"):
        assert link.url.startswith(("http://", "https://"))


def test_a_gzip_bomb_sitemap_is_refused() -> None:
    import gzip

    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    with pytest.raises(UnreadableInput) as err:
        parse_sitemap(bomb, url="http://127.0.0.1/s.xml.gz", max_bytes=1_000_000)
    assert err.value.outcome == "too_large"


def test_page_charset_from_http_else_meta() -> None:
    assert html_charset(b"<meta charset='koi8-r'>", "windows-1251") == "windows-1251"
    assert html_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=Big5">', None) == "Big5"
    assert html_charset(b"<html>", None) is None


def test_503_with_retry_after_is_retried() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        calls.append(request.url.path)
        if len(calls) == 1:
            return httpx.Response(503, headers={"Retry-After": "0"})
        return httpx.Response(200, text="ok")

    s = FetchSettings(allow_private_networks=True, per_host_delay=0, max_retries=2, retry_base_delay=0.01)
    with Fetcher(s, client=httpx.Client(transport=httpx.MockTransport(handler))) as f:
        result = f.fetch("http://127.0.0.1/feed", source="t")
    assert result.fetch.outcome == "ok" and [r.outcome for r in result.retries] == ["retried"]
    assert calls == ["/feed", "/feed"]
