"""`newswatch serve` as a user runs it: a real process that starts its Prefect server, prints the UI's
address, fires its first run on time, and stops on the first SIGINT (Ctrl-C) or SIGTERM."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from nwtest import write_config
from prefect_procs import BIN, free_port, healthy, prefect_env, start, stop, wait_for

from newswatch.errors import ConfigError


def test_bad_schedules_are_refused_with_the_reason() -> None:
    from newswatch.flows.serve import deployments

    with pytest.raises(ConfigError, match=r"'61 \* \* \* \*'.*Invalid cron"):
        deployments(config=None, db=None, cron="61 * * * *")
    with pytest.raises(ConfigError, match=r"Mars/Base.*Invalid timezone"):
        deployments(config=None, db=None, timezone="Mars/Base")
    hourly, digest = deployments(config="c.toml", db=None, digest_cron="30 6 * * *", timezone="Asia/Karachi")
    assert hourly.entrypoint == "newswatch.flows.deployments.newswatch_scheduled_run"
    assert digest.parameters == {"config": "c.toml", "db": None, "days_ago": 1}
    schedule = digest.schedules[0].schedule  # type: ignore[index]
    assert (schedule.cron, schedule.timezone) == ("30 6 * * *", "Asia/Karachi")  # type: ignore[union-attr]


def test_a_stop_signal_while_the_runner_starts_is_a_clean_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    # Until serve's own loop handlers are in place, a signal raises KeyboardInterrupt wherever the
    # main thread is: here inside Runner.start() (which first imports its web server). It must stop
    # serving quietly, not leave asyncio a task exception to print with its traceback.
    import asyncio

    from newswatch.flows import serve

    class StartInterrupted:
        def __init__(self, **_: object) -> None:
            pass

        async def add_deployment(self, deployment: object) -> None:
            pass

        async def start(self) -> None:
            raise KeyboardInterrupt  # as the signal handler raises it

    monkeypatch.setattr(serve, "Runner", StartInterrupted)
    said: list[str] = []
    unretrieved: list[object] = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: unretrieved.append(ctx))
        await serve._serve([], serve._StopSignals(), said.append)

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pytest.fail("the interrupt escaped serve")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    assert said == ["stopping"] and not unretrieved, (said, unretrieved)


class _SlowStartingRunner:
    """A runner whose deployments take a moment to add, whose start-up (client, services) takes a
    while, and that refuses astop() before it has started, as Prefect's does."""

    def __init__(self, on_start: Callable[[], None]) -> None:
        self.on_start = on_start
        self.added = self.starts = self.stops = 0
        self.started = False

    async def add_deployment(self, deployment: object) -> None:
        import asyncio

        await asyncio.sleep(0.05)
        self.added += 1

    async def start(self) -> None:
        import asyncio

        self.starts += 1
        stopped = self._stopped = asyncio.Event()
        await asyncio.sleep(0)
        self.on_start()
        await asyncio.sleep(0.2)
        self.started = True
        await stopped.wait()

    async def astop(self) -> None:
        if not self.started:
            raise RuntimeError("Runner has not yet started. Please start the runner by calling .start()")
        self.started = False
        self.stops += 1
        self._stopped.set()


def _serve_with(
    monkeypatch: pytest.MonkeyPatch, stopping: Any, on_start: Callable[[], None] = lambda: None
) -> tuple[list[str], _SlowStartingRunner]:
    """serve's event loop over two deployments and a stand-in runner; what it said, and the runner."""
    import asyncio

    from newswatch.flows import serve

    runner = _SlowStartingRunner(on_start)
    monkeypatch.setattr(serve, "Runner", lambda **_: runner)
    said: list[str] = []
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        asyncio.run(asyncio.wait_for(serve._serve(["hourly", "digest"], stopping, said.append), 10))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return said, runner


def test_a_stop_signal_before_the_runner_has_started_waits_for_it_then_stops_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The signal reaches serve's loop handler while the runner still opens its client: stopping it
    # then would raise "Runner has not yet started" (and end serve with a traceback).
    from newswatch.flows import serve

    stopping = serve._StopSignals()
    said, runner = _serve_with(monkeypatch, stopping, on_start=lambda: stopping.event.set())  # type: ignore[union-attr]
    assert said == ["stopping"] and (runner.starts, runner.stops) == (1, 1)


def test_a_stop_signal_while_the_deployments_are_added_starts_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The loop's handlers are in before the deployments go to the API: a signal then only sets the
    # event, and the runner is never started.
    import asyncio

    from newswatch.flows import serve

    stopping = serve._StopSignals()
    real_sleep = asyncio.sleep

    async def signal_on_first_add(delay: float) -> None:
        assert stopping.event is not None
        stopping.event.set()
        await real_sleep(delay)

    monkeypatch.setattr(asyncio, "sleep", signal_on_first_add)
    said, runner = _serve_with(monkeypatch, stopping)
    assert said == ["stopping"] and (runner.added, runner.starts) == (1, 0)


