"""A run's processes end with it, even when it is killed; a run a dead process left is marked.

A ``SIGKILL`` gives a process no chance to stop what it started: Prefect's temporary server and
the extraction pool's workers used to live on (hundreds of MB each), and the run's row stayed
``running`` for ever. Three parts:

- ``bind_to_parent(pid)``, in each pool worker at start: the kernel sends it ``SIGTERM`` when its
  parent dies (Linux ``PR_SET_PDEATHSIG``; the parent is the pool's fork server, which exits with
  the run), and a watchdog thread ends it when the run's process ``pid`` is gone (any platform);
- ``start_reaper()``, once per run process: a small process of its own (``reaper.py``, no imports
  of newswatch) that notes the run's descendants every half second and, when the run process is
  gone, sends them ``SIGTERM`` then ``SIGKILL`` (Linux; elsewhere it does nothing);
- ``mark_crashed_runs(conn, live=...)``, as a run starts under the run lock: a row still
  ``running`` that no live run of this process owns was left by a dead process (runs take the lock
  in turn), and becomes ``crashed``, with the counts of what that run wrote.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import duckdb

from newswatch.records import utcnow

PR_SET_PDEATHSIG = 1
WATCH_INTERVAL = 1.0

_reaper: subprocess.Popen[bytes] | None = None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def bind_to_parent(run_pid: int) -> None:
    """End this process when its parent or the run's process ``run_pid`` dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watchdog below still does the job
            pass
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            if not alive(run_pid) or os.getppid() != parent:
                os._exit(1)  # nothing to clean: the run that wanted the results is gone

    threading.Thread(target=watch, name="newswatch-parent-watch", daemon=True).start()


def start_reaper() -> subprocess.Popen[bytes] | None:
    """Start (once per process) the reaper of this process's descendants; Linux only."""
    global _reaper
    if not sys.platform.startswith("linux") or not Path("/proc/self/stat").exists():
        return None
    if _reaper is not None and _reaper.poll() is None:
        return _reaper
    script = Path(__file__).with_name("reaper.py")
    _reaper = subprocess.Popen(
        [sys.executable, "-I", str(script), str(os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C to the run's process group must not stop the reaper
        close_fds=True,
    )
    return _reaper


_CRASHED = """
UPDATE runs SET
    status = 'crashed',
    finished_at = ?,
    error = 'the process ended before the run finished (killed or crashed); counts are what it wrote',
    articles_new = (SELECT count(*) FROM articles a
                    WHERE a.run_id = runs.run_id AND a.first_seen_at >= runs.started_at),
    articles_updated = (SELECT count(*) FROM articles a
                        WHERE a.run_id = runs.run_id AND a.first_seen_at < runs.started_at),
    articles_read = (SELECT count(*) FROM articles a WHERE a.run_id = runs.run_id),
    failures = (SELECT count(*) FROM fetches f JOIN outcomes o USING (outcome)
                WHERE f.run_id = runs.run_id AND o.failure)
WHERE status = 'running' AND run_id NOT IN (SELECT unnest(?::VARCHAR[]))
RETURNING run_id
"""


def mark_crashed_runs(conn: duckdb.DuckDBPyConnection, *, live: Iterable[str] = ()) -> list[str]:
    """Mark ``crashed`` the runs left ``running`` but those in ``live`` (this process's runs); call
    it holding the run lock, so no other process's run is live. Returns the ids marked."""
    rows = conn.execute(_CRASHED, [utcnow(), sorted(live)]).fetchall()
    return [r[0] for r in rows]


__all__ = ["bind_to_parent", "mark_crashed_runs", "start_reaper"]
