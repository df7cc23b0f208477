"""``newswatch export``: the warehouse's tables as Parquet or CSV files any tool reads.

One file per table (``articles.parquet``, ``stories.csv``, ...); with Parquet, ``articles`` is
Hive-partitioned by day (``articles/day=2026-11-23/data_0.parquet``), the layout DuckDB, pandas
(pyarrow) and Spark read as one table with a ``day`` column. The export is written into a temporary
folder beside ``out`` and renamed into place at the end, so ``out`` holds a whole export or none.
This is the way data leaves the warehouse: ``newswatch sql`` cannot write files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from newswatch.errors import NewswatchError
from newswatch.warehouse.db import quote_ident

# The tables users query (README's contract), in the order they are written. State the pipeline
# keeps for itself (copy signatures, raw bytes, source state) is not data to analyse.
TABLES = (
    "articles",
    "stories",
    "story_links",
    "story_merges",
    "topics",
    "article_topics",
    "entities",
    "article_entities",
    "fetches",
    "runs",
)
# The column each table's --since applies to (tables without one are exported whole).
SINCE_COLUMN = {
    "articles": "coalesce(published_at, first_seen_at)",
    "stories": "last_seen_at",
    "story_links": "assigned_at",
    "fetches": "fetched_at",
    "runs": "started_at",
}
# Child tables follow their articles: --since keeps the rows of the articles it keeps.
BY_ARTICLE = {"article_topics", "article_entities"}
FORMATS = ("parquet", "csv")


class ExportError(NewswatchError):
    """An export that cannot be made: unknown table or format, or an output folder in the way."""


@dataclass(slots=True)
class Exported:
    table: str
    rows: int
    path: Path  # final location (a file, or a folder for partitioned articles)


def _source_query(
    conn: duckdb.DuckDBPyConnection, table: str, since: date | None
) -> tuple[str, list[object]]:
    query = f"SELECT * FROM {quote_ident(table)}"
    if since is None:
        return query, []
    if table in SINCE_COLUMN:
        return f"{query} WHERE {SINCE_COLUMN[table]} >= ?", [since]
    if table in BY_ARTICLE:
        keep = f"SELECT article_id FROM articles WHERE {SINCE_COLUMN['articles']} >= ?"
        return f"{query} WHERE article_id IN ({keep})", [since]
    return query, []


def export(
    conn: duckdb.DuckDBPyConnection,
    out: Path,
    *,
    fmt: str = "parquet",
    tables: Sequence[str] | None = None,
    since: date | None = None,
    on_table: Callable[[str], None] | None = None,
) -> list[Exported]:
    """Write ``tables`` (default: all of :data:`TABLES`) into the folder ``out`` (see module doc).

    ``out`` must not exist or be an empty folder. ``on_table`` is told each table's name as it
    starts (for a progress bar).
    """
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    chosen = list(tables or TABLES)
    unknown = [t for t in chosen if t not in TABLES]
    if unknown:
        raise ExportError(
            f"no table {', '.join(map(repr, unknown))} to export; the tables are: {', '.join(TABLES)}"
        )
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(f"{out}: already exists and is not an empty folder (choose a new --out)")
    out.parent.mkdir(parents=True, exist_ok=True)
    present = {
        r[0]
        for r in conn.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
    }
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the export gets the umask's rights
    done: list[Exported] = []
    try:
        for table in chosen:
            if on_table:
                on_table(table)
            if table not in present:  # an older warehouse; say so with an empty result, not a crash
                continue
            query, params = _source_query(conn, table, since)
            rows = conn.execute(f"SELECT count(*) FROM ({query})", params).fetchone()
            count = int(rows[0]) if rows else 0
            if fmt == "parquet" and table == "articles":
                target = tmp / table
                source = (
                    f"SELECT *, CAST(timezone('UTC', coalesce(published_at, first_seen_at)) AS DATE) AS day"
                    f" FROM ({query})"
                )
                # An empty table still gets its folder, so readers find the table (with no rows).
                target.mkdir()
                if count:
                    _copy(
                        conn, source, params, target, "(FORMAT parquet, PARTITION_BY (day), COMPRESSION zstd)"
                    )
                else:
                    _copy(conn, source, params, target / "empty.parquet", "(FORMAT parquet)")
            else:
                target = tmp / f"{table}.{fmt}"
                options = (
                    "(FORMAT parquet, COMPRESSION zstd)" if fmt == "parquet" else "(FORMAT csv, HEADER true)"
                )
                _copy(conn, query, params, target, options)
            done.append(Exported(table, count, out / target.name))
        if out.exists():
            out.rmdir()  # empty (checked above)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return done


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _copy(
    conn: duckdb.DuckDBPyConnection, query: str, params: list[object], target: Path, options: str
) -> None:
    # COPY takes no parameter for its path; the path is ours (a temporary folder), quoted here.
    path = str(target).replace("'", "''")
    try:
        conn.execute(f"COPY ({query}) TO '{path}' {options}", params)
    except duckdb.Error as exc:
        raise ExportError(f"cannot write {target.name}: {exc}") from exc
