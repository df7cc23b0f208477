"""`newswatch reindex`: the copy index's state is rebuilt from the warehouse, and copies still match."""

from __future__ import annotations

from pathlib import Path

from stories_support import FIXTURES, SEEDS, ingest_paths
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.settings import Settings
from newswatch.warehouse.db import connect


def test_reindex_rebuilds_signatures_and_later_copies_still_match(tmp_path: Path) -> None:
    db = tmp_path / "nw.duckdb"
    conn = connect(db)
    ingest_paths(conn, [SEEDS], Settings())
    conn.execute("DELETE FROM copy_signatures")  # lost or made with other settings
    conn.close()
    result = CliRunner().invoke(app, ["reindex", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "2 articles, 2 signatures" in result.output
    conn = connect(db)
    assert conn.execute("SELECT count(*) FROM copy_signatures").fetchone() == (2,)
    ingest_paths(conn, [FIXTURES / "seeds_plus"], Settings())  # the copies arrive in a later run
    copies = conn.execute("SELECT count(*) FROM articles WHERE copy_method = 'minhash'").fetchone()
    conn.close()
    assert copies == (2,)
