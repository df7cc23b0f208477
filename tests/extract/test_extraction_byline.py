"""The fast byline (``vendored.fast_extract_author``) gives trafilatura's extract_author answer on
every real page, and on markup built to hit each of its rules (discarded sections, nested discards,
the fallback)."""

from __future__ import annotations

import gzip

import pytest
from extraction_support import FIXTURES
from lxml.html import document_fromstring

from newswatch.extract.html import parse
from newswatch.extract.vendored import fast_extract_author as extract_author
from newswatch.extract.vendored import reference_extract_author as trafilatura_author

PAGES = sorted(FIXTURES.glob("*.html.gz"))


def test_same_author_as_trafilatura_on_every_real_page() -> None:
    found = 0
    for path in PAGES:
        tree = parse(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"), name=path.name)
        expected = trafilatura_author(tree)
        assert extract_author(tree) == expected, path.name
        found += expected is not None
    assert found >= 40  # the pages do exercise the rules, not only the "no byline" answer


@pytest.mark.parametrize(
    "body",
    [
        '<div class="byline">By <span class="date">1 h</span>Ana Ruiz<time>now</time> and Li Wei</div>',
        '<div class="comments"><span class="author">Commenter</span></div><p class="byl">Jo Doe</p>',
        '<aside class="sidebar"><a rel="author">Side</a></aside><span itemprop="author">Mia Chen</span>',
        '<div class="writer"><figure>x</figure>Ola <div class="print"><i>p</i></div>Nordmann</div>',
        '<span class="author">ab</span><div data-component="Byline">Kim <em>Lee</em></div>',
        '<div class="post-author-name">Eve <div class="quote">q<time>t</time></div>Adams</div>tail',
        "<p>no byline here</p>",
        '<div><rel>me</rel>Sam Poe</div><span class="author">Sam Poe</span>',
    ],
)
def test_same_author_as_trafilatura_on_made_up_markup(body: str) -> None:
    tree = document_fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert extract_author(tree) == trafilatura_author(tree)
