"""Feed discovery, kind sniffing, and the ``newswatch sources`` commands against the server."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.sources.discover import discover_feeds, guess_kind, sniff_kind

runner = CliRunner()


def test_discover_feeds_reads_alternate_links_against_base() -> None:
    html = (
        '<html><head><base href="https://example.org/news/">'
        '<link rel="alternate" type="application/rss+xml" title="World" href="world.xml">'
        "<link rel='alternate feed' type='application/atom+xml' href='/atom.xml'>"
        '<link rel="alternate" hreflang="fr" href="/fr/">'
        '<link rel="alternate" type="application/rss+xml" href="javascript:x()">'
        '<link rel="stylesheet" type="text/css" href="/s.css"></head></html>'
    )
    feeds = discover_feeds(html, base_url="https://example.org/")
    assert [(f.url, f.type, f.title) for f in feeds] == [
        ("https://example.org/news/world.xml", "rss", "World"),
        ("https://example.org/atom.xml", "atom", ""),
    ]


@pytest.mark.parametrize(
    ("content", "media", "kind"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "text/html", "feed"),
        (b"<!-- c --><feed xmlns='http://www.w3.org/2005/Atom'/>", "", "feed"),
        (b"<rdf:RDF xmlns:rdf='x'/>", "application/xml", "feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "application/json", "feed"),
        (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'/>", "text/xml", "sitemap"),
        (b"\x1f\x8b\x08\x00", "application/gzip", "sitemap"),
        (b"<!doctype html><html><body>hi</body></html>", "text/html", "page"),
        ("<rss version='2.0'/>".encode("utf-16-le"), "", "feed"),
    ],
)
def test_sniff_kind(content: bytes, media: str, kind: str) -> None:
    assert sniff_kind(content, media) == kind


def test_guess_kind_from_url() -> None:
    assert guess_kind("https://x.org/sitemap_news.xml") == "sitemap"
    assert guess_kind("https://x.org/feeds/world.rss") == "feed"
    assert guess_kind("https://x.org/2026/01/05/story.html") == "page"


def _config(make_config: Any, site: Any, sources: list[dict[str, Any]] | None = None) -> str:
    return str(make_config(sources or []))


def test_sources_discover_lists_the_homepage_feeds(site: Any, make_config: Any) -> None:
    result = runner.invoke(
        app,
        ["sources", "discover", site.url("/"), "--config", _config(make_config, site)],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    assert site.url("/news.rss") in result.output and "rss" in result.output
    assert site.url("/feeds/other/feedparser_json_example.json") in result.output


def test_sources_discover_on_a_feed_says_so(site: Any, make_config: Any) -> None:
    result = runner.invoke(
        app, ["sources", "discover", site.url("/news.rss"), "--config", _config(make_config, site)]
    )
    assert result.exit_code == 0 and "is itself a feed" in result.output


def test_sources_discover_reports_a_fetch_failure(site: Any, make_config: Any) -> None:
    result = runner.invoke(
        app, ["sources", "discover", site.url("/fault/gone"), "--config", _config(make_config, site)]
    )
    assert result.exit_code == 2 and "404" in result.output


def test_sources_lists_health_after_a_run(site: Any, make_config: Any, run_web: Any) -> None:
    config = make_config(
        [
            {"name": "news-rss", "kind": "feed", "url": site.url("/news.rss"), "fetch_pages": False},
            {"name": "broken", "kind": "feed", "url": site.url("/fault/500")},
        ],
        max_retries=0,
    )
    run_web(config)
    result = runner.invoke(app, ["sources", "--config", str(config)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 3}
    assert "5/5" in lines["news-rss"] and "never" not in lines["news-rss"]
    assert "server_error: HTTP 500" in lines["broken"] and "never" in lines["broken"]


def test_a_homepage_configured_as_a_feed_names_its_feeds(site: Any, make_config: Any, run_web: Any) -> None:
    import duckdb

    config = make_config([{"name": "home", "kind": "feed", "url": site.url("/fault/html-feed")}])
    result = run_web(config)
    conn = duckdb.connect(str(result["db"]), read_only=True)
    try:
        row = conn.execute("SELECT outcome, error FROM fetches WHERE source = 'home'").fetchone()
    finally:
        conn.close()
    assert row is not None and row[0] == "bad_feed"
    assert "not a feed" in row[1] and site.url("/news.rss") in row[1]
