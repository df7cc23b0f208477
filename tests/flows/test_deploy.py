"""deploy/prefect.yaml the way an operator uses it: a Prefect server, `prefect deploy`, a process
worker, `prefect deployment run`; the runs complete and the warehouse and the digest are there."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
import yaml
from nwtest import ROOT, write_config
from prefect_procs import BIN, Clock, prefect_env, prefect_server, run_cli, start, stop

PREFECT_YAML = ROOT / "deploy" / "prefect.yaml"


def test_prefect_yaml_declares_the_hourly_ingest_and_the_daily_digest() -> None:
    spec = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    deployments = {d["name"]: d for d in spec["deployments"]}
    assert set(deployments) == {"newswatch-hourly", "newswatch-daily-digest"}
    hourly, digest = deployments["newswatch-hourly"], deployments["newswatch-daily-digest"]
    assert hourly["schedules"] == [{"cron": "0 * * * *", "timezone": "UTC"}]
    assert digest["schedules"][0]["cron"] == "0 7 * * *" and digest["parameters"]["days_ago"] == 1
    for d in (hourly, digest):
        assert d["work_pool"]["name"] == "newswatch"
        assert d["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
        # Module paths: they load wherever newswatch is installed, not only from a clone's root.
        module, _, _attr = d["entrypoint"].partition(":")
        assert module.startswith("newswatch.flows.") and not module.endswith(".py")
    from prefect.flows import load_flow_from_entrypoint

    scheduled = load_flow_from_entrypoint(hourly["entrypoint"])
    assert (scheduled.name, scheduled.retries, scheduled.timeout_seconds) == (
        "newswatch-scheduled-run",
        1,
        3000,
    )
    daily = load_flow_from_entrypoint(digest["entrypoint"])
    assert daily.name == "newswatch-digest" and daily.retries == 2 and daily.timeout_seconds
    assert set(digest["parameters"]) <= set(daily.parameters.properties)


def _get(api_url: str, path: str) -> Any:
    resp = httpx.get(f"{api_url}{path}", timeout=10)
    return None if resp.status_code == 404 else resp.raise_for_status().json()


def _post(api_url: str, path: str, body: dict[str, Any]) -> Any:
    return httpx.post(f"{api_url}{path}", json=body, timeout=10).raise_for_status().json()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_deployments_run_on_a_process_worker(tmp_path: Path, seeds_dir: Path) -> None:
    clock = Clock()
    home = tmp_path / "prefect-home"
    home.mkdir()
    project = tmp_path / "project"  # NEWSWATCH_HOME: where the flow runs' relative paths point
    project.mkdir()
    config = write_config(project, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n')
    with prefect_server(home, tmp_path / "server.log") as api_url:
        clock("server start")
        env = prefect_env(
            home,
            PREFECT_API_URL=api_url,
            NEWSWATCH_HOME=str(project),
            NEWSWATCH_CONFIG=str(config),
            # The worker asks for work every second, not every 10 s.
            PREFECT_WORKER_QUERY_SECONDS="1",
        )
        prefect = str(BIN / "prefect")
        # What `prefect work-pool create newswatch --type process` and `prefect work-pool
        # set-concurrency-limit newswatch 1` make (docs/deploy.md), in one request instead of two
        # CLI start-ups: a process pool that runs one flow run at a time.
        from prefect.workers.process import ProcessWorker

        pool = {
            "name": "newswatch",
            "type": "process",
            "base_job_template": ProcessWorker.get_default_base_job_template(),
            "concurrency_limit": 1,
        }
        _post(api_url, "/work_pools/", pool)
        worker = start(
            [prefect, "worker", "start", "--pool", "newswatch", "--type", "process"],
            env,
            tmp_path / "worker.log",
            tmp_path,
        )
        try:
            clock("pool")
            out = run_cli(
                [prefect, "--no-prompt", "deploy", "--all", "--prefect-file", str(PREFECT_YAML)], env, ROOT
            )
            assert "newswatch-scheduled-run/newswatch-hourly" in out, out
            assert "newswatch-digest/newswatch-daily-digest" in out, out
            clock("deploy")
            # Both at once: the pool runs them one after the other.
            watch = ["--watch", "--watch-interval", "1", "--watch-timeout", "240"]
            triggers = [
                subprocess.Popen(
                    [prefect, "deployment", "run", name, "--params", json.dumps(params), *watch],
                    env=env,
                    cwd=tmp_path,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                for name, params in (
                    ("newswatch-scheduled-run/newswatch-hourly", {}),
                    ("newswatch-digest/newswatch-daily-digest", {"days_ago": 0}),
                )
            ]
            for trigger in triggers:
                out, _ = trigger.communicate(timeout=300)
                assert trigger.returncode == 0 and "Completed" in out, (
                    f"{out}\n{(tmp_path / 'worker.log').read_text()[-4000:]}"
                )
            clock("both runs")
            runs = _post(api_url, "/flow_runs/filter", {"flow_runs": {"deployment_id": {"is_null_": False}}})
            pool = _get(api_url, "/work_pools/newswatch")
        finally:
            assert stop(worker, signal.SIGINT, timeout=5) is not None
            clock("worker stop")
    assert len(runs) == 2 and {r["state_type"] for r in runs} == {"COMPLETED"}, runs
    assert pool["concurrency_limit"] == 1, pool
    # The pool's limit is enforced when the worker is handed runs; two runs triggered within one
    # poll can both be handed out (seen in CI). What keeps two *writers* apart is the run lock
    # beside the warehouse (tests/driver/test_readers_writer.py); the digest only reads, and a
    # reader gets in between a writer's batches. So: both complete, one run wrote.

    warehouse = project / "nw.duckdb"
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert conn.execute("SELECT count(*), count(DISTINCT story_id) FROM articles").fetchone() == (2, 1)
        assert conn.execute("SELECT command, status FROM runs").fetchall() == [("run", "completed")]
    finally:
        conn.close()
    digests = sorted(p.name for p in (project / "digests").iterdir())
    assert len(digests) == 2 and {Path(d).suffix for d in digests} == {".md", ".html"}, digests
    print(f"deployment test: {clock}")


def test_the_digest_day_is_a_day_of_the_digest_timezone_counted_back_from_today() -> None:
    from datetime import UTC, date, datetime, timedelta, timezone

    from newswatch.errors import ConfigError
    from newswatch.flows.digest import digest_day

    # 07:00 in Islamabad (UTC+5) is 02:00 UTC: "yesterday" is the UTC day before.
    morning = datetime(2026, 3, 10, 7, 0, tzinfo=timezone(timedelta(hours=5)))
    assert digest_day(None, 1, now=morning) == date(2026, 3, 9)
    assert digest_day(None, 0, now=datetime(2026, 3, 10, 23, 59, tzinfo=UTC)) == date(2026, 3, 10)
    assert digest_day("2026-01-02", 5) == date(2026, 1, 2)  # an explicit day wins
    # In [digest] timezone = "Asia/Karachi", 02:00 UTC on the 10th is 07:00 on the 10th there.
    assert digest_day(None, 1, now=morning, zone="Asia/Karachi") == date(2026, 3, 9)
    assert digest_day(None, 0, now=morning, zone="Asia/Karachi") == date(2026, 3, 10)
    assert digest_day(None, 0, now=datetime(2026, 3, 10, 20, 0, tzinfo=UTC), zone="Asia/Karachi") == date(
        2026, 3, 11
    )
    with pytest.raises(ConfigError, match="2026-13-01"):
        digest_day("2026-13-01", 0)
    with pytest.raises(ConfigError, match="days_ago -1"):
        digest_day(None, -1)
