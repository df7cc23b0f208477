"""Pages that are not articles: a two-word page, a site's home page even with article markup, a
truncated feed (kept, recorded ``malformed_feed``)."""

from __future__ import annotations

import pytest

from newswatch.errors import ExtractionError
from newswatch.extract.html import extract_page
from newswatch.sources.feeds import parse_feed

ARTICLE_MARKUP = (
    '<meta property="og:type" content="article">'
    '<meta property="article:published_time" content="2026-06-01T08:00:00Z">'
)
TEXT = " ".join(["The council met on Tuesday to discuss the new budget for the city schools."] * 8)


def page(title: str, body: str, head: str = "") -> str:
    return (
        f"<html><head><title>{title}</title>{head}</head>"
        f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    )


def test_a_two_word_page_is_not_an_article() -> None:
    with pytest.raises(ExtractionError) as err:
        extract_page(page("Coming soon", "Coming soon.", ARTICLE_MARKUP), url="https://news.example/a/1.html")
    assert err.value.outcome == "no_body" and "too short" in err.value.reason


@pytest.mark.parametrize("path", ["", "/", "/index.html", "/index.php", "/home", "/default.aspx"])
def test_a_home_page_is_not_an_article_even_with_article_markup(path: str) -> None:
    with pytest.raises(ExtractionError) as err:
        extract_page(page("News of the day", TEXT, ARTICLE_MARKUP), url=f"https://news.example{path}")
    assert err.value.outcome == "not_an_article"


def test_an_article_page_still_is_one() -> None:
    got = extract_page(
        page("Council budget", TEXT, ARTICLE_MARKUP), url="https://news.example/2026/06/budget.html"
    )
    assert got.title == "Council budget" and "council met" in got.body.lower()


def test_a_truncated_feed_keeps_what_parsed_and_says_it_is_malformed() -> None:
    content = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
        b"<item><title>Whole</title><link>https://news.example/1</link></item><item><title>cut"
    )
    feed = parse_feed(content, url="https://news.example/feed", content_type="application/rss+xml")
    assert [i.url for i in feed.items if i.url] == ["https://news.example/1"]
    assert feed.warning and not feed.benign


def test_a_forbidden_character_reference_does_not_fail_a_sitemap() -> None:
    from newswatch.sources.sitemaps import parse_sitemap

    content = (
        b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        b"<url><loc>https://news.example/1&#xD800;</loc></url><url><loc>https://news.example/2</loc></url>"
        b"</urlset>"
    )
    parsed = parse_sitemap(content, url="https://news.example/sitemap.xml")
    assert [i.url for i in parsed.items] == ["https://news.example/1\ufffd", "https://news.example/2"]
