"""The sealed connection that ``newswatch sql``, ``newswatch report`` and ``newswatch search`` use.

A user's query runs against the warehouse and nothing else: the file is opened read-only, DuckDB's
``enable_external_access`` is off (no file or network reads or writes: ``COPY ... TO``, ``EXPORT``,
``ATTACH``, ``read_text``, ``read_blob``, ``glob``, ``INSTALL``, URLs), and ``lock_configuration`` keeps
any statement from turning it back on. Extensions a command needs (``fts`` for search) are loaded from
their installed package before the seal, never downloaded.

Two layers: DuckDB's own settings are what make it safe; :func:`check_statements` only refuses what
the settings would refuse (and a few harmless no-ops such as ``LOAD fts`` once loaded) with a message
that says why, before DuckDB sees the statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from newswatch.errors import NewswatchError
from newswatch.warehouse.db import READ_WAIT, connect

# What a user's query may be: reads, and the read-only PRAGMA / CALL forms (table_info, show, ...).
ALLOWED = {
    duckdb.StatementType.SELECT,
    duckdb.StatementType.EXPLAIN,
    duckdb.StatementType.PRAGMA,
    duckdb.StatementType.CALL,
}
# Why each refused kind is refused, in words a user can act on.
REFUSED = {
    duckdb.StatementType.COPY: "COPY reads or writes files; use `newswatch export` to take data out",
    duckdb.StatementType.COPY_DATABASE: "COPY FROM DATABASE writes another database",
    duckdb.StatementType.EXPORT: "EXPORT DATABASE writes files; use `newswatch export`",
    duckdb.StatementType.ATTACH: "ATTACH opens other database files",
    duckdb.StatementType.DETACH: "DETACH changes the open databases",
    duckdb.StatementType.LOAD: "INSTALL and LOAD add extensions (file and network access)",
    duckdb.StatementType.EXTENSION: "extension statements are not allowed",
    duckdb.StatementType.SET: "SET/RESET/USE change the session's settings, which are locked",
    duckdb.StatementType.VARIABLE_SET: "SET VARIABLE changes the session",
}


class SealedError(NewswatchError):
    """A statement the sealed connection does not run, with the reason."""


def seal(conn: duckdb.DuckDBPyConnection, *, extensions: Iterable[str] = ()) -> duckdb.DuckDBPyConnection:
    """Load ``extensions`` from their packages, then turn external access off and lock the settings."""
    conn.execute("SET autoinstall_known_extensions = false")
    conn.execute("SET autoload_known_extensions = false")
    conn.execute("SET TimeZone = 'UTC'")
    for name in extensions:
        load_packaged_extension(conn, name)
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")
    return conn


def connect_sealed(
    path: str | Path, *, extensions: Iterable[str] = (), wait: float = READ_WAIT
) -> duckdb.DuckDBPyConnection:
    """The warehouse at ``path``, read-only and sealed (see the module docstring); a writer's lock is
    waited out for up to ``wait`` seconds, as every reader does."""
    conn = connect(path, read_only=True, wait=wait)
    try:
        return seal(conn, extensions=extensions)
    except BaseException:
        conn.close()
        raise


def extension_file(name: str) -> Path:
    """The ``.duckdb_extension`` file that the ``duckdb-extension-NAME`` package ships for this DuckDB."""
    import importlib

    try:
        package = importlib.import_module(f"duckdb_extension_{name}")
    except ImportError as exc:
        raise NewswatchError(
            f"the DuckDB extension {name!r} is not installed (pip install duckdb-extension-{name})"
        ) from exc
    root = Path(package.__file__ or "").parent / "extensions"
    found = sorted(root.glob(f"v{duckdb.__version__}/{name}.duckdb_extension"))
    if not found:
        raise NewswatchError(
            f"duckdb-extension-{name} ships no {name}.duckdb_extension for DuckDB {duckdb.__version__}"
        )
    return found[0]


def load_packaged_extension(conn: duckdb.DuckDBPyConnection, name: str) -> None:
    """LOAD an extension from its package file (no INSTALL into the home folder, no download)."""
    loaded = conn.execute(
        "SELECT loaded FROM duckdb_extensions() WHERE extension_name = ?", [name]
    ).fetchone()
    if loaded and loaded[0]:
        return
    path = str(extension_file(name)).replace("'", "''")
    conn.execute(f"LOAD '{path}'")  # LOAD takes no parameters; the path is quoted above


def check_statements(conn: duckdb.DuckDBPyConnection, query: str) -> None:
    """Refuse, with the reason, any statement of ``query`` that is not a read."""
    try:
        statements = conn.extract_statements(query)
    except duckdb.Error as exc:
        raise SealedError(f"SQL error: {exc}") from exc
    if not statements:
        raise SealedError("SQL error: no statement to run")
    for st in statements:
        if st.type in ALLOWED:
            continue
        why = REFUSED.get(st.type, f"{st.type.name} statements change the warehouse")
        raise SealedError(f"refused: {why} (queries here are read-only, without file or network access)")


def explain_error(exc: duckdb.Error) -> str:
    """A DuckDB error raised by a sealed connection, said plainly."""
    if isinstance(exc, duckdb.PermissionException):
        return f"refused: file and network access are off for queries here ({exc})"
    if "read-only mode" in str(exc):
        return f"refused: the warehouse is opened read-only here ({exc})"
    if "configuration has been locked" in str(exc):
        return f"refused: settings are locked for queries here ({exc})"
    return f"SQL error: {exc}"


def run_query(
    conn: duckdb.DuckDBPyConnection, query: str, params: dict[str, object] | None = None
) -> tuple[list[str], list[tuple[object, ...]]]:
    """Run a user's query on a sealed connection: (column names, rows); errors as :class:`SealedError`."""
    check_statements(conn, query)
    try:
        cur = conn.execute(query, params) if params else conn.execute(query)
        cols = [d[0] for d in cur.description or []]
        return cols, cur.fetchall()
    except duckdb.Error as exc:
        raise SealedError(explain_error(exc)) from exc
