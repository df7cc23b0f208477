"""The SQL files and the helpers that run them: query(), quote_ident, transaction(), bulk.Table."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from newswatch.errors import WarehouseError
from newswatch.warehouse.bulk import Column, Stamp, Table
from newswatch.warehouse.db import connect, query, quote_ident, transaction

WAREHOUSE = Path(__file__).resolve().parents[2] / "warehouse"
QUERIES = sorted(p.stem for p in (WAREHOUSE / "queries").glob("*.sql"))


def test_every_query_file_is_used_and_every_used_query_has_a_file() -> None:
    root = WAREHOUSE.parent
    files = [p for d in ("warehouse", "newswatch", "flows", "sources") for p in (root / d).rglob("*.py")]
    code = "\n".join(p.read_text(encoding="utf-8") for p in files)
    used = set(re.findall(r"""query\(\s*["'](\w+)["']""", code))
    assert used == set(QUERIES)


def test_every_query_file_holds_one_statement() -> None:
    for name in QUERIES:
        sql = (WAREHOUSE / "queries" / f"{name}.sql").read_text(encoding="utf-8")
        code = "\n".join(line.split("--")[0] for line in sql.splitlines())
        assert code.strip().endswith(";") and code.count(";") == 1, name


def test_identifiers_enter_a_query_quoted_and_only_by_name() -> None:
    sql = query("article_rows_delete", table='odd "name"')
    assert 'DELETE FROM "odd ""name"""' in sql
    assert quote_ident("topics") == '"topics"'
    with pytest.raises(WarehouseError, match=r"takes identifiers \['table'\]"):
        query("article_rows_delete")
    with pytest.raises(WarehouseError, match="takes identifiers"):
        query("topics_delete", table="topics")
    with pytest.raises(WarehouseError, match=r"no query file queries/nope\.sql"):
        query("nope")


def test_a_transaction_commits_or_rolls_back_and_re_raises(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    with transaction(conn):
        conn.execute("INSERT INTO topics VALUES ('a', 'A', NULL, NULL, NULL)")
    with pytest.raises(KeyError), transaction(conn):
        conn.execute("INSERT INTO topics VALUES ('b', 'B', NULL, NULL, NULL)")
        raise KeyError("not a database error")
    with pytest.raises(duckdb.ConstraintException), transaction(conn):
        conn.execute("INSERT INTO topics VALUES ('c', 'C', NULL, NULL, NULL)")
        conn.execute("INSERT INTO topics VALUES ('a', 'again', NULL, NULL, NULL)")
    assert conn.execute("SELECT topic FROM topics").fetchall() == [("a",)]
    with transaction(conn):  # the connection is usable after a rollback
        conn.execute("DELETE FROM topics")


def test_one_declaration_gives_the_columns_the_types_the_values_and_the_upsert(tmp_path: Path) -> None:
    table: Table[tuple[str, int]] = Table(
        "t",
        (
            Column("k", "VARCHAR", lambda r, _: r[0]),
            Column("n", "INTEGER", lambda r, _: r[1]),
            Column("first", "TIMESTAMPTZ", lambda _, s: s.now),
            Column("total", "INTEGER", lambda r, _: r[1]),
        ),
        key=("k",),
        keep=frozenset({"first"}),
        merge={"total": "t.total + excluded.total"},
    )
    assert table.head == 'INSERT INTO "t" ("k", "n", "first", "total")'
    assert table.types == ("VARCHAR", "INTEGER", "TIMESTAMPTZ", "INTEGER")
    assert table.upsert == (
        'ON CONFLICT ("k") DO UPDATE SET "n" = excluded."n", "total" = t.total + excluded.total'
    )
    conn = connect(tmp_path / "w.duckdb")
    conn.execute("CREATE TABLE t (k VARCHAR PRIMARY KEY, n INTEGER, first TIMESTAMPTZ, total INTEGER)")
    day1, day2 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    table.write(conn, [("a", 1), ("b", 2)], Stamp(day1), upsert=False)
    table.write(conn, [("a", 5)], Stamp(day2))
    assert conn.execute("SELECT * FROM t ORDER BY k").fetchall() == [("a", 5, day1, 6), ("b", 2, day1, 2)]


def test_a_declaration_naming_a_column_it_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown columns"):
        Table("t", (Column("k", "VARCHAR", lambda r, _: r),), key=("id",))
    with pytest.raises(ValueError, match="duplicate"):
        Table("t", (Column("k", "VARCHAR", lambda r, _: r), Column("k", "VARCHAR", lambda r, _: r)))
