"""`newswatch sql` (and reports, search) run sealed: read-only, no file or network access, locked.

Each statement the reliability probe found working is refused with a clear message, at both
layers: the statement check (what a user sees) and DuckDB's own settings underneath it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from analyst import shared, warehouse_path
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.warehouse.sealed import SealedError, connect_sealed, extension_file, run_query

runner = CliRunner()


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared(tmp_path_factory)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def attempts(config: Path, tmp: Path) -> dict[str, str]:
    wh = warehouse_path(config)
    other = tmp / "other.duckdb"
    duckdb.connect(str(other)).close()
    return {
        "copy over the warehouse": f"copy (select 1) to '{wh}'",
        "copy to a file": f"copy (select * from articles) to '{tmp / 'out.csv'}'",
        "export database": f"export database '{tmp / 'dump'}'",
        "attach read-write": f"attach '{other}' as other (read_only false)",
        "read_text": "select * from read_text('/etc/shadow')",
        "read_blob": "select * from read_blob('/proc/self/environ')",
        "glob": "select * from glob('/root/*')",
        "read_csv": "select * from read_csv('/etc/passwd')",
        "a URL": "select * from read_parquet('http://127.0.0.1:9/x.parquet')",
        "install": "install httpfs",
        "load": "load fts",
        "external access back on": "set enable_external_access = true",
        "unlock": "set lock_configuration = false",
        "a write": "delete from articles",
        "a new table": "create table t as select 1",
    }


def test_each_statement_is_refused_with_a_reason_and_the_warehouse_is_intact(
    config: Path, tmp_path: Path
) -> None:
    wh = warehouse_path(config)
    before = digest(wh)
    for what, statement in attempts(config, tmp_path).items():
        result = runner.invoke(app, ["sql", statement, "--config", str(config)])
        assert result.exit_code == 2, (what, result.output)
        assert "refused" in result.output, (what, result.output)
        assert "Traceback" not in result.output
    assert digest(wh) == before
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "dump").exists()
    ok = runner.invoke(
        app, ["sql", "select count(*) as n from articles", "--format", "json", "--config", str(config)]
    )
    assert ok.exit_code == 0 and '"n": 4' in ok.output


def test_duckdb_itself_refuses_when_the_statement_check_is_bypassed(config: Path, tmp_path: Path) -> None:
    wh = warehouse_path(config)
    before = digest(wh)
    conn = connect_sealed(wh, extensions=("fts",))
    try:
        for what, statement in attempts(config, tmp_path).items():
            if what == "load":  # LOAD of the extension already loaded is a no-op, not access
                continue
            with pytest.raises(duckdb.Error):
                conn.execute(statement)
        assert conn.execute("select current_setting('enable_external_access')").fetchone() == (False,)
    finally:
        conn.close()
    assert digest(wh) == before


@pytest.mark.parametrize(
    "query",
    ["select 1", "describe articles", "show tables", "pragma table_info('articles')", "from stories limit 1",
     "with x as (select 2 as y) select y from x", "explain select * from articles", "summarize stories"],
)  # fmt: skip
def test_reads_of_every_form_still_work(config: Path, query: str) -> None:
    conn = connect_sealed(warehouse_path(config))
    try:
        cols, _rows = run_query(conn, query)
        assert cols
    finally:
        conn.close()


def test_a_refused_statement_hidden_after_a_read_is_refused(config: Path) -> None:
    conn = connect_sealed(warehouse_path(config))
    try:
        with pytest.raises(SealedError, match="COPY"):
            run_query(conn, "select 1; copy (select 1) to 'x.csv'")
    finally:
        conn.close()


def test_the_search_extension_loads_from_its_package_file() -> None:
    path = extension_file("fts")
    assert path.name == "fts.duckdb_extension" and path.is_file()
