"""The fallbacks for pages whose markup hides the text or the date."""

from __future__ import annotations

from datetime import date

from newswatch.extract.document import extract_document
from newswatch.records import Document

PARAS = "".join(
    f"<p>Paragraph {i}: the harbour authority said the new berth would open next spring, "
    f"and shipping lines have already booked slots for the first months of operation.</p>"
    for i in range(8)
)


def doc(html: str, url: str) -> Document:
    return Document("test", url, html.encode(), "text/html", None)


def test_json_ld_article_body_stands_in_for_a_caption(news_page: object) -> None:
    # The page's markup only holds a photo caption; the whole text is in JSON-LD articleBody.
    url, html = news_page("scmp.com.playbook.html")  # type: ignore[operator]
    ex = extract_document(doc(html, url))
    assert ex.provenance["body"] == "json-ld"
    assert "using political shrewdness" in ex.body
    assert ex.published_at is not None and ex.published_at.date() == date(2020, 1, 20)


def test_markup_text_wins_over_article_body() -> None:
    html = f"""<html><head><title>Berth</title><script type="application/ld+json">
    {{"@type": "NewsArticle", "headline": "Berth", "datePublished": "2024-05-01T10:00:00Z",
      "articleBody": "A different summary of the story."}}</script></head>
    <body><article><h1>Berth</h1>{PARAS}</article></body></html>"""
    ex = extract_document(doc(html, "https://news.example.org/berth"))
    assert ex.provenance["body"].startswith("trafilatura")
    assert "harbour authority" in ex.body


def test_a_date_only_in_the_text_is_found_by_the_extensive_search() -> None:
    html = f"""<html><head><title>Berth opens</title></head><body><article><h1>Berth opens</h1>
    <p>Last updated on 14 March 2023</p>{PARAS}</article></body></html>"""
    url = "https://news.example.org/harbour/berth-opens"  # no date in the URL either
    ex = extract_document(doc(html, url))
    assert ex.published_at is not None and ex.published_at.date() == date(2023, 3, 14)
    assert ex.provenance["published_at"].startswith("htmldate")
