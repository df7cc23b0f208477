"""``newswatch reextract``: extraction re-run over the kept raw pages, without reading sources."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import duckdb
from extraction_support import FIXTURES
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.driver.runs import open_run, reextract
from newswatch.driver.stages import event_order, extract, load_indexes, process_and_load, read
from newswatch.records import RunStats
from newswatch.settings import SourceSpec, load_settings
from newswatch.sources.registry import SourceContext
from newswatch.topics.taxonomy import load_taxonomy
from newswatch.warehouse.db import connect
from newswatch.warehouse.loader import decode_raw

PAGES = ["bbc.com.52241221.html", "theguardian.com.academics.html", "rutgers.edu.robot.html"]


def _ingest(tmp_path: Path) -> tuple[Path, object]:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in PAGES:
        (folder / name).write_bytes(gzip.decompress((FIXTURES / f"{name}.gz").read_bytes()))
    db = tmp_path / "w.duckdb"
    settings = load_settings(db=db)
    settings = settings.model_copy(update={"sources": (SourceSpec(name="pages", kind="files", path=folder),)})
    taxonomy = load_taxonomy(settings.topics.taxonomy)
    conn = connect(db)
    haul = read(settings.sources[0], SourceContext(settings=settings))
    extraction = extract(haul.documents)
    ordered = event_order(extraction.articles)
    stats = RunStats(run_id="r_first")
    process_and_load(
        conn,
        ordered,
        extraction,
        settings=settings,
        taxonomy=taxonomy,
        indexes=load_indexes(conn, settings, ordered),
        stats=stats,
    )
    conn.close()
    return db, settings


def test_reextract_refreshes_metadata_and_rewrites_changed_text(tmp_path: Path) -> None:
    db, settings = _ingest(tmp_path)
    conn = connect(db)
    assert conn.execute("SELECT count(*) FROM raw_documents").fetchone() == (3,)
    # Simulate an older extractor: a wrong title and date on one article, a stale body on another.
    conn.execute("UPDATE articles SET title = 'old', published_at = NULL WHERE url LIKE '%bbc%'")
    conn.execute("UPDATE articles SET body = 'stale', content_hash = 'x' WHERE url LIKE '%rutgers%'")
    conn.close()
    with open_run(settings, command="reextract") as run:  # type: ignore[arg-type]
        refreshed = reextract(run)
    stats = run.stats
    conn = connect(db)
    assert stats.read == 3 and stats.failed == 0
    assert refreshed == 2 and stats.updated == 1
    title, published = conn.execute(
        "SELECT title, published_at FROM articles WHERE url LIKE '%bbc%'"
    ).fetchone()
    assert title != "old" and published is not None
    body = conn.execute("SELECT body FROM articles WHERE url LIKE '%rutgers%'").fetchone()[0]
    assert body != "stale" and "blood" in body
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (3,)
    conn.close()


def test_reextract_command_since_a_future_day_touches_nothing(tmp_path: Path) -> None:
    db, _ = _ingest(tmp_path)
    result = CliRunner().invoke(app, ["reextract", "--db", str(db), "--since", "2999-01-01"])
    assert result.exit_code == 0, result.output
    assert "re-extracted 0 pages" in result.output
    result = CliRunner().invoke(app, ["reextract", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "re-extracted 3 pages" in result.output
    conn = duckdb.connect(str(db), read_only=True)
    assert conn.execute("SELECT count(*) FROM runs WHERE command = 'reextract'").fetchone() == (2,)
    conn.close()
    bad = CliRunner().invoke(app, ["reextract", "--db", str(db), "--since", "yesterday"])
    assert bad.exit_code == 2


def test_reextract_reads_raw_rows_older_versions_stored_with_zlib(tmp_path: Path) -> None:
    db, settings = _ingest(tmp_path)
    conn = connect(db)
    rows = conn.execute("SELECT url, content FROM raw_documents").fetchall()
    conn.executemany(  # rewrite every row the way versions before zstd stored it
        "UPDATE raw_documents SET content = ? WHERE url = ?",
        [[zlib.compress(decode_raw(blob), 1), url] for url, blob in rows],
    )
    assert conn.execute("SELECT count(*) FROM raw_documents WHERE content[1:1] = 'x'::BLOB").fetchone() == (
        3,
    )
    conn.execute("UPDATE articles SET title = 'old' WHERE url LIKE '%bbc%'")
    conn.close()
    with open_run(settings, command="reextract") as run:  # type: ignore[arg-type]
        refreshed = reextract(run)
    stats = run.stats
    conn = connect(db)
    assert stats.read == 3 and stats.failed == 0 and refreshed == 3
    title = conn.execute("SELECT title FROM articles WHERE url LIKE '%bbc%'").fetchone()[0]
    assert title != "old"
    conn.close()