def test_a_stop_signal_python_swallowed_before_the_loop_handlers_still_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A KeyboardInterrupt raised by the early handler inside a weakref callback is printed and
    # dropped ("Exception ignored in ..."); the request it carried must still stop serve.
    from newswatch.flows import serve

    stopping = serve._StopSignals()
    stopping.requested = True
    said, runner = _serve_with(monkeypatch, stopping)
    assert said == ["stopping"] and (runner.added, runner.starts) == (0, 0)


def _serve(tmp_path: Path, name: str, config: Path, *args: str, **env: str) -> subprocess.Popen[bytes]:
    return start(
        [str(BIN / "newswatch"), "serve", "--config", str(config), "--cron", "* * * * *", *args],
        prefect_env(tmp_path / "prefect-home", PREFECT_LOGGING_LEVEL="WARNING", **env),
        tmp_path / f"{name}.log",
        tmp_path,
    )


def _flow_runs(api_url: str) -> list[dict[str, object]]:
    # Runs of the deployments (their subflows have no deployment), finished.
    body = {
        "flow_runs": {
            "state": {"type": {"any_": ["COMPLETED", "FAILED", "CRASHED"]}},
            "deployment_id": {"is_null_": False},
        }
    }
    resp = httpx.post(f"{api_url}/flow_runs/filter", json=body, timeout=10)
    resp.raise_for_status()
    return list(resp.json())


def _when(value: object) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_serve_fires_on_time_and_stops_on_sigint_and_sigterm(tmp_path: Path, seeds_dir: Path) -> None:
    (tmp_path / "prefect-home").mkdir()
    config = write_config(tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n')
    log = tmp_path / "serve.log"
    port = free_port()  # not 4200: a server of the user's or CI's may be there
    first = _serve(tmp_path, "serve", config, "--port", str(port))
    try:
        wait_for(lambda: "Ctrl-C stops" in log.read_text(errors="replace"), 200, "serve to start")
        out = log.read_text(errors="replace")
        ui = re.search(rf"Prefect UI: (http://127\.0\.0\.1:{port})\n", out)
        assert ui, out
        api_url = f"{ui.group(1)}/api"
        assert healthy(api_url)
        assert httpx.get(ui.group(1), timeout=10).status_code == 200  # the UI itself is served
        assert "serving newswatch-scheduled-run/newswatch-hourly: * * * * * (UTC)" in out
        assert "serving newswatch-digest/newswatch-daily-digest: 0 7 * * * (UTC)" in out

        # The first run is due at the next minute; it must start then, not a poll interval later.
        wait_for(lambda: bool(_flow_runs(api_url)), 150, "the first scheduled run to finish", interval=1)
        run = _flow_runs(api_url)[0]
        assert run["state_type"] == "COMPLETED", run
        expected, started = _when(run["expected_start_time"]), _when(run["start_time"])
        assert expected.second == 0 and expected.microsecond == 0  # a cron minute, not "now"
        # Fired on time: handed to its process (Pending) no later than its minute; the runner
        # fetches runs up to 10 s ahead so that the process has that long to start. Running comes
        # once the process has imported Prefect and newswatch.
        states = httpx.get(f"{api_url}/flow_run_states/", params={"flow_run_id": run["id"]}, timeout=10)
        pending = min(_when(st["timestamp"]) for st in states.json() if st["type"] == "PENDING")
        fired = (pending - expected).total_seconds()
        assert -11 < fired < 3, f"scheduled {expected}, handed over {pending}"
        late = (started - expected).total_seconds()
        assert late < 45, f"scheduled {expected}, running {started}"
        conn = duckdb.connect(str(tmp_path / "nw.duckdb"), read_only=True)
        try:
            assert conn.execute("SELECT count(*) FROM articles").fetchone() == (2,)
        finally:
            conn.close()

        # A second serve against that server (PREFECT_API_URL): it prints that server's UI, and
        # goes on SIGTERM.
        second = _serve(tmp_path, "serve-term", config, PREFECT_API_URL=api_url)
        try:
            term_log = tmp_path / "serve-term.log"
            wait_for(lambda: "Ctrl-C stops" in term_log.read_text(errors="replace"), 120, "the second serve")
            assert f"Prefect UI: {ui.group(1)}\n" in term_log.read_text()
            t0 = time.monotonic()
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0, term_log.read_text(errors="replace")
            term_seconds = time.monotonic() - t0
        finally:
            stop(second, signal.SIGKILL)
        term_out = term_log.read_text(errors="replace")
        assert "never awaited" not in term_out and "Traceback" not in term_out, term_out

        # Ctrl-C: SIGINT to the process, once.
        t0 = time.monotonic()
        first.send_signal(signal.SIGINT)
        assert first.wait(timeout=45) == 0
        int_seconds = time.monotonic() - t0
    finally:
        stop(first, signal.SIGKILL)
    out = log.read_text(errors="replace")
    assert "never awaited" not in out and "Traceback" not in out, out
    assert "stopped" in out.splitlines()[-1], out
    assert not healthy(api_url)  # the server it started is gone with it
    print(
        f"serve: first run handed over {fired:+.1f} s from its scheduled minute, running at "
        f"{late:+.1f} s; stopped {term_seconds:.1f} s after SIGTERM, {int_seconds:.1f} s after SIGINT"
    )
