"""Pages of every kind and every state: articles, redirects, listings, feeds, paywalls, bad bytes.

Each input ends as an article or as an ``ExtractionError``/``UnreadableInput`` with its outcome;
nothing crashes and nothing hangs (a per-test timeout guards the big pages).
"""

from __future__ import annotations

import gzip
from datetime import UTC, timedelta

import pytest
from extraction_support import FIXTURES

from newswatch.clean import clean
from newswatch.driver.stages import extract
from newswatch.errors import SourceError
from newswatch.extract.authors import clean_authors
from newswatch.extract.document import extract_document
from newswatch.extract.html import RedirectPage
from newswatch.records import Document, Fetch


def doc(content: bytes, url: str = "https://news.example.org/2024/05/01/story", **kw: object) -> Document:
    return Document(
        source="test",
        url=url,
        content=content,
        media_type="text/html",
        fetch=Fetch(url=url, source="test"),
        **kw,  # type: ignore[arg-type]
    )


def outcome_of(document: Document) -> str:
    try:
        extract_document(document)
    except SourceError as exc:
        return exc.outcome
    return "article"


# --- metadata -------------------------------------------------------------------------------


def test_published_and_modified_are_apart_timezone_aware_and_traced(news_page: object) -> None:
    url, html = news_page("rutgers.edu.robot.html")  # type: ignore[operator]
    ex = extract_document(doc(html.encode(), url))
    assert ex.published_at is not None and ex.modified_at is not None
    assert ex.published_at.utcoffset() == timedelta(hours=-5)  # the page's own offset is kept
    assert ex.published_at.date().isoformat() == "2020-02-05"
    assert ex.modified_at > ex.published_at
    assert ex.provenance["published_at"] == "json-ld"
    assert ex.provenance["modified_at"] == "json-ld"
    article = clean(ex, source="test", url=url)
    assert article.published_at is not None and article.published_at.tzinfo == UTC


def test_language_comes_from_the_text_not_html_lang(news_page: object) -> None:
    _, html = news_page("100noticias.com-millones.html")  # type: ignore[operator]
    assert '<html lang="en' in html[:3000]  # the page claims English
    ex = extract_document(doc(html.encode(), "https://100noticias.com.ni/economia/115005-deuda/"))
    assert clean(ex, source="t", url="u").language == "es"


def test_every_field_has_a_provenance(news_page: object) -> None:
    url, html = news_page("theguardian.com.academics.html")  # type: ignore[operator]
    ex = extract_document(doc(html.encode(), url))
    for name in ("title", "body", "published_at", "authors", "site_name", "canonical_url"):
        assert ex.provenance.get(name), name
    assert ex.canonical_url and ex.canonical_url.startswith("https://www.theguardian.com/")
    assert ex.authors == ("Richard Adams",)


@pytest.mark.parametrize(
    ("raw", "site", "expected"),
    [
        (["By JANE DOE and John Smith | Email the author"], None, ("Jane Doe", "John Smith")),
        (["Maria Lopez, 3 hours ago"], None, ("Maria Lopez",)),
        (["https://www.facebook.com/someone", "Staff"], None, ()),
        (["The Daily Planet"], "The Daily Planet", ()),
        (["Ana Ruiz; Ana Ruiz"], None, ("Ana Ruiz",)),
        (["Todd", "AFP"], None, ("AFP",)),
    ],
)
def test_authors_are_cleaned(raw: list[str], site: str | None, expected: tuple[str, ...]) -> None:
    assert clean_authors(raw, site=site) == expected


# --- page kinds -----------------------------------------------------------------------------


def test_meta_refresh_page_reports_its_target() -> None:
    html = (
        b'<html><head><meta http-equiv="refresh" content="0; url=/news/real-story.html">'
        b"</head><body><p>Redirecting...</p></body></html>"
    )
    with pytest.raises(RedirectPage) as info:
        extract_document(doc(html, "https://news.example.org/short/abc"))
    assert info.value.outcome == "redirect"
    assert info.value.target == "https://news.example.org/news/real-story.html"


def test_script_redirect_page_reports_its_target() -> None:
    html = b'<html><head><script>window.location.href = "https://other.example.net/a/1";</script></head><body></body></html>'
    with pytest.raises(RedirectPage) as info:
        extract_document(doc(html))
    assert info.value.target == "https://other.example.net/a/1"


def test_an_article_that_reloads_itself_is_not_a_redirect(news_page: object) -> None:
    url, html = news_page("theguardian.com.academics.html")  # type: ignore[operator]
    html = html.replace("<head>", f'<head><meta http-equiv="refresh" content="300; url={url}">', 1)
    assert outcome_of(doc(html.encode(), url)) == "article"


