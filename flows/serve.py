"""``newswatch serve``: the hourly ingest and the daily digest served by one long-running process.

The same two flows as deploy/prefect.yaml, with the same default schedules, but no work pool and
no worker: this process polls for its own scheduled runs and starts each in a subprocess.

Schedules need a Prefect server that runs its scheduler. Prefect's temporary (ephemeral) server
does not run it, so scheduled runs would never be created; without ``PREFECT_API_URL`` this
process starts a real ``prefect server start`` on 127.0.0.1 (with its UI), prints its address, and
stops it on the way out. The first Ctrl-C or SIGTERM stops polling, cancels a run in progress (its
open batch rolls back: a load is one transaction), pauses the schedules and stops the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import IO, Any, cast

import httpx
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.client.schemas.schedules import CronSchedule
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.runner import Runner
from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings
from pydantic import ValidationError

from newswatch.errors import ConfigError, NewswatchError
from newswatch.flows.deployments import (
    DIGEST_CRON,
    HOURLY_CRON,
    SCHEDULE_TIMEZONE,
    newswatch_digest,
    newswatch_scheduled_run,
)

SERVER_START_TIMEOUT = 180.0  # a fresh PREFECT_HOME migrates its database first
STOP_TIMEOUT = 30.0
PREFERRED_PORT = 4200  # Prefect's usual port, when it is free


class ServeError(NewswatchError):
    """The schedules could not be served (the Prefect server did not start)."""


def deployments(
    *,
    config: str | None,
    db: str | None,
    cron: str = HOURLY_CRON,
    digest_cron: str = DIGEST_CRON,
    timezone: str = SCHEDULE_TIMEZONE,
    digest_days_ago: int = 1,
) -> list[RunnerDeployment]:
    """The hourly ingest and the daily digest, as deploy/prefect.yaml declares them."""
    one_at_a_time = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE)
    common: dict[str, Any] = {
        "concurrency_limit": one_at_a_time,
        "entrypoint_type": EntrypointType.MODULE_PATH,
    }
    # to_deployment() is synchronous outside an event loop (Prefect types it as either).
    hourly = newswatch_scheduled_run.to_deployment(
        name="newswatch-hourly",
        schedules=[_cron(cron, timezone)],
        parameters={"config": config, "db": db},
        description="Every configured source, all stages, today's digest.",
        tags=["newswatch", "ingest"],
        **common,
    )
    daily = newswatch_digest.to_deployment(
        name="newswatch-daily-digest",
        schedules=[_cron(digest_cron, timezone)],
        parameters={"config": config, "db": db, "days_ago": digest_days_ago},
        description="The digest of a day as Markdown and HTML.",
        tags=["newswatch", "digest"],
        **common,
    )
    return [cast(RunnerDeployment, hourly), cast(RunnerDeployment, daily)]


def _cron(expression: str, timezone: str) -> Any:
    try:
        CronSchedule(cron=expression, timezone=timezone)  # checks both, with a readable reason
    except ValueError as exc:
        reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise ConfigError(f"schedule {expression!r} in {timezone!r}: {reason}") from exc
    return Cron(expression, timezone=timezone)


def serve_schedules(
    *,
    config: str | None,
    db: str | None,
    cron: str = HOURLY_CRON,
    digest_cron: str = DIGEST_CRON,
    timezone: str = SCHEDULE_TIMEZONE,
    digest_days_ago: int = 1,
    port: int | None = None,
    say: Callable[[str], None] = print,
) -> None:
    """Serve both schedules until the first Ctrl-C or SIGTERM; return once everything has stopped."""
    served = deployments(
        config=config,
        db=db,
        cron=cron,
        digest_cron=digest_cron,
        timezone=timezone,
        digest_days_ago=digest_days_ago,
    )
    stopping = _StopSignals()
    with stopping.raise_interrupt():
        try:
            with prefect_api(say, port) as (api_url, ui_url):
                say(f"Prefect UI: {ui_url}")
                for d in served:
                    when = ", ".join(_describe(s) for s in d.schedules or [])
                    say(f"serving {d.flow_name}/{d.name}: {when}")
                say("Ctrl-C stops")
                with temporary_settings({PREFECT_API_URL: api_url}):
                    asyncio.run(_serve(served, stopping, say))
        except KeyboardInterrupt:  # a signal before the runner's own handlers were in place
            say("stopping")
    say("stopped")


def _describe(schedule: Any) -> str:
    inner = getattr(schedule, "schedule", schedule)
    return f"{getattr(inner, 'cron', inner)} ({getattr(inner, 'timezone', None) or 'UTC'})"


class _StopSignals:
    """The first SIGINT or SIGTERM asks to stop; later ones are ignored while things shut down.

    Until the event loop's handlers are in place a signal raises KeyboardInterrupt where the main
    thread is. Python swallows an exception raised inside a weakref callback or a finaliser
    ("Exception ignored in ..."), so the request is also kept in ``requested``: the loop's
    handlers, once installed, act on a signal that came before them."""

    def __init__(self) -> None:
        self.event: asyncio.Event | None = None
        self.requested = False

    @contextlib.contextmanager
    def raise_interrupt(self) -> Iterator[None]:
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

        def interrupt(signum: int, frame: Any) -> None:
            self.requested = True
            self.ignore()
            raise KeyboardInterrupt

        for sig in previous:
            signal.signal(sig, interrupt)
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def ignore(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)

    def install(self, loop: asyncio.AbstractEventLoop) -> asyncio.Event:
        """The loop's handlers, and the event the first signal sets: already set when one came
        before them (and was swallowed). Installing again puts them back over a handler installed
        since (Runner.start()'s)."""
        if self.event is None:
            self.event = asyncio.Event()
        event = self.event
        if self.requested:
            self.ignore()
            event.set()
            return event

        def first(sig: signal.Signals) -> None:
            for s in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(s)
            self.requested = True
            self.ignore()
            event.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, first, sig)
        return event


