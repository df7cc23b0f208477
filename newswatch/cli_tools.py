"""The analyst's commands: ``search``, ``report``, ``export`` and ``runs``, each a few lines over
``newswatch.warehouse.search``, ``.named_reports`` and ``.export``.

``search`` and ``report`` read through the sealed connection (read-only, no file or network access,
settings locked), like ``newswatch sql``. ``export`` is the one way data leaves as files.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from newswatch.cli import ConfigOpt, DbOpt, OutputFormat, _fail, _settings, app
from newswatch.cli_output import err, marked, plural, progress, write_rows
from newswatch.errors import NewswatchError


def _day(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise _fail(ValueError(f"{option} {text!r}: expected YYYY-MM-DD")) from exc


class ExportFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to look for in titles and bodies (BM25 ranking).")],
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only articles published (or first seen) on or after YYYY-MM-DD."),
    ] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", help="Only articles tagged with this topic or one under it.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Only this outlet or configured source.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many stories.")] = 20,
    fmt: FormatOpt = OutputFormat.table,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Full-text search: the stories whose articles match, best first, copies collapsed, with the
    best matching sentence of each (matched terms marked)."""
    from newswatch.warehouse.sealed import connect_sealed
    from newswatch.warehouse.search import search as run_search

    after = _day("--since", since)
    try:
        settings = _settings(config, db)
        conn = connect_sealed(settings.warehouse.path, extensions=("fts",), wait=settings.warehouse.read_wait)
        try:
            hits = run_search(conn, query, since=after, topic=topic, source=source, limit=limit)
        finally:
            conn.close()
    except NewswatchError as exc:
        raise _fail(exc) from exc
    rows = [h.as_row() for h in hits]
    cols = [
        "story_id",
        "title",
        "score",
        "articles",
        "copies",
        "outlets",
        "published_at",
        "article_id",
        "url",
        "snippet",
    ]
    if fmt is OutputFormat.table:
        # On a terminal the snippet says most; ids and URLs are for --format json/csv.
        cols = ["title", "snippet", "score", "articles", "outlets", "story_id"]
    write_rows(
        cols,
        [tuple(r[c] for c in cols) for r in rows],
        fmt.value,
        markup=lambda col, value: marked(value) if col == "snippet" else marked(_cell(value)),
        count=False,
    )
    if fmt is OutputFormat.table:
        err.print(plural(len(rows), "story", "stories"), style="dim", highlight=False)


def _cell(value: Any) -> str:
    from newswatch.cli_output import cell

    return cell(value).replace("**", "")


@app.command()
def report(
    name: Annotated[str | None, typer.Argument(help="The report to run; none: list the reports.")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="A parameter as key=value (repeatable).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Run a named report (SQL under warehouse/reports) with its parameters, or list the reports."""
    from newswatch.warehouse.named_reports import get_report, parse_params, reports, run_report
    from newswatch.warehouse.sealed import connect_sealed

    if name is None:
        listed = [
            (
                r.name,
                r.description,
                ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in r.params),
            )
            for r in reports().values()
        ]
        write_rows(["report", "description", "parameters"], listed, fmt.value, count=False)
        return
    try:
        get_report(name).bind(parse_params(param or []))  # a usage error before opening anything
        settings = _settings(config, db)
        conn = connect_sealed(settings.warehouse.path, wait=settings.warehouse.read_wait)
        try:
            cols, rows = run_report(conn, name, parse_params(param or []))
        finally:
            conn.close()
    except NewswatchError as exc:
        raise _fail(exc) from exc
    write_rows(cols, rows, fmt.value)


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="A new (or empty) folder for the files.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="File format.")] = ExportFormat.parquet,
    table: Annotated[
        list[str] | None, typer.Option("--table", "-t", help="Only this table (repeatable); default: all.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only rows from YYYY-MM-DD on (articles: published or first seen)."),
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Write the warehouse's tables as Parquet (articles partitioned by day) or CSV files, one per table."""
    from newswatch.warehouse.db import connect
    from newswatch.warehouse.export import TABLES
    from newswatch.warehouse.export import export as run_export

    after = _day("--since", since)
    try:
        settings = _settings(config, db)
        conn = connect(settings.warehouse.path, read_only=True, wait=settings.warehouse.read_wait)
        try:
            with progress("exporting", len(table or TABLES)) as step:
                done = run_export(conn, out, fmt=fmt.value, tables=table, since=after, on_table=step)
        finally:
            conn.close()
    except NewswatchError as exc:
        raise _fail(exc) from exc
    write_rows(
        ["table", "rows", "path"], [(d.table, d.rows, str(d.path)) for d in done], "table", count=False
    )


@app.command()
def runs(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many runs, newest first.")] = 10,
    fmt: FormatOpt = OutputFormat.table,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """The latest runs with their status and counts (the runs table)."""
    from newswatch.warehouse.sealed import connect_sealed, run_query

    try:
        settings = _settings(config, db)
        conn = connect_sealed(settings.warehouse.path, wait=settings.warehouse.read_wait)
        try:
            cols, rows = run_query(
                conn,
                "SELECT run_id, status, started_at, articles_read AS read, articles_new AS new,"
                " articles_updated AS updated, failures, command, finished_at, stories_new, error"
                " FROM runs ORDER BY started_at DESC LIMIT $limit",
                {"limit": limit},
            )
        finally:
            conn.close()
    except NewswatchError as exc:
        raise _fail(exc) from exc
    write_rows(cols, rows, fmt.value)
