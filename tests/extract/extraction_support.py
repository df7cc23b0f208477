"""Shared fixtures for the extraction tests: the real pages under tests/fixtures/news_html."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "news_html"


@pytest.fixture(scope="session")
def news_page() -> object:
    """``news_page("bbc.com.52241221.html")`` -> (url, html) of a real annotated page."""
    annotations = json.loads((FIXTURES / "evaldata.subset.json").read_text(encoding="utf-8"))
    by_file = {a["file"]: url for url, a in annotations.items()}

    def get(name: str) -> tuple[str, str]:
        html = gzip.decompress((FIXTURES / f"{name}.gz").read_bytes()).decode("utf-8")
        return by_file[name], html

    return get
