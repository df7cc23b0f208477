"""What is new since the previous digest of the same warehouse: digests written or sent are recorded
(table ``digests``), and the next one counts new outlets, facts and disagreeing versions from there."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from nwtest import SEED_000, SEEDS, run_plain, write_config
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.warehouse.db import connect
from newswatch.warehouse.digests import last_issued

runner = CliRunner()


def _digest(config: Path, *extra: str) -> str:
    result = runner.invoke(
        app, ["digest", "--date", date.today().isoformat(), "--config", str(config), *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _issued(config: Path) -> list[tuple[str, list[str]]]:
    conn = connect(config.parent / "nw.duckdb", read_only=True)
    try:
        return [
            (r[0], list(r[1]))
            for r in conn.execute("select via, formats from digests order by issued_at").fetchall()
        ]
    finally:
        conn.close()


def test_new_outlets_count_from_the_previous_digest_not_the_start_of_the_day(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, inputs / seed.name)
    config = write_config(tmp_path, f'[[sources]]\nname = "clips"\nkind = "files"\npath = "{inputs}"\n')
    run_plain(config)

    # A preview on the terminal is not issued; a digest written to a file is.
    first_md = tmp_path / "first.md"
    _digest(config)
    assert _issued(config) == []
    _digest(config, "--out", str(first_md))
    assert _issued(config) == [("cli", ["md"])]
    first = first_md.read_text(encoding="utf-8")
    assert "since the previous digest" not in first  # the first digest counts from the day's start
    assert "New outlets" not in first

    # Later the same day another outlet reprints one of the stories.
    (inputs / "reprint.txt").write_text(
        "---\nsource: Reprint Daily\nurl: https://reprint.example/pk-cn\n---\n"
        + SEED_000.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    run_plain(config)
    second_md = tmp_path / "second.md"
    _digest(config, "--out", str(second_md))
    second = second_md.read_text(encoding="utf-8")
    assert "What is new: since the previous digest" in second
    assert "New outlets: Reprint Daily" in second

    # Nothing arrived since: the third digest lists no new outlet, and its HTML says since when.
    third = tmp_path / "third.html"
    _digest(config, "--format", "html", "--out", str(third))
    html = third.read_text(encoding="utf-8")
    assert "since the previous digest" in html and "New outlets" not in html
    assert [via for via, _ in _issued(config)] == ["cli", "cli", "cli"]


def test_the_previous_digest_is_the_latest_that_saw_no_further(tmp_path: Path) -> None:
    config = write_config(tmp_path, "")
    conn = connect(config.parent / "nw.duckdb")
    try:
        assert last_issued(conn, datetime.now(UTC)) is None
        t0 = datetime(2026, 11, 20, 7, tzinfo=UTC)
        for covered in (t0, t0 + timedelta(days=1), t0 + timedelta(days=3)):
            conn.execute(
                "insert into digests values (?, ?, 'UTC', ?, 3, ['md'], 'run')",
                [covered, covered.date(), covered],
            )
        # a digest of 22 November (re-issued later) starts from the 21st's, not the 23rd's
        assert last_issued(conn, datetime(2026, 11, 23, tzinfo=UTC)) == t0 + timedelta(days=1)
        assert last_issued(conn, t0 - timedelta(seconds=1)) is None
        assert last_issued(conn, datetime(2026, 12, 1, tzinfo=UTC)) == t0 + timedelta(days=3)
    finally:
        conn.close()
