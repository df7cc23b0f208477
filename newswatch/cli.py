"""The ``newswatch`` command: a few lines over tested functions for each subcommand.

The CLI sits on top of every package: it imports flows, sources and warehouse lazily, inside the
commands, so ``newswatch sql`` and ``newswatch digest`` start fast and never load Prefect.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from newswatch.cli_output import console, err, plural, progress, write_rows
from newswatch.errors import NewswatchError

app = typer.Typer(
    name="newswatch",
    help="News monitoring ETL: ingest outlets, collapse copies, group stories, tag topics, "
    "load a DuckDB warehouse, write a daily digest.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"newswatch {version('newswatch')}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Exit codes: 0 ok; 1 the run (or the lookup) failed; 2 usage, configuration or query error."""


ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Configuration file (default: $NEWSWATCH_CONFIG, else sources/newswatch.toml).",
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file (default: $NEWSWATCH_DB, else data/newswatch.duckdb)."),
]


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class StoryFormat(str, Enum):
    """A story is a report, not a table: plain text or JSON (csv is refused, not printed as text)."""

    table = "table"
    json = "json"


class DigestFormat(str, Enum):
    md = "md"
    html = "html"


# Exit codes: 0 done; 1 the run failed; 2 a usage or configuration error; 3 the warehouse was busy
# (another run kept writing longer than [warehouse] write_wait, or a reader gave up after read_wait).
EXIT_BUSY = 3


def _fail(exc: Exception) -> typer.Exit:
    from rich.markup import escape

    from newswatch.errors import WarehouseBusy

    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code=EXIT_BUSY if isinstance(exc, WarehouseBusy) else 2)


def _settings(config: Path | None, db: Path | None) -> Any:
    from newswatch.settings import load_settings

    return load_settings(config, db=db)


NoPrefectOpt = Annotated[
    bool,
    typer.Option(
        "--no-prefect",
        help="Run the same stages in this process without Prefect (no server, no flow run, no artifact).",
    ),
]


def _run_flow(
    config: Path | None, db: Path | None, inputs: list[str] | None, no_prefect: bool = False
) -> None:
    settings = _settings(config, db)  # fail fast, before Prefect starts, on a bad configuration
    from newswatch.driver.hygiene import start_reaper
    from newswatch.driver.runs import configured_taxonomy
    from newswatch.errors import ConfigError

    try:  # and on a bad taxonomy file: one line naming the configuration, the key and the reason
        configured_taxonomy(settings.topics)  # kept: the run uses it
    except ConfigError as exc:
        raise ConfigError(f"topics.taxonomy: {exc}", path=str(settings.config_path)) from exc
    start_reaper()  # Prefect's temporary server and the pool's workers end with this process
    if no_prefect:
        summary = _run_plain(settings, inputs)
    else:
        from newswatch.flows.runners import configured_run, from_command_line

        # On the task runner [runner] names (threads by default, or Dask).
        with from_command_line():
            summary = configured_run(settings)(
                config=str(config) if config else None, db=str(db) if db else None, inputs=inputs
            )
    _print_summary(summary)
    if summary.get("status") != "completed":
        raise typer.Exit(code=1)


