"""Real Prefect processes for the deployment and serve tests: a server on 127.0.0.1, its CLI, teardown.

Everything a test starts gets a PREFECT_HOME of its own in tmp_path and is stopped at the end;
every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


class Clock:
    """Elapsed seconds per step, printed at the end of a test (``pytest -s``) to see where time goes."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()
        self.steps: list[str] = []

    def __call__(self, step: str) -> None:
        now = time.monotonic()
        self.steps.append(f"{step} {now - self.last:.1f} s")
        self.last = now

    def __str__(self) -> str:
        return f"{', '.join(self.steps)}; total {time.monotonic() - self.start:.1f} s"


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prefect_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of every Prefect process a test starts: its own home, no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSWATCH_"))}
    env.update(
        PREFECT_HOME=str(home),
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
        PREFECT_LOGGING_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def wait_for(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 20) -> int:
    """Signal a process (and its group) and wait for it; kill it if it does not go in time."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    return proc.returncode


def start(args: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """Start a process in its own group (so teardown reaches its children), output to ``log``."""
    with open(log, "wb") as out:
        return subprocess.Popen(
            args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


@contextlib.contextmanager
def prefect_server(home: Path, log: Path, *, services: bool = False) -> Iterator[str]:
    """``prefect server start`` on 127.0.0.1 and a free port; yields its API URL."""
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    args = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"]
    if not services:
        args.append("--no-services")
    proc = start(args, prefect_env(home), log, home)
    try:
        wait_for(lambda: healthy(api_url) or proc.poll() is not None, 180, "the Prefect server")
        assert proc.poll() is None, f"prefect server exited: {log.read_text(errors='replace')[-3000:]}"
        yield api_url
    finally:
        stop(proc)


def run_cli(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 180) -> str:
    """Run a command to its end; fail with its output if it fails."""
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr
