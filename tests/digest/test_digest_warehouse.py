"""Hostile records through the whole pipeline into both digest formats (issue: digest injection),
and a files article's front-matter URL as its link."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date
from pathlib import Path

from conftest import HOSTILE
from nwtest import SEEDS, run_plain, write_config
from typer.testing import CliRunner

from newswatch.cli import app

runner = CliRunner()


def test_hostile_records_stay_text_in_both_formats(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    (folder / "front.md").write_text(
        "---\nurl: https://news.example/cpec-rail\nsource: Example News\n---\n"
        "Rail talks open\n\nPakistan and China began talks on the ML-1 railway upgrade on Monday.\n",
        encoding="utf-8",
    )
    with (folder / "hostile.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["url", "title", "source", "body"])
        writer.writeheader()
        writer.writerows(HOSTILE)
    config = write_config(tmp_path, f'[[sources]]\nname = "in"\nkind = "files"\npath = "{folder}"\n')
    stats = run_plain(config)
    assert stats.new == 2 + 1 + len(HOSTILE), stats
    today = date.today().isoformat()
    md = runner.invoke(app, ["digest", "--date", today, "--config", str(config)]).output
    html = runner.invoke(app, ["digest", "--date", today, "-f", "html", "--config", str(config)]).output
    for text in (md, html):
        assert "Newline URL breaks out of the link" in text
        assert "file://" not in text
        # Ingestion may turn the newline URL into one URL (newlines dropped); then it is one
        # percent-encoded token, never markup or a second link.
        for link in re.findall(r"https://evil\.example[^\s\"]*", text):
            assert not re.search(r"[<>()\[\]\s]", link.rstrip(">)")), link
        assert "javascript:alert(2)" not in text and "](javascript" not in text
        assert "\u202e" not in text and "\u2066" not in text and "\x07" not in text
        assert "Long Long" in text and "Long " * 100 not in text
        assert "https://news.example/cpec-rail" in text  # the front matter's URL, not the file
        assert "https://rtl.example/x" in text
    assert not re.search(r"(?<!\\)<(img|b)\b", md)
    assert not any(line.lstrip().startswith(("<", "[x]")) for line in md.splitlines())
    assert "<img" not in html and "<b>you</b>" not in html and "&lt;b&gt;you&lt;/b&gt;" in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("https://", "http://", "#")) for h in hrefs)