def _run_plain(settings: Any, inputs: list[str] | None) -> dict[str, Any]:
    """The flow's stages in this process (``newswatch.driver.runs``), Prefect not imported."""
    from dataclasses import asdict

    from newswatch.digest.deliver import today_in
    from newswatch.driver.runs import ad_hoc_sources, run_locally
    from newswatch.warehouse.db import connect

    if inputs:
        settings = settings.model_copy(update={"sources": ad_hoc_sources(inputs)})
    try:
        stats = run_locally(
            settings, command="ingest" if inputs else "run", digest_day=today_in(settings.digest.timezone)
        )
    except NewswatchError:
        raise
    except Exception as exc:  # recorded as a failed run; the summary says so
        err.print(f"[bold red]run failed:[/] {type(exc).__name__}: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from exc
    summary = asdict(stats)
    summary["warehouse"] = str(settings.warehouse.path)
    conn = connect(settings.warehouse.path, read_only=True, wait=settings.warehouse.read_wait)
    try:
        row = conn.execute("SELECT count(*) FROM stories").fetchone()
    finally:
        conn.close()
    summary["stories"] = int(row[0]) if row else 0
    return summary


def _print_summary(s: dict[str, Any]) -> None:
    console.print(
        f"read {plural(s['read'], 'article')}: {s['new']} new, {s['updated']} updated, "
        f"{s['unchanged']} unchanged; {plural(s['copies'], 'copy', 'copies')}; "
        f"{plural(s['failed'], 'failed input')}\n"
        f"stories: {s['stories_new']} new, {s['stories_touched']} touched, {s['stories']} in the warehouse; "
        f"topic tags: {s['topics']}\n"
        f"warehouse: {s['warehouse']}\ndigest: {s['digest_path']}",
        highlight=False,
    )
    if s.get("failed"):
        _print_failed_inputs(s["warehouse"], s["run_id"], s["failed"])


FAILED_SHOWN = 5


def _print_failed_inputs(warehouse: str, run_id: str, failed: int) -> None:
    """Name the run's first failed inputs with their reasons; the rest are in ``fetches``."""
    from newswatch.warehouse.db import connect

    try:
        conn = connect(warehouse, read_only=True)
    except NewswatchError:
        return
    try:
        rows = conn.execute(
            "SELECT f.url, f.outcome, f.error FROM fetches AS f LEFT JOIN outcomes AS o USING (outcome)"
            " WHERE f.run_id = ? AND coalesce(o.failure, true) ORDER BY f.fetch_id LIMIT ?",
            [run_id, FAILED_SHOWN],
        ).fetchall()
    finally:
        conn.close()
    for url, outcome, error in rows:
        # soft_wrap: a URL stays whole (the terminal wraps it; copy and paste keep it)
        reason = (error or "").removeprefix(f"{url}: ")  # errors often start with the input's name
        line = f"  failed: {url}: {outcome}{f' ({reason})' if reason else ''}"
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    if failed > len(rows):
        console.print(
            f"  ... {plural(failed - len(rows), 'more failed input')}: see fetches"
            f" (newswatch sql \"select url, outcome, error from fetches where run_id = '{run_id}'\")",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


@app.command()
def run(config: ConfigOpt = None, db: DbOpt = None, no_prefect: NoPrefectOpt = False) -> None:
    """The main job: read every configured source, run all stages, write today's digest."""
    try:
        _run_flow(config, db, None, no_prefect)
    except NewswatchError as exc:
        raise _fail(exc) from exc


@app.command()
def ingest(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Files, folders or URLs to ingest.", metavar="PATH_OR_URL..."),
    ],
    config: ConfigOpt = None,
    db: DbOpt = None,
    no_prefect: NoPrefectOpt = False,
) -> None:
    """Run all stages on the named files, folders or URLs instead of the configured sources."""
    try:
        _run_flow(config, db, inputs, no_prefect)
    except NewswatchError as exc:
        raise _fail(exc) from exc


@app.command()
def digest(
    day: Annotated[
        str | None,
        typer.Option("--date", help="Day (YYYY-MM-DD) in [digest] timezone; default today there."),
    ] = None,
    fmt: Annotated[DigestFormat, typer.Option("--format", "-f", help="Output format.")] = DigestFormat.md,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Also send it to the [digest] notify targets (e-mail, webhooks).")
    ] = False,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Print (or write, or send) the digest of the stories first seen or updated on a day: ranked,
    summarised, with their outlets, names, topics and what is new (see docs/digest.md)."""
    from newswatch.digest.deliver import notify, today_in
    from newswatch.warehouse.db import connect
    from newswatch.warehouse.digests import record_issued_at
    from newswatch.warehouse.reports import configured_digest

    try:
        settings = _settings(config, db)
        when = date.fromisoformat(day) if day else today_in(settings.digest.timezone)
    except ValueError as exc:
        raise _fail(ValueError(f"--date {day!r}: expected YYYY-MM-DD")) from exc
    except NewswatchError as exc:
        raise _fail(exc) from exc
    if send and not settings.digest.notify:
        err.print("error: --send: no [digest] notify targets are configured", highlight=False, markup=False)
        raise typer.Exit(code=2)
    send_fmt = settings.digest.notify_format
    formats = [fmt.value] + ([send_fmt] if send and send_fmt != fmt.value else [])
    try:
        conn = connect(settings.warehouse.path, read_only=True, wait=settings.warehouse.read_wait)
        try:
            issued, texts = configured_digest(conn, when, settings, formats=formats)
        finally:
            conn.close()
    except NewswatchError as exc:
        raise _fail(exc) from exc
    text = texts[fmt.value]
    if out:
        from newswatch.atomic import write_atomically

        write_atomically(out, text)
        err.print(f"wrote {out}", highlight=False, markup=False)
    else:
        sys.stdout.write(text)
    results = []
    if send:
        title = f"newswatch digest — {when.isoformat()}"
        results = notify(settings.digest.notify, title=title, body=texts[send_fmt], fmt=send_fmt)
        for r in results:
            err.print(f"{'sent to' if r.ok else 'not sent to'} {r.target}{'' if r.ok else ': ' + r.reason}",
                      highlight=False, markup=False, soft_wrap=True)  # fmt: skip
    # A digest written to a file or sent is issued: the next one says what is new since it. One
    # printed to the terminal is a preview and is not recorded.
    delivered = ([fmt.value] if out else []) + ([send_fmt] if send and any(r.ok for r in results) else [])
    if delivered:
        w = settings.warehouse
        record_issued_at(w.path, issued, sorted(set(delivered)), "cli", wait=w.write_wait)
    if send and not all(r.ok for r in results):
        raise typer.Exit(code=1)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Run read-only SQL against the warehouse (tables: articles, stories, topics, article_topics,
    entities, article_entities; views: story_topics, story_entities, ...). The query runs sealed:
    no writes, no file or network access, settings locked (see docs/analysis.md)."""
    from newswatch.warehouse.sealed import connect_sealed, run_query

    try:
        settings = _settings(config, db)
        conn = connect_sealed(
            settings.warehouse.path, extensions=_search_extensions(), wait=settings.warehouse.read_wait
        )
    except NewswatchError as exc:
        raise _fail(exc) from exc
    try:
        cols, rows = run_query(conn, query)
    except NewswatchError as exc:
        raise _fail(exc) from exc
    finally:
        conn.close()
    write_rows(cols, rows, fmt.value)


def _search_extensions() -> tuple[str, ...]:
    """fts when its package is installed, so SQL can call the search index's match_bm25 too."""
    import importlib.util

    return ("fts",) if importlib.util.find_spec("duckdb_extension_fts") else ()


@app.command()
def serve(
    config: ConfigOpt = None,
    db: DbOpt = None,
    cron: Annotated[str, typer.Option(help="When to run the main job (cron, in --timezone).")] = "0 * * * *",
    digest_cron: Annotated[
        str, typer.Option(help="When to write the daily digest (cron, in --timezone).")
    ] = "0 7 * * *",
    timezone: Annotated[
        str, typer.Option(help="Timezone of both schedules (IANA name, e.g. Asia/Karachi).")
    ] = "UTC",
    digest_days_ago: Annotated[
        int, typer.Option(min=0, help="The digest's day: 0 today, 1 yesterday (UTC days).")
    ] = 1,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Port of the Prefect server it starts (default 4200 when free)."),
    ] = None,
) -> None:
    """Run the hourly ingest and the daily digest on their schedules in this process (Ctrl-C stops).

    Uses the Prefect server at PREFECT_API_URL, or starts one on 127.0.0.1 for as long as it runs;
    either way it prints the UI's address."""
    try:
        _settings(config, db)
        from newswatch.flows.serve import serve_schedules

        serve_schedules(
            config=str(config) if config else None,
            db=str(db) if db else None,
            cron=cron,
            digest_cron=digest_cron,
            timezone=timezone,
            digest_days_ago=digest_days_ago,
            port=port,
            say=lambda line: console.print(line, highlight=False, markup=False, soft_wrap=True),
        )
    except NewswatchError as exc:
        raise _fail(exc) from exc


