"""Opening the warehouse and migrating it.

Migrations are ``migrations/NNNN_name.sql`` files applied in order, each in its own transaction
together with its row in ``schema_migrations``; views (``views/*.sql``) are re-created after every
migration run so they always match the code. A read-only connection never migrates.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import duckdb

from newswatch.errors import WarehouseBusy, WarehouseError
from newswatch.outcomes import Outcome
from newswatch.records import utcnow

_MIGRATION = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def _sql_files(folder: str) -> list[tuple[str, str]]:
    root = resources.files("newswatch.warehouse").joinpath(folder)
    return sorted((p.name, p.read_text(encoding="utf-8")) for p in root.iterdir() if p.name.endswith(".sql"))


def migrations() -> list[tuple[int, str, str]]:
    """All packaged migrations as (version, name, sql), in order."""
    out = []
    for name, sql in _sql_files("migrations"):
        m = _MIGRATION.match(name)
        if not m:
            raise WarehouseError(f"migration file name must be NNNN_name.sql: {name}")
        out.append((int(m.group(1)), m.group(2), sql))
    versions = [v for v, _, _ in out]
    if len(set(versions)) != len(versions):
        raise WarehouseError("two migrations share a version number")
    return out


def report_sql(name: str) -> str:
    return (
        resources.files("newswatch.warehouse").joinpath("reports", f"{name}.sql").read_text(encoding="utf-8")
    )


def migrate(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, then (re)create views. Returns the names applied."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, utcnow()])
            conn.execute("COMMIT")
        except duckdb.Error as exc:
            conn.execute("ROLLBACK")
            raise WarehouseError(f"migration {version:04d}_{name} failed: {exc}") from exc
        applied.append(f"{version:04d}_{name}")
    _sync_outcomes(conn)
    for _name, sql in _sql_files("views"):
        conn.execute(sql)
    return applied


def _sync_outcomes(conn: duckdb.DuckDBPyConnection) -> None:
    rows = [[o.value, o.succeeded, o.retryable, o.settled, o.is_failure] for o in Outcome]
    conn.executemany("INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?)", rows)


def _cache_missing_pandas() -> None:
    # DuckDB looks for pandas on every value ``executemany`` binds; without pandas installed each
    # failed import walks sys.path again, which cost more CPU than the rest of a load. A None in
    # sys.modules makes the miss instant (``import pandas`` still raises ImportError).
    if "pandas" not in sys.modules and importlib.util.find_spec("pandas") is None:
        sys.modules["pandas"] = None  # type: ignore[assignment]


log = logging.getLogger("newswatch.warehouse")

# Seconds a reader retries while a run loads a batch (``[warehouse] read_wait``); a batch's
# transaction takes well under a second.
READ_WAIT = 10.0


def _locked(exc: duckdb.Error) -> bool:
    """DuckDB's error when another process holds the file (it names that process)."""
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def _open(p: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``, retried with back-off (20 ms doubling to 250 ms) while another process
    holds the file, for ``wait`` seconds at most. The cap is short on purpose: a run lets go of the
    file between batches only briefly, and a failed attempt costs well under a millisecond."""
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(p), read_only=read_only)
        except duckdb.Error as exc:
            left = deadline - time.monotonic()
            if not _locked(exc):
                raise WarehouseError(f"{p}: cannot open the warehouse: {exc}") from exc
            if left <= 0:
                holder = re.search(r"\(PID (\d+)\)", str(exc))
                who = f"process {holder.group(1)}" if holder else "another process"
                raise WarehouseBusy(
                    f"{p}: the warehouse is held by {who} (a run loading a batch, or another client); "
                    f"gave up after {wait:g} s of retries. Try again, or wait longer with "
                    "NEWSWATCH_WAREHOUSE__READ_WAIT / [warehouse] read_wait"
                ) from exc
            time.sleep(min(delay, left))
            delay = min(delay * 2, 0.25)


def connect(
    path: str | Path, *, read_only: bool = False, wait: float = READ_WAIT, migrate_schema: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open (and, for writing, create and migrate) the warehouse at ``path``.

    While another process holds it (a run loading a batch), retry for ``wait`` seconds, then raise
    ``WarehouseBusy``. ``migrate_schema=False`` skips the migration check, for a run that already
    migrated at its start and reopens the warehouse for each batch.
    """
    _cache_missing_pandas()
    p = Path(path)
    if read_only:
        if not p.exists():
            raise WarehouseError(f"{p}: no warehouse here yet (run `newswatch run` first)")
        return _open(p, True, wait)
    p.parent.mkdir(parents=True, exist_ok=True)
    conn = _open(p, False, wait)
    try:
        conn.execute("SET TimeZone = 'UTC'")
        if migrate_schema:
            migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def run_lock_path(path: str | Path) -> Path:
    """The file a writing run locks for its whole length, beside the warehouse."""
    p = Path(path)
    return p.with_name(p.name + ".run.lock")


@contextlib.contextmanager
def run_lock(path: str | Path, *, wait: float) -> Iterator[None]:
    """Hold the warehouse's run lock: one writing run at a time.

    A run opens the warehouse only while it writes (so readers get in between batches); this lock
    keeps a second run from writing between the first one's batches. The second run waits its turn
    for ``wait`` seconds (saying so once on stderr), then raises ``WarehouseBusy``. The lock is an
    advisory ``flock``: the operating system releases it when the process dies.
    """
    import fcntl  # POSIX; the lock is what lets readers in, so there is no unlocked fallback

    lock = run_lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        delay, said = 0.1, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                left = deadline - time.monotonic()
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
                if left <= 0:
                    raise WarehouseBusy(
                        f"{path}: another run (pid {holder}) is still writing the warehouse after "
                        f"{wait:g} s of waiting; wait longer with NEWSWATCH_WAREHOUSE__WRITE_WAIT / "
                        "[warehouse] write_wait"
                    ) from None
                if not said:
                    print(
                        f"newswatch: another run (pid {holder}) is writing {path}; "
                        f"waiting up to {wait:g} s for it to finish",
                        file=sys.stderr,
                        flush=True,
                    )
                    said = True
                time.sleep(min(delay, left))
                delay = min(delay * 2, 2.0)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def quote_ident(name: str) -> str:
    """Quote an identifier for SQL (the only way identifiers enter a query)."""
    return '"' + name.replace('"', '""') + '"'
