"""The in-place precision pass gives exactly ``trafilatura.bare_extraction``'s text for the same
configuration, on every real page (and stops matching, here, if an upgrade changes trafilatura's
steps)."""

from __future__ import annotations

import gzip
from copy import deepcopy

import pytest
from extraction_support import FIXTURES
from trafilatura import bare_extraction

from sources.html import drop_non_content, load_html
from sources.trafpass import precision_text

PAGES = sorted(FIXTURES.glob("*.html.gz"))


def _reference(tree: object, url: str) -> str:
    doc = bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        favor_recall=False,
        fast=True,
    )
    return str(doc.text or "") if doc is not None else ""


def test_the_fixture_pages_are_there() -> None:
    assert len(PAGES) == 85


@pytest.mark.parametrize("dropped", [False, True], ids=["raw", "dropped"])
def test_same_text_as_bare_extraction_on_every_page(dropped: bool) -> None:
    short = 0
    for page in PAGES:
        url = f"https://pages.example.org/{page.name}"
        tree = load_html(gzip.decompress(page.read_bytes()).decode("utf-8"))
        assert tree is not None
        if dropped:
            drop_non_content(tree)
        expected = _reference(deepcopy(tree), url)
        assert precision_text(tree, url) == expected, page.name
        short += len(expected) < 600
    assert short < len(PAGES) // 4  # most pages end with this pass