@app.command()
def tag(
    title: Annotated[str, typer.Argument(help="The headline to tag.")],
    body: Annotated[str, typer.Option("--body", "-b", help="Article text (or use --file).")] = "",
    file: Annotated[Path | None, typer.Option("--file", help="Read the article text from a file.")] = None,
    config: ConfigOpt = None,
    taxonomy: Annotated[
        Path | None, typer.Option("--taxonomy", "-t", help="Taxonomy file (default: the configured one).")
    ] = None,
) -> None:
    """Tag one article with topics and entities, with scores and evidence (checks the taxonomy).

    The text goes through the same cleaning as ingested articles (boilerplate lines, share bars,
    repeats, language), so it gets the tags and entities a run would give it."""
    from newswatch.clean import clean
    from newswatch.driver.derive import entity_text
    from newswatch.entities.names import extract_entities
    from newswatch.extract.encoding import decode
    from newswatch.language import reads_english
    from newswatch.records import Extracted
    from newswatch.topics.taxonomy import load_configured, tag_article

    if file is not None and body:
        raise _fail(NewswatchError("give the article text with --body or --file, not both"))
    try:
        section = _settings(config, None).topics
        tax = load_configured(section.model_copy(update={"taxonomy": taxonomy}) if taxonomy else section)
        # The article file is decoded as ingestion decodes a file source's: UTF-8, else the
        # character set its bytes fit (an error naming the file when none does, or it is binary).
        text = decode(file.read_bytes(), name=str(file))[0] if file else body
    except (NewswatchError, OSError) as exc:
        raise _fail(exc) from exc
    art = clean(Extracted(title=title, body=text), source="tag", url="tag:article")
    if not reads_english(art.language):
        console.print(
            f"language: {art.language} (the topic classifier and the names rules read English: "
            "only explicit matches, places, organisations and people)",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    for t in tag_article(art, tax):
        console.print(f"[bold]{t.topic}[/] {t.score}", highlight=False)
        for ev in t.evidence:
            console.print(f"    {ev}", highlight=False, markup=False, soft_wrap=True)
    for e in extract_entities(art.title, entity_text(art), tax.entities, language=art.language):
        console.print(
            f"{e.kind:12} {e.name} ×{e.mentions} {e.country_code or ''} [{e.entity_id}]",
            markup=False,
            soft_wrap=True,
        )


sources_app = typer.Typer(
    help="Configured sources and their health; `newswatch sources discover URL` finds a site's feeds.",
    invoke_without_command=True,
)
app.add_typer(sources_app, name="sources")


@sources_app.callback()
def sources(
    ctx: typer.Context,
    config: ConfigOpt = None,
    db: DbOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """List configured sources with their health: articles, last success, failures (all, and in a
    row for web sources), items seen and new on the last read, back-off, and the last error."""
    if ctx.invoked_subcommand is not None:
        return
    from newswatch.warehouse.db import connect
    from newswatch.warehouse.state import read_source_health

    try:
        settings = _settings(config, db)
    except NewswatchError as exc:
        raise _fail(exc) from exc
    health: dict[str, dict[str, Any]] = {}
    if Path(settings.warehouse.path).exists():
        conn = connect(settings.warehouse.path, read_only=True, wait=settings.warehouse.read_wait)
        try:
            health = read_source_health(conn)
        finally:
            conn.close()
    write_rows(*source_rows(settings.sources, health), fmt.value, count=False)


def source_rows(specs: Any, health: dict[str, dict[str, Any]]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """One row per configured source; the most useful columns first (a narrow terminal drops the last).

    ``failures`` is the ``source_health`` view's count of failed reads; ``in a row`` is what the
    back-off of a web source counts (files sources keep no such count).
    """
    cols = [
        "name", "kind", "articles", "failures", "last success", "last error", "in a row", "seen/new",
        "back off until", "location",
    ]  # fmt: skip
    rows = []
    for spec in specs:
        h = health.get(spec.name, {})
        web = spec.kind != "files"
        rows.append(
            (
                spec.name if spec.enabled else f"{spec.name} (disabled)",
                spec.kind,
                h.get("articles") or 0,
                h.get("failures") or 0,
                h.get("last_success_at") or "never",
                h.get("last_error"),
                (h.get("consecutive_failures") or 0) if web else None,
                f"{h.get('items_seen') or 0}/{h.get('items_new') or 0}" if web else None,
                h.get("backoff_until"),
                spec.location,
            )
        )
    return cols, rows


@sources_app.command("discover")
def sources_discover(
    url: Annotated[str, typer.Argument(help="A homepage (or any page) of the site.")],
    config: ConfigOpt = None,
    db: DbOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """List the feeds a page advertises (its link rel="alternate" tags), to add as feed sources."""
    from newswatch.sources.discover import discover
    from newswatch.sources.http import make_client

    try:
        settings = _settings(config, db)
        with make_client(settings) as client:
            kind, feeds = discover(url, client)
    except NewswatchError as exc:
        raise _fail(exc) from exc
    if kind != "page":
        console.print(f"{url} is itself a {kind}: use kind = {kind!r}", highlight=False)
        return
    if not feeds:
        console.print(f"{url} advertises no feeds", highlight=False)
        raise typer.Exit(code=1)
    write_rows(["type", "title", "url"], [(f.type, f.title, f.url) for f in feeds], fmt.value, count=False)


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="A story id (s_...); a merged story's old id works too.")],
    fmt: Annotated[
        StoryFormat, typer.Option("--format", "-f", help="table (plain text) or json.")
    ] = StoryFormat.table,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Show a story: members, outlets, first/last seen, the evidence, and where versions differ."""
    from newswatch.warehouse.db import connect
    from newswatch.warehouse.story_report import as_json, render_text, story_report

    try:
        settings = _settings(config, db)
        conn = connect(settings.warehouse.path, read_only=True, wait=settings.warehouse.read_wait)
    except NewswatchError as exc:
        raise _fail(exc) from exc
    try:
        report = story_report(conn, story_id)
    finally:
        conn.close()
    if report is None:
        raise _fail(NewswatchError(f"no story {story_id!r} in {settings.warehouse.path}"))
    if fmt is StoryFormat.json:
        typer.echo(json.dumps(as_json(report), indent=2, ensure_ascii=False))
    else:
        typer.echo(render_text(report))


@app.command()
def reindex(config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Rebuild the copy index (MinHash signatures, then the index file beside the warehouse) and the
    search index from the warehouse."""
    from newswatch.warehouse.db import connect, run_lock
    from newswatch.warehouse.search import refresh_index
    from newswatch.warehouse.state import copy_store, rebuild_copy_index, rebuild_copy_signatures

    try:
        settings = _settings(config, db)
        wh = settings.warehouse
        with run_lock(wh.path, wait=wh.write_wait):  # not between a run's batches
            conn = connect(wh.path, wait=wh.write_wait)
            try:
                with progress("reindex:", 3) as step:
                    step("copy signatures")
                    articles, signed = rebuild_copy_signatures(conn, settings.copies)
                    step("copy index")
                    index = rebuild_copy_index(conn, settings.copies)
                    store = copy_store(conn, settings.copies)
                    step("search index")
                    searchable = refresh_index(conn, force=True)
            finally:
                conn.close()
    except NewswatchError as exc:
        raise _fail(exc) from exc
    where = f" in {store.path} ({store.size_bytes():,} bytes)" if store is not None else ""
    typer.echo(
        f"{plural(articles, 'article')}, {plural(signed, 'signature')}"
        f" ({settings.copies.num_perm} permutations, {settings.copies.shingle_size}-word shingles);"
        f" copy index of {plural(len(index), 'article')}{where};"
        f" search index of {plural(searchable.articles, 'article')} ({searchable.seconds:.1f} s)"
    )


@app.command()
def reextract(
    since: Annotated[
        str | None, typer.Option("--since", help="Only raw pages stored on or after this day (YYYY-MM-DD).")
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Re-run extraction over the stored raw pages (no fetching) and update their articles."""
    try:
        when = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
    except ValueError as exc:
        raise _fail(ValueError(f"--since {since!r}: expected YYYY-MM-DD")) from exc
    from newswatch.driver.runs import open_run
    from newswatch.driver.runs import reextract as run_reextract

    try:
        settings = _settings(config, db)
        with open_run(settings, command="reextract") as active_run:
            refreshed = run_reextract(active_run, since=when)
    except NewswatchError as exc:
        raise _fail(exc) from exc
    stats = active_run.stats
    console.print(
        f"re-extracted {stats.read} pages: {stats.new + stats.updated} with changed text, "
        f"{refreshed} with the same text (metadata refreshed); {stats.failed} no longer extract",
        highlight=False,
    )


# The analyst's commands (search, report, export, runs) register themselves on ``app``.
from newswatch import cli_tools  # noqa: E402, F401


def main() -> None:
    app()


if __name__ == "__main__":
    main()
