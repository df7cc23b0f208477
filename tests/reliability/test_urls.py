"""Canonical article URLs: what identifies a page is kept, what only tracks a click is not."""

from __future__ import annotations

import hashlib

import pytest
from nwtest import SEED_000, SEED_003

from newswatch.records import article_id_for
from newswatch.urls import article_identity, canonical_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://News.Example.COM/a/page.html", "https://news.example.com/a/page.html"),
        ("https://news.example.com./a/page.html", "https://news.example.com/a/page.html"),
        ("https://news.example.com:443/a/page.html", "https://news.example.com/a/page.html"),
        ("http://news.example.com:80/a", "http://news.example.com/a"),
        ("http://news.example.com:8080/a", "http://news.example.com:8080/a"),
        ("https://news.example.com/a/page.html#comments", "https://news.example.com/a/page.html"),
        (
            "https://news.example.com/a/page.html?utm_source=rss&utm_medium=feed&utm_campaign=x",
            "https://news.example.com/a/page.html",
        ),
        ("https://news.example.com/a?id=7&fbclid=abc&gclid=1", "https://news.example.com/a?id=7"),
        (
            "https://news.example.com/article.php?id=12&page=2",
            "https://news.example.com/article.php?id=12&page=2",
        ),
        ("https://news.example.com/a?ref=home&source=x", "https://news.example.com/a?ref=home&source=x"),
        ("https://news.example.com", "https://news.example.com/"),
        ("https://news.example.com/a//b", "https://news.example.com/a/b"),
        ("file:///home/me/seeds/000.txt", "file:///home/me/seeds/000.txt"),
        ("eval:3", "eval:3"),
    ],
)
def test_canonical_forms(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical


def test_tracking_variants_are_one_article() -> None:
    plain = "https://news.example.com/a/page.html"
    assert article_id_for(plain + "?utm_source=x&utm_medium=feed") == article_id_for(plain)
    assert article_id_for(plain + "#top") == article_id_for(plain)
    assert article_id_for("https://NEWS.example.com:443/a/page.html") == article_id_for(plain)
    assert article_id_for(plain + "?id=2") != article_id_for(plain)


def test_amp_and_mobile_only_when_the_page_says_so() -> None:
    main = "https://news.example.com/2026/06/budget"
    assert article_identity("https://news.example.com/2026/06/budget/amp", main) == main
    assert article_identity("https://m.news.example.com/2026/06/budget", main) == main
    assert article_identity("https://news.example.com/2026/06/budget/amp") == (
        "https://news.example.com/2026/06/budget/amp"
    )  # no canonical link: no guess
    # A canonical link to another page (a section, the home page) does not change identity.
    assert article_identity(main, "https://news.example.com/") == main
    assert article_identity(main, "https://other.example.org/2026/06/budget") == main


def test_file_ids_do_not_change() -> None:
    """Local files keep the id their URL always gave (the seeds' ids in existing warehouses)."""
    for seed in (SEED_000, SEED_003):
        url = seed.resolve().as_uri()
        expected = "a_" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        assert article_id_for(url) == expected


def test_an_already_canonical_web_url_keeps_its_id() -> None:
    url = "https://news.example.com/world/2026/06/01/budget-vote.html"
    assert article_id_for(url) == "a_" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