def test_feed_served_as_html_is_not_an_article() -> None:
    data = (FIXTURES.parent / "web" / "feeds" / "other" / "rss_served_as_html_newspaper4k.html").read_bytes()
    assert outcome_of(doc(data, "https://www.edumock.com/mocktests.html")) == "not_an_article"


def test_home_page_of_links_is_not_an_article() -> None:
    items = "".join(
        f'<li><a href="/2024/05/0{i % 9 + 1}/story-{i}">Headline {i} about the council budget vote</a></li>'
        for i in range(60)
    )
    html = (
        f"<html><head><title>Example News</title></head><body><h1>Example</h1><ul>{items}</ul></body></html>"
    )
    assert outcome_of(doc(html.encode(), "https://news.example.org/")) == "not_an_article"


def test_paywalled_teaser_is_recorded_not_stored() -> None:
    html = b"""<html><head><title>Budget vote delayed</title>
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget vote delayed",
      "datePublished": "2024-05-01T10:00:00+02:00", "isAccessibleForFree": "False"}</script></head>
    <body><article><h1>Budget vote delayed</h1>
    <p>The council postponed its budget vote on Tuesday after a late amendment.</p>
    <p>Subscribe to continue reading this story.</p></article></body></html>"""
    assert outcome_of(doc(html)) == "paywalled"


def test_truncated_but_long_article_is_kept_and_marked(news_page: object) -> None:
    url, html = news_page("haitiantimes.com-family.html")  # type: ignore[operator]
    ex = extract_document(doc(html.encode(), url))
    assert ex.provenance.get("page_kind") == "truncated"
    article = clean(ex, source="t", url=url)
    assert "subscribe to The Haitian Times" not in article.body


# --- bad bytes and bad markup ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "outcome"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (bytes(range(256)) * 40, "binary"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 500, "undecodable"),  # NULs like UTF-16, yet not
        (b"just some words, no markup at all", "not_an_article"),
        (b"<html><head></head><body></body></html>", "no_body"),
        (b"<html><body><div><div><div>", "no_body"),
    ],
)
def test_bad_input_gives_a_recorded_outcome(content: bytes, outcome: str) -> None:
    assert outcome_of(doc(content)) == outcome


@pytest.mark.timeout(60)
def test_truncated_and_unclosed_pages_still_extract(news_page: object) -> None:
    url, html = news_page("reuters.com.parasite.html")  # type: ignore[operator]
    half = html[: len(html) * 2 // 3]  # cut mid-tag, no </body></html>
    assert "</html>" not in half
    ex = extract_document(doc(half.encode(), url))
    assert "Parasite" in ex.title and len(ex.body) > 500


@pytest.mark.timeout(60)
def test_a_3mb_page_finishes(news_page: object) -> None:
    url, html = news_page("theguardian.com.academics.html")  # type: ignore[operator]
    head, _, rest = html.partition("<body")
    filler = "<div><p>" + ("filler text in a very long page " * 20) + "</p><a href='/x'>link</a></div>"
    big = head + "<body" + rest.replace("</body>", filler * (3_000_000 // len(filler)) + "</body>")
    assert len(big) > 3_000_000
    assert outcome_of(doc(big.encode(), url)) in ("article", "not_an_article", "no_body")


def test_a_page_in_another_charset_than_declared_is_read(news_page: object) -> None:
    url, html = news_page("elenacional.com-carta.html")  # type: ignore[operator]
    latin = html.encode("cp1252", errors="replace")  # the page still says charset=utf-8
    ex = extract_document(doc(latin, url))
    assert "recibirá" in ex.title or "recibirá" in ex.body
    # a lying HTTP charset (UTF-16 for UTF-8 bytes) does not produce mojibake either
    ex2 = extract_document(doc(html.encode(), url, charset="utf-16"))
    assert ex2.title == ex.title


def test_stage_records_failures_as_fetch_rows(news_page: object) -> None:
    url, html = news_page("bbc.com.52241221.html")  # type: ignore[operator]
    docs = [
        doc(html.encode(), url),
        doc(b""),
        doc(b"<html><head><meta http-equiv='refresh' content='0;url=/x'>"),
    ]
    out = extract(docs)
    assert [a.url for a in out.articles] == [url]
    assert sorted(f.outcome for f in out.failures) == ["empty", "redirect"]
    assert all(f.error and f.error.startswith("https://news.example.org/") for f in out.failures)


def test_gzip_fixture_sanity() -> None:
    # The gate depends on these files; a broken copy should fail loudly here, not as low scores.
    pages = sorted(FIXTURES.glob("*.html.gz"))
    assert len(pages) == 85
    assert all(gzip.decompress(p.read_bytes()).lstrip()[:1] == b"<" for p in pages)
