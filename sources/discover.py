"""What a URL is (feed, sitemap or page) and which feeds a homepage advertises.

``sniff_kind`` looks at the bytes first (a root element, a JSON Feed version) and only then at
the Content-Type, because servers often label feeds ``text/html`` or ``text/plain``.
``discover_feeds`` reads ``<link rel="alternate">`` feed links from a page, resolved against its
``<base href>`` or URL, in the order the page lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rdf",
    "application/feed+json": "json",
    "application/json": "json",
    "application/x.atom+xml": "atom",
    "application/x-atom+xml": "atom",
    "application/x-rss+xml": "rss",
    "text/xml": "xml",
    "application/xml": "xml",
}
_ROOT = re.compile(rb"<(?![?!])(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def _root_element(content: bytes) -> str | None:
    head = content[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) > 1 and (head[0] == 0 or head[1] == 0)):
        head = head.replace(b"\x00", b"")  # UTF-16/32 feeds: ASCII markup with NULs between
    head = re.sub(rb"<!--.*?-->", b"", head, flags=re.S)
    m = _ROOT.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def sniff_kind(content: bytes, media_type: str = "") -> str:
    """``feed``, ``sitemap`` or ``page`` for a response body (and its media type)."""
    stripped = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") and b"jsonfeed.org/version" in content[:4096]:
        return "feed"
    if content.startswith(b"\x1f\x8b"):
        return "sitemap"  # a gzipped file served as is: sitemap.xml.gz
    root = _root_element(content)
    if root in ("rss", "feed", "rdf", "channel"):
        return "feed"
    if root in ("urlset", "sitemapindex"):
        return "sitemap"
    if root == "html":
        return "page"
    if media_type in ("application/rss+xml", "application/atom+xml", "application/feed+json"):
        return "feed"
    return "page"


@dataclass(frozen=True, slots=True)
class FeedLink:
    url: str
    type: str
    title: str


_LINK = re.compile(r"<link\b[^>]*>", re.I)
_BASE = re.compile(r"<base\b[^>]*\bhref\s*=\s*[\"']([^\"']+)", re.I)
_ATTR = re.compile(r"""([a-zA-Z_:][\w:.\-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")


def discover_feeds(html: str, *, base_url: str) -> list[FeedLink]:
    """Feeds a page advertises with ``<link rel="alternate" type="...rss/atom/json...">``."""
    import html as htmllib

    head = html[:500_000]
    base = base_url
    m = _BASE.search(head)
    if m:
        base = urljoin(base_url, htmllib.unescape(m.group(1).strip()))
    out: list[FeedLink] = []
    seen: set[str] = set()
    for tag in _LINK.findall(head):
        attrs = {k.lower(): htmllib.unescape(v.strip("\"'")) for k, v in _ATTR.findall(tag)}
        rels = attrs.get("rel", "").lower().split()
        media = attrs.get("type", "").lower().split(";")[0].strip()
        if "alternate" not in rels or media not in FEED_TYPES or not attrs.get("href"):
            continue
        url = urljoin(base, attrs["href"])
        if url in seen or not url.startswith(("http://", "https://")):
            continue
        seen.add(url)
        out.append(FeedLink(url=url, type=FEED_TYPES[media], title=attrs.get("title", "")))
    return out


def guess_kind(url: str) -> str:
    """A first guess from the URL alone (the page source checks the bytes anyway)."""
    path = url.split("?", 1)[0].lower()
    if "sitemap" in path.rsplit("/", 1)[-1]:
        return "sitemap"
    if path.endswith((".rss", ".atom", ".rdf", "/feed", "/rss", "/atom", "feed.xml", "rss.xml", "atom.xml")):
        return "feed"
    if path.endswith("feed.json"):
        return "feed"
    return "page"


def discover(url: str, client: Any) -> tuple[str, list[FeedLink]]:
    """Fetch ``url`` (a ``sources.http.Fetcher``): what it is, and the feeds it advertises."""
    from newswatch.extract.encoding import decode
    from newswatch.sources.web import html_charset

    resp = client.get(url, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
    kind = sniff_kind(resp.content, resp.media_type)
    if kind != "page":
        return kind, [FeedLink(url=resp.final_url, type=kind, title="")]
    text, _ = decode(resp.content, name=url, declared=html_charset(resp.content, resp.charset))
    return kind, discover_feeds(text, base_url=resp.final_url)
