"""The CLI as a user types it: every command has help and a README entry; sql and digest work."""

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nwtest import ROOT, run_plain, write_config
from typer.testing import CliRunner

from newswatch.cli import app

runner = CliRunner()


def commands() -> list[str]:
    return sorted(c.name or c.callback.__name__ for c in app.registered_commands if c.callback)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_and_a_readme_entry(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert len(result.output) > 100
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"newswatch {name}\b", readme), f"README.md does not document `newswatch {name}`"


@pytest.fixture
def warehouse(tmp_path: Path, seeds_dir: Path) -> Path:
    config = write_config(tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n')
    run_plain(config)
    return config


def test_sql_in_three_formats(warehouse: Path) -> None:
    query = "select title, story_id from articles order by title"
    as_json = runner.invoke(app, ["sql", query, "--format", "json", "--config", str(warehouse)])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.output)
    assert len(rows) == 2 and rows[0]["story_id"] == rows[1]["story_id"]
    as_csv = runner.invoke(app, ["sql", query, "--format", "csv", "--config", str(warehouse)])
    parsed = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert [r["title"] for r in parsed] == [r["title"] for r in rows]
    as_table = runner.invoke(app, ["sql", query, "--config", str(warehouse)])
    assert "2 rows" in as_table.output


def test_sql_is_read_only_and_errors_are_clear(warehouse: Path) -> None:
    result = runner.invoke(app, ["sql", "delete from articles", "--config", str(warehouse)])
    assert result.exit_code == 2
    assert "refused" in result.output and "read-only" in result.output.lower()
    result = runner.invoke(app, ["sql", "select nope from articles", "--config", str(warehouse)])
    assert result.exit_code == 2 and "nope" in result.output


def test_digest_command_to_stdout_and_file(warehouse: Path, tmp_path: Path) -> None:
    today = datetime.now(UTC).date().isoformat()
    result = runner.invoke(app, ["digest", "--date", today, "--format", "md", "--config", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"# newswatch digest — {today}")
    out = tmp_path / "d.html"
    result = runner.invoke(app, ["digest", "--format", "html", "--out", str(out), "--config", str(warehouse)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!doctype html>")
    bad = runner.invoke(app, ["digest", "--date", "22-11-2026", "--config", str(warehouse)])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_missing_warehouse_and_bad_config_are_reported(tmp_path: Path) -> None:
    config = write_config(tmp_path, "")
    result = runner.invoke(app, ["sql", "select 1", "--config", str(config)])
    assert result.exit_code == 2 and "newswatch run" in result.output
    broken = tmp_path / "broken.toml"
    broken.write_text("[[sources]]\nname = 'x'\nkind = 'nope'\n", encoding="utf-8")
    result = runner.invoke(app, ["run", "--config", str(broken)])
    assert result.exit_code == 2 and f"{broken}:3" in result.output


def test_sources_lists_health(warehouse: Path) -> None:
    result = runner.invoke(app, ["sources", "--config", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert "seeds" in result.output and "files" in result.output


def test_serve_builds_the_hourly_ingest_and_the_daily_digest() -> None:
    from newswatch.flows.serve import deployments

    hourly, digest = deployments(config="x.toml", db="w.duckdb", cron="*/15 * * * *")
    assert (hourly.name, digest.name) == ("newswatch-hourly", "newswatch-daily-digest")
    assert hourly.parameters == {"config": "x.toml", "db": "w.duckdb"}
    assert [s.schedule.cron for s in hourly.schedules] == ["*/15 * * * *"]  # type: ignore[union-attr]
    assert [s.schedule.cron for s in digest.schedules] == ["0 7 * * *"]  # type: ignore[union-attr]


def test_ingest_names_its_ad_hoc_sources_after_the_inputs(tmp_path: Path) -> None:
    from newswatch.flows.pipeline import ad_hoc_sources

    (tmp_path / "my clippings").mkdir()
    specs = ad_hoc_sources([str(tmp_path / "my clippings"), str(tmp_path / "my clippings")])
    assert [s.name for s in specs] == ["ingest-my-clippings", "ingest-my-clippings-2"]
    assert all(s.kind == "files" for s in specs)
