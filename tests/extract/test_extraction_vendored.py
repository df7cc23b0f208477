"""The vendored fast steps are used only with the trafilatura release they mirror; on any other
the pipeline runs trafilatura's own functions and gives the same articles."""

from __future__ import annotations

import gzip
import importlib
import importlib.metadata
import logging

import pytest
from extraction_support import FIXTURES
from lxml.html import InputElement

from newswatch.errors import ExtractionError
from newswatch.extract import vendored
from newswatch.extract.html import extract_page

PAGES = sorted(FIXTURES.glob("*.html.gz"))


def _extract_all() -> list[object]:
    out: list[object] = []
    for page in PAGES:
        html = gzip.decompress(page.read_bytes()).decode("utf-8")
        try:
            out.append(extract_page(html, url=f"https://pages.example.org/{page.name}"))
        except ExtractionError as exc:
            out.append((exc.outcome, str(exc)))
    return out


def test_the_installed_release_is_the_one_the_fast_steps_mirror() -> None:
    # pyproject.toml pins it; were they apart, every other test here would test the fallback only.
    assert vendored.INSTALLED == vendored.VENDORED_FOR and vendored.FAST


def test_the_fallback_gives_the_same_article_for_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _extract_all()
    monkeypatch.setattr(vendored, "FAST", False)
    assert _extract_all() == fast


def test_another_trafilatura_release_turns_the_fast_steps_off_at_import(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = importlib.metadata.version

    def other(name: str) -> str:
        return "2.4.0" if name == "trafilatura" else real(name)

    monkeypatch.setattr(importlib.metadata, "version", other)
    try:
        with caplog.at_level(logging.WARNING, logger="newswatch.extract"):
            importlib.reload(vendored)
        assert vendored.INSTALLED == "2.4.0" and not vendored.FAST
        assert [r.getMessage() for r in caplog.records if "2.4.0" in r.getMessage()] == [
            "trafilatura 2.4.0 is installed, the fast extraction steps mirror 2.3.1: using trafilatura's"
            " own load_html, bare_extraction and extract_author (same results, slower)"
        ]
        # trafilatura's own loader: lxml's form subclasses, which the fast parser does not make
        tree = vendored.load_html("<html><body><form><input name='q'></form></body></html>")
        assert tree is not None and isinstance(tree.find(".//input"), InputElement)
    finally:
        monkeypatch.undo()
        importlib.reload(vendored)
    assert vendored.FAST
    tree = vendored.load_html("<html><body><form><input name='q'></form></body></html>")
    assert tree is not None and not isinstance(tree.find(".//input"), InputElement)