async def _serve(served: list[RunnerDeployment], stopping: _StopSignals, say: Callable[[str], None]) -> None:
    # Poll every 5 s: with Prefect's 10 s look-ahead every run is fetched 5-10 s before it is due
    # and its process started then, so it is running by its time (start-up permitting), never a
    # poll interval late.
    runner = Runner(name="newswatch-serve", limit=1, query_seconds=5, pause_on_shutdown=True)
    # The loop's handlers first: from here a signal only sets an event (the deployments are added
    # through the API, which takes a moment, and is where a signal most often lands).
    loop = asyncio.get_running_loop()
    stop = stopping.install(loop)
    for deployment in served:
        if stop.is_set():
            break
        await runner.add_deployment(deployment)  # type: ignore[misc]
    if stop.is_set():
        say("stopping")
        return
    started = asyncio.create_task(_start(runner))
    # Runner.start() installs a SIGTERM handler that calls the synchronous stop() from inside the
    # event loop (the "coroutine 'Runner.astop' was never awaited" of Prefect 3.8); ours go back in
    # once it has run, and stop the runner from the loop itself.
    await asyncio.sleep(0)
    stopping.install(loop)
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait({started, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if started.done():
        if started.result():  # stopped while it started
            say("stopping")
        return  # or the runner ended on its own (result() raised why)
    say("stopping")
    try:
        # A signal during the runner's start-up (its client and services opening) waits for it to
        # have started: astop() refuses a runner that has not.
        await asyncio.wait_for(_started_or_ended(runner, started), STOP_TIMEOUT)
        if started.done():
            started.result()  # it ended while starting: raises why, if it failed
            return
        await asyncio.wait_for(runner.astop(), STOP_TIMEOUT)
        await asyncio.wait_for(started, STOP_TIMEOUT)
    except (TimeoutError, asyncio.CancelledError):
        started.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await started


async def _started_or_ended(runner: Runner, started: asyncio.Task[bool]) -> None:
    while not runner.started and not started.done():
        await asyncio.wait({started}, timeout=0.05)


async def _start(runner: Runner) -> bool:
    """``runner.start()``; True when a KeyboardInterrupt ended it. The loop's handlers are in
    place before it starts, so none should reach it; should one, ended here, the task has no
    exception left for asyncio to print ("Task exception was never retrieved", with its
    traceback)."""
    try:
        await runner.start()
    except KeyboardInterrupt:
        return True
    return False


@contextlib.contextmanager
def prefect_api(say: Callable[[str], None], port: int | None = None) -> Iterator[tuple[str, str]]:
    """The API and UI addresses to use: ``PREFECT_API_URL``'s, or a server started for the occasion
    (on ``port``, else 4200 when free, else a free port)."""
    configured = PREFECT_API_URL.value()
    if configured:
        ui = PREFECT_UI_URL.value() or configured.removesuffix("/").removesuffix("/api")
        yield configured, ui
        return
    if port is None:
        port = PREFERRED_PORT if _port_free(PREFERRED_PORT) else _free_port()
    address = f"http://127.0.0.1:{port}"
    home = os.environ.get("PREFECT_HOME", "~/.prefect")
    say(f"starting a Prefect server on {address} (its database in PREFECT_HOME={home})")
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C at the terminal reaches this process, which stops the server
            # last, once the runner no longer needs it; and it goes if this process is killed.
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        try:
            _wait_healthy(server, f"{address}/api", log)
        except BaseException:
            _stop_server(server, graceful=False)
            raise
        try:
            yield f"{address}/api", address
        finally:
            _stop_server(server)


def _wait_healthy(server: subprocess.Popen[bytes], api_url: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                log.seek(0)
                err = log.read().decode(errors="replace")
                raise ServeError(f"the Prefect server exited with code {server.returncode}: {err[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{api_url}/health").status_code == 200:
                    if server.poll() is None:
                        return
                    # Another server took the port first and answered in our place.
                    raise ServeError(f"{api_url}: the port is taken by another server; choose --port")
            time.sleep(0.2)
    raise ServeError(f"the Prefect server at {api_url} did not answer within {SERVER_START_TIMEOUT:.0f} s")


def _stop_server(server: subprocess.Popen[bytes], *, graceful: bool = True) -> None:
    """SIGTERM to the server's process group; SIGKILL if it is not gone in time (a server still
    migrating its database at start-up does not stop on SIGTERM)."""
    steps = ((signal.SIGTERM, STOP_TIMEOUT),) if graceful else ()
    for sig, wait in (*steps, (signal.SIGKILL, 10.0)):
        if server.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=wait)


def _die_with_parent() -> None:
    """In the server's process, before exec: be stopped if newswatch serve is killed (SIGKILL)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _port_free(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


__all__ = ["ServeError", "deployments", "prefect_api", "serve_schedules"]
