"""The in-place precision pass gives exactly ``trafilatura.bare_extraction``'s text for the same
configuration, on every real page (and stops matching, here, if an upgrade changes trafilatura's
steps); the guarded XPath expressions select exactly what trafilatura's own select."""

from __future__ import annotations

import gzip
import importlib.util
from copy import deepcopy
from types import ModuleType

import pytest
from extraction_support import FIXTURES
from lxml.etree import XPath
from trafilatura import bare_extraction

from newswatch.extract.html import drop_non_content, load_html
from newswatch.extract.trafpass import guard_regex_tests, guarded, precision_text

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


def _pristine_xpaths() -> ModuleType:
    """A second, unpatched copy of ``trafilatura.xpaths``: the expressions as trafilatura wrote them."""
    import trafilatura.xpaths

    spec = importlib.util.spec_from_file_location("pristine_xpaths", trafilatura.xpaths.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_guarded_expressions_select_what_trafilaturas_select() -> None:
    import trafilatura.xpaths as installed
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning
    from trafilatura.settings import DEFAULT_CONFIG, Extractor

    guard_regex_tests()
    pristine = _pristine_xpaths()
    pairs = [
        (name, original, now)
        for name, value in vars(pristine).items()
        if isinstance(value, list)
        for original, now in zip(value, getattr(installed, name), strict=True)
        if isinstance(original, XPath)
    ]
    assert sum(original.path != now.path for _, original, now in pairs) >= 15  # the guards are in
    options = Extractor(config=DEFAULT_CONFIG, output_format="python", precision=True, tables=True)
    for page in PAGES:
        raw = load_html(gzip.decompress(page.read_bytes()).decode("utf-8"))
        assert raw is not None
        converted = convert_tags(tree_cleaning(deepcopy(raw), options), options)  # <list>, <item>, <ref>
        for tree in (raw, converted):
            for name, original, now in pairs:
                assert now(tree) == original(tree), f"{page.name}: {name}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("re:test(@id, '^ad-')", "((@id) and re:test(@id, '^ad-'))"),
        ("re:test(@id|@class, 'hidden')", "((@id|@class) and re:test(@id|@class, 'hidden'))"),
        ("re:test(@class, 'fulltext', 'i')", "((@class) and re:test(@class, 'fulltext', 'i'))"),
        ("re:test(@class, 'a|')", "re:test(@class, 'a|')"),  # matches "": an element without it passes
        ("re:test(@class, '^x?$')", "re:test(@class, '^x?$')"),
    ],
)
def test_guarded_leaves_tests_that_match_an_empty_string(source: str, expected: str) -> None:
    assert guarded(source) == expected
    assert guarded(expected) == expected  # once is enough
