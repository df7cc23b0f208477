"""The in-place precision pass gives exactly ``trafilatura.bare_extraction``'s text for the same
configuration, on every real page (and stops matching, here, if an upgrade changes trafilatura's
steps); the guarded copies of trafilatura's XPath lists select exactly what its own select, and
trafilatura's own lists are left as they are."""

from __future__ import annotations

import gzip
import importlib.util
from copy import deepcopy
from types import ModuleType

import pytest
from extraction_support import FIXTURES
from lxml.etree import XPath

from newswatch.extract import vendored
from newswatch.extract.html import drop_non_content, load_html
from newswatch.extract.vendored import guarded, guarded_xpaths

PAGES = sorted(FIXTURES.glob("*.html.gz"))


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
        expected = vendored.reference_precision_text(deepcopy(tree), url)
        assert vendored.fast_precision_text(tree, url) == expected, page.name
        short += len(expected) < 600
    assert short < len(PAGES) // 4  # most pages end with this pass


def _pristine_xpaths() -> ModuleType:
    """A second copy of ``trafilatura.xpaths``, loaded from its file: the lists as trafilatura wrote them."""
    import trafilatura.xpaths

    spec = importlib.util.spec_from_file_location("pristine_xpaths", trafilatura.xpaths.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lists(module: ModuleType) -> dict[str, list[XPath]]:
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, list) and any(isinstance(e, XPath) for e in value)
    }


def test_guarded_copies_select_what_trafilaturas_lists_select() -> None:
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning
    from trafilatura.settings import DEFAULT_CONFIG, Extractor

    pairs = [
        (name, original, now)
        for name, value in _lists(_pristine_xpaths()).items()
        for original, now in zip(value, guarded_xpaths(name), strict=True)
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


def test_the_pass_leaves_trafilaturas_own_lists_as_they_are() -> None:
    import trafilatura.xpaths as installed

    page = PAGES[0]
    tree = load_html(gzip.decompress(page.read_bytes()).decode("utf-8"))
    assert tree is not None
    vendored.fast_precision_text(tree, None)
    assert any(guarded_xpaths(name) for name in vendored.PRUNING_LISTS)
    pristine = _lists(_pristine_xpaths())
    for name, value in _lists(installed).items():
        assert [e.path for e in value] == [e.path for e in pristine[name]], name


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
