"""A run with a page whose server sends its headers a byte a second: the request ends at its total
deadline with a ``fetches`` row, the other sources land, and the run completes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
from faultserver import serve, slow_headers
from nwtest import ROOT, SEEDS

from newswatch.driver.runs import run_locally
from newswatch.settings import load_settings


def test_slow_headers_do_not_hold_the_run(tmp_path: Path) -> None:
    with serve({"/slow": slow_headers(1.0)}) as server:
        config = tmp_path / "newswatch.toml"
        config.write_text(
            "\n".join(
                [
                    "[warehouse]",
                    f"path = {json.dumps(str(tmp_path / 'nw.duckdb'))}",
                    f"digests_dir = {json.dumps(str(tmp_path / 'digests'))}",
                    "[topics]",
                    f"taxonomy = {json.dumps(str(ROOT / 'sources' / 'topics.toml'))}",
                    "[fetch]",
                    "allow_private_networks = true",
                    "respect_robots = false",
                    "per_host_delay = 0.0",
                    "total_timeout = 2.0",
                    "read_timeout = 30.0",
                    "max_retries = 2",
                    "[[sources]]",
                    'name = "seeds"',
                    'kind = "files"',
                    f"path = {json.dumps(str(SEEDS))}",
                    "[[sources]]",
                    'name = "slow"',
                    'kind = "page"',
                    f"url = {json.dumps(server.url('/slow'))}",
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        settings = load_settings(config, env={})
        started = time.monotonic()
        stats = run_locally(settings, command="test")
        took = time.monotonic() - started
    with duckdb.connect(str(tmp_path / "nw.duckdb"), read_only=True) as db:
        status = db.execute("SELECT status FROM runs WHERE run_id = ?", [stats.run_id]).fetchone()
        slow = db.execute(
            "SELECT outcome, error, elapsed_ms FROM fetches WHERE url = ?", [server.url("/slow")]
        ).fetchall()
        seeds = db.execute("SELECT count(*) FROM articles WHERE url LIKE 'file:%'").fetchone()
    assert status == ("completed",)
    assert len(slow) == 1 and slow[0][0] == "timeout" and "total timeout" in slow[0][1]
    assert slow[0][2] < (2.0 + 1.5) * 1000
    assert seeds == (len(list(SEEDS.glob("*.txt"))),)
    assert took < 60  # not 280 s, not for ever
