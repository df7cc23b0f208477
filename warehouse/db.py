"""Opening the warehouse, migrating it, and the SQL it runs.

Migrations are ``migrations/NNNN_name.sql`` files applied in order, each in its own transaction
together with its row in ``schema_migrations`` (with the sha256 of the file); views
(``views/*.sql``) are re-created after every migration run so they always match the code. A
released migration is never edited: a file whose checksum differs from the one recorded when it
was applied stops the start-up with a ``WarehouseError`` naming it. A read-only connection never
migrates.

Every other statement is a file under ``queries/`` (one statement each), read once through
``query(name)``; values go in as parameters, identifiers only through ``quote_ident``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from newswatch.errors import WarehouseBusy, WarehouseError
from newswatch.outcomes import Outcome
from newswatch.records import utcnow

_MIGRATION = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# An identifier slot in a query file: {{name}}, filled by ``query(file, name=...)`` through quote_ident.
_IDENT_SLOT = re.compile(r"\{\{(\w+)\}\}")


def _read(folder: str, name: str) -> str:
    # Bytes decoded as they are (no newline translation), so a checksum of the text is the file's.
    return resources.files("newswatch.warehouse").joinpath(folder, name).read_bytes().decode("utf-8")


def _sql_files(folder: str) -> list[tuple[str, str]]:
    root = resources.files("newswatch.warehouse").joinpath(folder)
    return sorted((p.name, _read(folder, p.name)) for p in root.iterdir() if p.name.endswith(".sql"))


@cache
def _query_text(name: str) -> str:
    try:
        return _read("queries", f"{name}.sql")
    except FileNotFoundError:
        raise WarehouseError(f"no query file queries/{name}.sql") from None


def query(name: str, **identifiers: str) -> str:
    """The statement in ``queries/{name}.sql`` (read once per process).

    ``{{slot}}`` in the file is an identifier (a table or column name) given as ``slot=...`` and
    quoted by ``quote_ident``; every value goes in as a parameter of the statement instead.
    """
    sql = _query_text(name)
    slots = set(_IDENT_SLOT.findall(sql))
    if slots != set(identifiers):
        raise WarehouseError(
            f"queries/{name}.sql takes identifiers {sorted(slots)}, was given {sorted(identifiers)}"
        )
    if not slots:
        return sql
    return _IDENT_SLOT.sub(lambda m: quote_ident(identifiers[m.group(1)]), sql)


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``BEGIN``; ``COMMIT`` when the block ends, ``ROLLBACK`` (and re-raise) on any exception."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def checksum(sql: str) -> str:
    """The sha256 of a migration file (its text as read by ``migrations``)."""
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


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
    return _read("reports", f"{name}.sql")


def migrate(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Check the applied migrations, apply pending ones, then (re)create views.

    Returns the names applied. A warehouse whose migrations were applied before checksums were
    kept gets the column and the checksums of the files it was migrated with (on this open).
    """
    conn.execute(query("schema_migrations_create"))
    conn.execute(query("schema_migrations_add_checksum"))
    files = {version: (name, sql) for version, name, sql in migrations()}
    done = set()
    for version, _, stored in conn.execute(query("schema_migrations_applied")).fetchall():
        done.add(version)
        if version not in files:
            continue  # a newer newswatch applied it; this one does not know the file
        name, sql = files[version]
        expected = checksum(sql)
        if stored is None:
            conn.execute(query("schema_migrations_backfill"), [expected, version])
        elif stored != expected:
            raise WarehouseError(
                f"migration {version:04d}_{name}.sql was changed after it was applied to this warehouse"
                f" (recorded sha256 {stored[:12]}..., the file now {expected[:12]}...): a released"
                " migration must not be edited; restore it and put the change in a new migration"
            )
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        try:
            with transaction(conn):
                conn.execute(sql)
                conn.execute(query("schema_migrations_record"), [version, name, utcnow(), checksum(sql)])
        except duckdb.Error as exc:
            raise WarehouseError(f"migration {version:04d}_{name} failed: {exc}") from exc
        applied.append(f"{version:04d}_{name}")
    _sync_outcomes(conn)
    for _name, sql in _sql_files("views"):
        conn.execute(sql)
    return applied


def _sync_outcomes(conn: duckdb.DuckDBPyConnection) -> None:
    """Make ``outcomes`` say what ``Outcome`` says: read first, and written (in one statement) only
    when they differ. Every run opens the warehouse for writing once; a row-by-row rewrite there
    cost more than the rest of the migration check."""
    rows = sorted((o.value, o.succeeded, o.retryable, o.settled, o.is_failure) for o in Outcome)
    if sorted(conn.execute("SELECT * FROM outcomes").fetchall()) == rows:
        return
    sync = query("outcomes_sync").strip().rstrip(";")
    one = sync[sync.index("VALUES") + len("VALUES") :].strip()  # "(?, ?, ?, ?, ?)"
    statement = sync[: sync.index("VALUES")] + "VALUES " + ", ".join([one] * len(rows))
    conn.execute(statement, [v for row in rows for v in row])


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
    path: str | Path,
    *,
    read_only: bool = False,
    wait: float = READ_WAIT,
    migrate_schema: bool = True,
    log_mib: int = 0,
) -> duckdb.DuckDBPyConnection:
    """Open (and, for writing, create and migrate) the warehouse at ``path``.

    While another process holds it (a run loading a batch), retry for ``wait`` seconds, then raise
    ``WarehouseBusy``. ``migrate_schema=False`` skips the migration check, for a run that already
    migrated at its start and reopens the warehouse for each batch. ``log_mib`` > 0 (a run's batch):
    closing does not checkpoint; commits leave their changes in the write-ahead log (durable, read
    by the next connection, readers included) until it passes ``log_mib`` MiB, and the run
    checkpoints at its end (``[warehouse] checkpoint_mib``).
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
        if log_mib > 0:
            conn.execute("PRAGMA disable_checkpoint_on_shutdown")
            conn.execute(f"SET checkpoint_threshold = '{int(log_mib)}MiB'")
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
