"""The analyst's commands (search, report, export, runs) and the CLI's habits: --version, formats
everywhere, tables that fit, plurals, failed inputs named, options that do not silently drop input."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from pathlib import Path

import pytest
from analyst import build, shared
from typer.testing import CliRunner

from newswatch.cli import _print_summary, app
from newswatch.cli_output import column_widths, fit_columns, plural

runner = CliRunner()


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared(tmp_path_factory)


def invoke(*args: str, width: int = 100) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": str(width)})
    return result.exit_code, result.output


def test_version() -> None:
    code, out = invoke("--version")
    assert code == 0 and out.startswith("newswatch ") and out.strip().split()[1][0].isdigit()


def test_search_in_three_formats(config: Path) -> None:
    code, out = invoke("search", "Taliban terror", "--format", "json", "--config", str(config))
    assert code == 0, out
    (hit,) = json.loads(out)
    assert hit["articles"] == 2 and hit["copies"] == 1 and "**" in hit["snippet"]
    code, out = invoke("search", "Taliban terror", "--format", "csv", "--config", str(config))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["story_id"] == hit["story_id"]
    code, out = invoke("search", "monsoon", "--source", "Farm Weekly", "--config", str(config))
    assert code == 0 and "Monsoon" in out and "1 story" in out
    code, out = invoke("search", "nothingmatchesthis", "--config", str(config))
    assert code == 0 and "0 stories" in out
    code, out = invoke("search", "x", "--since", "yesterday", "--config", str(config))
    assert code == 2 and "YYYY-MM-DD" in out


def test_report_lists_and_runs_with_parameters(config: Path) -> None:
    code, out = invoke("report", "--format", "json")
    assert code == 0
    listed = {r["report"]: r for r in json.loads(out)}
    assert "top_stories" in listed and "day=today" in listed["top_stories"]["parameters"]
    code, out = invoke("report", "source_health", "--format", "json", "--config", str(config))
    assert code == 0 and json.loads(out)[0]["failures"] == 1
    trend = ["report", "topic_trend", "-p", "days=2", "-p", "end=2026-11-20", "-f", "csv", "-c", str(config)]
    code, out = invoke(*trend)
    assert code == 0 and out.splitlines()[0] == "day,topic,label,stories,articles"
    code, out = invoke("report", "nope", "--config", str(config))
    assert code == 2 and "no report 'nope'" in out
    code, out = invoke("report", "top_stories", "--param", "limit=ten", "--config", str(config))
    assert code == 2 and "expected integer" in out


def test_export_command(config: Path, tmp_path: Path) -> None:
    code, out = invoke("export", "-o", str(tmp_path / "e"), "-f", "csv", "-t", "stories", "-c", str(config))
    assert code == 0, out
    assert [p.name for p in (tmp_path / "e").iterdir()] == ["stories.csv"]
    code, out = invoke("export", "--out", str(tmp_path / "e"), "--config", str(config))
    assert code == 2 and "not an empty folder" in out
    code, out = invoke("export", "--out", str(tmp_path / "f"), "--format", "xlsx", "--config", str(config))
    assert code == 2


def test_runs_lists_the_runs(config: Path) -> None:
    code, out = invoke("runs", "--format", "json", "--config", str(config))
    assert code == 0
    (run,) = json.loads(out)
    assert run["status"] == "completed" and run["failures"] == 1


@pytest.mark.parametrize("width", [80, 120])
def test_sources_fits_the_terminal_and_agrees_with_source_health(config: Path, width: int) -> None:
    code, out = invoke("sources", "--config", str(config), width=width)
    assert code == 0, out
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines), out
    header = next(line for line in lines if "name" in line)
    for name in ("name", "kind", "articles", "failures", "last success"):
        assert f" {name} " in header, (name, header)
    code, out = invoke("sources", "--format", "json", "--config", str(config))
    (src,) = json.loads(out)
    assert src["failures"] == 1 and "binary" in src["last error"] and src["in a row"] is None


def test_sql_tables_never_cut_a_header(config: Path) -> None:
    query = "select article_id, source, origin, url, title, first_seen_at, published_at from articles"
    code, out = invoke("sql", query, "--config", str(config), width=80)
    assert code == 0
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "left out to fit 80 columns" in out
    assert "…" not in out.splitlines()[1]  # the header row


def test_fitting_helpers() -> None:
    assert fit_columns(["a" * 30, "b" * 30, "c" * 30], 80) == ["a" * 30, "b" * 30]
    assert fit_columns(["a" * 100], 80) == ["a" * 100]  # the first column always stays
    widths = column_widths(["id", "text"], [["x1", "word " * 40]], 40)
    assert widths[0] == 2 and sum(widths) + 3 * 2 + 1 <= 40


def test_story_rejects_csv_and_tag_rejects_two_texts(config: Path, tmp_path: Path) -> None:
    code, out = invoke("story", "s_x", "--format", "csv", "--config", str(config))
    assert code == 2 and "csv" in out
    text = tmp_path / "a.txt"
    text.write_text("Ishaq Dar met Wang Yi.", encoding="utf-8")
    code, out = invoke("tag", "Headline", "--body", "other text", "--file", str(text))
    assert code == 2 and "not both" in out


def test_plurals() -> None:
    assert plural(1, "failed input") == "1 failed input"
    assert plural(2, "failed input") == "2 failed inputs"
    assert plural(0, "copy", "copies") == "0 copies" and plural(1, "copy", "copies") == "1 copy"


def test_the_summary_names_failed_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nwtest import run_plain

    config = build(tmp_path)
    stats = run_plain(config)  # a second run: the broken file fails again
    summary = asdict(stats) | {"warehouse": str(tmp_path / "nw.duckdb"), "stories": 2}
    _print_summary(summary)
    out = capsys.readouterr().out
    assert "1 failed input\n" in out
    assert "failed: file://" in out and "broken.txt: binary" in out
    # more failures than are shown: the rest are pointed to
    (tmp_path / "inputs" / "broken2.txt").write_bytes(b"\x00" * 10)
    for i in range(6):
        (tmp_path / "inputs" / f"empty{i}.txt").write_text("", encoding="utf-8")
    stats = run_plain(config)
    _print_summary(asdict(stats) | {"warehouse": str(tmp_path / "nw.duckdb"), "stories": 2})
    out = capsys.readouterr().out
    assert f"{stats.failed} failed inputs" in out and out.count("  failed: ") == 5
    assert f"... {stats.failed - 5} more failed inputs: see fetches" in out
