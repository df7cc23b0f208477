"""`newswatch export`: one file per table, articles partitioned by day, readable back; atomic."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest
from analyst import shared, warehouse_path
from nwtest import run_plain, write_config

from newswatch.warehouse.db import connect
from newswatch.warehouse.export import TABLES, ExportError, export


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return warehouse_path(shared(tmp_path_factory))


def counts(path: Path) -> dict[str, int]:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]
    finally:
        conn.close()


def test_parquet_export_reads_back_in_a_fresh_duckdb(wh: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    conn = connect(wh, read_only=True)
    try:
        done = export(conn, out, fmt="parquet")
    finally:
        conn.close()
    assert [d.table for d in done] == list(TABLES)
    expected = counts(wh)
    reader = duckdb.connect()
    for table in TABLES:
        if table == "articles":
            files = sorted((out / "articles").glob("day=*/*.parquet"))
            assert files  # Hive-partitioned by day
            got = reader.execute(
                "select count(*), count(distinct day) from read_parquet(?, hive_partitioning = true)",
                [f"{out}/articles/*/*.parquet"],
            ).fetchone()
            assert got is not None and got[0] == expected["articles"] and got[1] >= 1
        else:
            got = reader.execute(f"select count(*) from '{out / (table + '.parquet')}'").fetchone()
            assert got == (expected[table],), table
    titles = reader.execute(
        f"select title from read_parquet('{out}/articles/*/*.parquet') order by title"
    ).fetchall()
    assert any(t[0].startswith("Monsoon") for t in titles)


def test_csv_export_of_chosen_tables_since_a_day(wh: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    conn = connect(wh, read_only=True)
    try:
        done = export(conn, out, fmt="csv", tables=["articles", "article_topics"], since=date(2026, 11, 21))
    finally:
        conn.close()
    assert sorted(p.name for p in out.iterdir()) == ["article_topics.csv", "articles.csv"]
    with open(out / "articles.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # the monsoon article was published on 2026-11-20; the seeds have no date and were first seen today
    assert len(rows) == 3 and not any(r["title"].startswith("Monsoon") for r in rows)
    assert {d.table: d.rows for d in done}["articles"] == 3


def test_an_empty_warehouse_exports_empty_tables(tmp_path: Path) -> None:
    (tmp_path / "none").mkdir()
    run_plain(
        write_config(tmp_path, f'[[sources]]\nname = "none"\nkind = "files"\npath = "{tmp_path / "none"}"\n')
    )
    conn = connect(tmp_path / "nw.duckdb", read_only=True)
    try:
        done = export(conn, tmp_path / "out")
    finally:
        conn.close()
    assert {d.table: d.rows for d in done}["articles"] == 0
    got = duckdb.sql(f"select count(*) from read_parquet('{tmp_path}/out/articles/*.parquet')").fetchone()
    assert got == (0,)


def test_export_is_all_or_nothing_and_never_overwrites(wh: Path, tmp_path: Path) -> None:
    conn = connect(wh, read_only=True)
    try:
        taken = tmp_path / "taken"
        taken.mkdir()
        (taken / "keep.txt").write_text("mine", encoding="utf-8")
        with pytest.raises(ExportError, match="not an empty folder"):
            export(conn, taken)
        assert [p.name for p in taken.iterdir()] == ["keep.txt"]
        with pytest.raises(ExportError, match="no table 'nope'"):
            export(conn, tmp_path / "x", tables=["articles", "nope"])
        with pytest.raises(ExportError, match="--format"):
            export(conn, tmp_path / "x", fmt="xlsx")

        # a failure midway leaves no output folder and no temporary folder behind
        def boom(table: str) -> None:
            if table == "topics":
                raise RuntimeError("interrupted")

        with pytest.raises(RuntimeError):
            export(conn, tmp_path / "half", on_table=boom)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    finally:
        conn.close()


def test_pandas_reads_the_partitioned_articles(wh: Path, tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    conn = connect(wh, read_only=True)
    try:
        export(conn, tmp_path / "out", tables=["articles"])
    finally:
        conn.close()
    frame = pandas.read_parquet(tmp_path / "out" / "articles")
    assert len(frame) == 4 and "day" in frame.columns
