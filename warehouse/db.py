"""Opening the warehouse and migrating it.

Migrations are ``migrations/NNNN_name.sql`` files applied in order, each in its own transaction
together with its row in ``schema_migrations``; views (``views/*.sql``) are re-created after every
migration run so they always match the code. A read-only connection never migrates.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from importlib import resources
from pathlib import Path

import duckdb

from newswatch.errors import WarehouseError
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


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and, for writing, create and migrate) the warehouse at ``path``."""
    _cache_missing_pandas()
    p = Path(path)
    if read_only:
        if not p.exists():
            raise WarehouseError(f"{p}: no warehouse here yet (run `newswatch run` first)")
        try:
            return duckdb.connect(str(p), read_only=True)
        except duckdb.Error as exc:
            raise WarehouseError(f"{p}: cannot open the warehouse: {exc}") from exc
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = duckdb.connect(str(p))
    except duckdb.Error as exc:
        raise WarehouseError(f"{p}: cannot open the warehouse: {exc}") from exc
    conn.execute("SET TimeZone = 'UTC'")
    migrate(conn)
    return conn


def quote_ident(name: str) -> str:
    """Quote an identifier for SQL (the only way identifiers enter a query)."""
    return '"' + name.replace('"', '""') + '"'
