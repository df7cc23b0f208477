"""``python -I reaper.py PID``: when process PID is gone, end the processes it had started.

Run as a script by ``newswatch.driver.hygiene.start_reaper`` (it imports nothing of newswatch, so
it starts in milliseconds and holds a few MB). Every half second it notes PID's descendants (from
``/proc``: parent ids, and each process's start time so a reused pid is never hit); once PID has
exited, those still alive get ``SIGTERM``, and ``SIGKILL`` five seconds later. Then it exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

INTERVAL = 0.5
GRACE = 5.0


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of a process, or None when it is gone (or a zombie)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    fields = data[data.rindex(b")") + 2 :].split()  # the name may hold spaces and parentheses
    if fields[0] in (b"Z", b"X"):  # exited, not yet waited for: gone for our purpose
        return None
    return int(fields[1]), int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """pid -> start time of every descendant of ``root``."""
    children: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        info = _stat(int(name))
        if info is not None:
            children.setdefault(info[0], []).append(int(name))
            starts[int(name)] = info[1]
    out: dict[int, int] = {}
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        if pid in out or pid == os.getpid():
            continue
        out[pid] = starts[pid]
        todo.extend(children.get(pid, []))
    return out


def _still(pid: int, start: int) -> bool:
    info = _stat(pid)
    return info is not None and info[1] == start


def reap(known: dict[int, int]) -> None:
    for sig, wait in ((signal.SIGTERM, GRACE), (signal.SIGKILL, 0.0)):
        left = {p: s for p, s in known.items() if _still(p, s)}
        for pid in left:
            with contextlib.suppress(OSError):  # gone meanwhile
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while left and time.monotonic() < deadline:
            time.sleep(0.1)
            left = {p: s for p, s in left.items() if _still(p, s)}
        known = left


def main(root: int) -> None:
    known: dict[int, int] = {}
    root_stat = _stat(root)
    if root_stat is None:
        return
    root_start = root_stat[1]
    while _still(root, root_start):
        known.update(descendants(root))
        known = {p: s for p, s in known.items() if _still(p, s)}
        time.sleep(INTERVAL)
    reap(known)


if __name__ == "__main__":
    main(int(sys.argv[1]))
