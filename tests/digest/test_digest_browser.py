"""The HTML digest of the seeds plus a few hundred fixture articles, in a real headless browser at a
phone's width: it renders, stories and summaries are visible, the console is clean, nothing is wider
than the screen. Screenshots are kept under tests/artifacts/ (path printed)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser import chromium, inspect_page
from typer.testing import CliRunner

from newswatch.cli import app

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
runner = CliRunner()


def _need_chromium() -> None:
    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")


@pytest.mark.slow
def test_html_digest_reads_well_on_a_phone(corpus_config: Path, tmp_path: Path) -> None:
    _need_chromium()
    today = datetime.now(UTC).date().isoformat()
    page = tmp_path / "digest.html"
    result = runner.invoke(
        app,
        ["digest", "--date", today, "--format", "html", "--out", str(page), "--config", str(corpus_config)],
    )
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b", html)  # self-contained, nothing to fetch
    shot = ARTIFACTS / "digest-390.png"
    report = inspect_page(page, shot)
    print(f"screenshot: {shot}")
    facts = report.facts
    assert report.errors == []
    assert facts["scrollWidth"] <= 390, facts["wide"]
    assert facts["cards"] >= 50 and facts["visibleCards"] == facts["cards"]
    assert facts["headlines"] == facts["cards"]
    assert facts["summaries"] >= 5  # full-text stories have a summary; headline-only ones cannot
    assert facts["svg"] == 1
    assert all(h.startswith(("http://", "https://", "#")) for h in facts["links"])
    assert any(h == "https://news.example/cpec-rail" for h in facts["links"])  # front-matter URL
    assert shot.stat().st_size > 10_000
