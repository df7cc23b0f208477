"""Every corpus feed through the parsers (directly, for speed), then a smaller pass over HTTP."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from newswatch.errors import UnreadableInput
from newswatch.settings import FetchSettings
from newswatch.sources.discover import sniff_kind
from newswatch.sources.feeds import parse_feed
from newswatch.sources.http import Fetcher
from newswatch.sources.sitemaps import parse_sitemap

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "web" / "feeds"


def _hints() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    with (FEEDS / "manifest.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            name, _, value = row["http_header_hint"].partition(":")
            out[row["path"]] = value.strip() if name.strip().lower() == "content-type" else None
    return out


HINTS = _hints()


def _files(folder: str) -> list[str]:
    return sorted(
        str(p.relative_to(FEEDS))
        for p in (FEEDS / folder).rglob("*")
        if p.is_file() and not p.name.startswith("LICENSE")
    )


def parse_any(rel: str, content: bytes, content_type: str | None) -> tuple[str, int]:
    """(what it is, how many items) — raises ``UnreadableInput`` for a bad feed."""
    url = f"http://127.0.0.1/feeds/{rel}"
    if sniff_kind(content, (content_type or "").split(";")[0]) == "sitemap":
        sm = parse_sitemap(content, url=url)
        return f"sitemap-{sm.kind}", len(sm.items) + len(sm.sitemaps)
    feed = parse_feed(content, url=url, content_type=content_type)
    return feed.format, len(feed.items)


def test_the_corpus_is_all_there() -> None:
    counts = {folder: len(_files(folder)) for folder in ("wellformed", "illformed", "encoding", "other")}
    assert counts == {"wellformed": 274, "illformed": 19, "encoding": 107, "other": 10}
    assert set(HINTS) == {f for folder in ("wellformed", "illformed", "encoding") for f in _files(folder)}


@pytest.mark.parametrize("folder", ["wellformed", "other"])
def test_wellformed_and_other_files_all_parse(folder: str) -> None:
    with_entries = 0
    for rel in _files(folder):
        kind, n = parse_any(rel, (FEEDS / rel).read_bytes(), HINTS.get(rel))  # raising fails the test
        assert kind != "unknown" or "cdf" in rel, rel  # feedparser names no version for CDF
        with_entries += n > 0
    # feedparser's suite has feed-level cases without items (titles, dates...); the rest have entries.
    files = len(_files(folder))
    assert with_entries >= (0.6 * files if folder == "wellformed" else files)


@pytest.mark.parametrize("folder", ["illformed", "encoding"])
def test_illformed_and_encoding_files_give_entries_or_a_reason(folder: str) -> None:
    outcomes: dict[str, int] = {"entries": 0, "empty": 0, "bad_feed": 0}
    for rel in _files(folder):
        try:
            _, n = parse_any(rel, (FEEDS / rel).read_bytes(), HINTS.get(rel))
        except UnreadableInput as exc:  # any other exception is a crash and fails the test
            assert exc.outcome == "bad_feed" and exc.reason, rel
            outcomes["bad_feed"] += 1
            continue
        outcomes["entries" if n else "empty"] += 1
    assert outcomes["entries"] > 0 and sum(outcomes.values()) == len(_files(folder))


def test_http_charset_overrides_the_xml_declaration() -> None:
    rel = "encoding/http_text_xml_charset_overrides_encoding_2.xml"
    content = (FEEDS / rel).read_bytes()
    feed = parse_feed(content, url="http://127.0.0.1/x", content_type=HINTS[rel])
    assert feed.items[0].summary == "This is a \xa3\u201ctest.\u201d"


@pytest.mark.parametrize(
    ("rel", "title_part"),
    [
        ("encoding/big5.xml", None),
        ("encoding/euc-kr-item.xml", None),
        ("encoding/utf-16le-autodetect.xml", None),
        ("encoding/utf-32be-bom.xml", None),
        ("other/jsonfeed_npr_technology_trafilatura.json", "Keller Rinaudo"),
    ],
)
def test_encodings_and_json_feed(rel: str, title_part: str | None) -> None:
    feed = parse_feed((FEEDS / rel).read_bytes(), url="http://127.0.0.1/x", content_type=HINTS.get(rel))
    if title_part:
        assert feed.format == "json1" and len(feed.items) == 25
        assert title_part in feed.items[0].title and feed.items[0].url.startswith("https://www.npr.org/")
    else:
        assert feed.format.startswith("rss")


def test_item_links_resolve_against_xml_base_and_the_feed_url() -> None:
    from newswatch.sources.web import resolve_link

    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://127.0.0.1/news/">'
        b"<title>t</title><entry><title>a</title><link href='2026/a.html'/></entry>"
        b"<entry><title>b</title><link href='/top.html'/></entry></feed>"
    )
    feed = parse_feed(atom, url="http://127.0.0.1/feeds/atom.xml", content_type="application/atom+xml")
    assert [i.url for i in feed.items] == ["http://127.0.0.1/news/2026/a.html", "http://127.0.0.1/top.html"]
    rss = (
        b"<rss version='2.0'><channel><title>t</title>"
        b"<item><title>x</title><link>x.html</link></item></channel></rss>"
    )
    item = parse_feed(rss, url="http://127.0.0.1/feeds/r.xml", content_type="application/rss+xml").items[0]
    assert resolve_link(item.url, "http://127.0.0.1/feeds/r.xml") == "http://127.0.0.1/feeds/x.html"
    assert resolve_link("javascript:alert(1)", "http://127.0.0.1/") is None
    assert resolve_link("mailto:a@b", "http://127.0.0.1/") is None


def test_sitemaps_of_the_corpus() -> None:
    plain = parse_sitemap((FEEDS / "other/trafilatura_sitemap.xml").read_bytes(), url="http://x/s.xml")
    gz = parse_sitemap((FEEDS / "other/trafilatura_sitemap.xml.gz").read_bytes(), url="http://x/s.xml.gz")
    assert plain.kind == "urlset" and len(plain.items) > 0
    assert [i.url for i in gz.items] == [i.url for i in plain.items]
    news = parse_sitemap((FEEDS / "other/news_sitemap_nytimes_advertools.xml").read_bytes(), url="http://x/n")
    assert len(news.items) == 6 and all(i.title and i.published_at for i in news.items)
    index = parse_sitemap((FEEDS / "other/trafilatura_sitemap2.xml").read_bytes(), url="http://x/i")
    assert index.kind == "index" and index.sitemaps and all(u.startswith("http") for u in index.sitemaps)


@pytest.mark.parametrize("folder", ["wellformed", "illformed", "encoding", "other"])
def test_the_corpus_over_http(site: Any, fast_fetch: dict[str, Any], folder: str) -> None:
    """The same files as the server sends them (Content-Type from the manifest): same results."""
    with Fetcher(FetchSettings(**fast_fetch)) as f:
        for rel in _files(folder):
            resp = f.get(site.url(f"/feeds/{rel}"))
            assert resp.content == (FEEDS / rel).read_bytes()
            if rel in HINTS:
                assert resp.headers.get("content-type") == HINTS[rel]
            try:
                direct: Any = parse_any(rel, (FEEDS / rel).read_bytes(), resp.headers.get("content-type"))
            except UnreadableInput as exc:
                direct = exc.reason
            try:
                served: Any = parse_any(rel, resp.content, resp.headers.get("content-type"))
            except UnreadableInput as exc:
                served = exc.reason
            assert served == direct, rel
