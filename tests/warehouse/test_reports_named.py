"""Named reports: every shipped report has a header, runs on an empty and a populated warehouse,
binds its parameters as values, and refuses parameters it does not take."""

from __future__ import annotations

from pathlib import Path

import pytest
from analyst import shared, warehouse_path
from nwtest import run_plain, write_config

from newswatch.warehouse.named_reports import ReportError, parse_params, parse_report, reports, run_report
from newswatch.warehouse.sealed import connect_sealed

EXPECTED = {
    "top_stories", "topic_trend", "story_timeline", "story_outlets", "source_health", "article_copies",
    "watchlist_hits",
}  # fmt: skip


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return warehouse_path(shared(tmp_path_factory))


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("empty")
    (tmp / "none").mkdir()
    run_plain(write_config(tmp, f'[[sources]]\nname = "none"\nkind = "files"\npath = "{tmp / "none"}"\n'))
    return tmp / "nw.duckdb"


def required(name: str, conn) -> dict[str, str]:  # type: ignore[no-untyped-def]
    story = conn.execute("select story_id from stories order by article_count desc").fetchone()
    copy = conn.execute("select article_id from articles where copy_of is not null").fetchone()
    return {"story": story[0] if story else "s_none", "article": copy[0] if copy else "a_none"}


def test_the_shipped_reports_and_their_headers() -> None:
    found = reports()
    assert set(found) == EXPECTED
    for r in found.values():
        assert r.description.endswith(".") and len(r.description) > 20
        for p in r.params:
            assert f"${p.name}" in r.sql, f"{r.name}: ${p.name} declared but not used"
    assert "digest" not in found  # the digest's own queries have no report header


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_report_runs_on_an_empty_and_a_populated_warehouse(
    name: str, populated: Path, empty: Path
) -> None:
    for path in (empty, populated):
        conn = connect_sealed(path)
        try:
            report = reports()[name]
            given = {k: v for k, v in required(name, conn).items() if any(p.name == k for p in report.params)}
            cols, rows = run_report(conn, name, given)
            assert cols
            if path == populated and name != "topic_trend":
                assert rows, name
        finally:
            conn.close()


def test_report_results_on_the_example(populated: Path) -> None:
    conn = connect_sealed(populated)
    try:
        ids = required("", conn)
        cols, rows = run_report(conn, "article_copies", {"article": ids["article"]})
        assert len(rows) == 2 and sum(r[cols.index("is_original")] for r in rows) == 1
        cols, rows = run_report(conn, "story_timeline", {"story": ids["story"]})
        assert len(rows) == 3 and [r[cols.index("copy_of")] is not None for r in rows].count(True) == 1
        cols, rows = run_report(conn, "story_outlets", {"story": ids["story"]})
        assert {r[cols.index("outlet")] for r in rows} == {"clips", "Reprint Daily"}
        cols, rows = run_report(conn, "source_health", {})
        (row,) = rows
        assert row[cols.index("failures")] == 1 and "binary" in row[cols.index("last_error")]
        cols, rows = run_report(conn, "topic_trend", {"days": "3", "end": "2026-11-21"})
        assert {r[0].isoformat() for r in rows} == {"2026-11-19", "2026-11-20", "2026-11-21"}
        cols, rows = run_report(conn, "watchlist_hits", {"days": "3650"})
        assert {"afghan-taliban"} <= {r[cols.index("watch")] for r in rows}
    finally:
        conn.close()


def test_parameters_are_bound_as_values_never_pasted_in(populated: Path) -> None:
    conn = connect_sealed(populated)
    try:
        _cols, rows = run_report(conn, "story_timeline", {"story": "x' OR '1'='1"})
        assert rows == []
        _cols, rows = run_report(conn, "watchlist_hits", {"watch": "'; drop table articles; --"})
        assert rows == []
        assert conn.execute("select count(*) from articles").fetchone() == (4,)
    finally:
        conn.close()


def test_bad_parameters_are_usage_errors() -> None:
    with pytest.raises(ReportError, match="takes day, limit; not nope"):
        reports()["top_stories"].bind({"nope": "1"})
    with pytest.raises(ReportError, match="expected integer"):
        reports()["top_stories"].bind({"limit": "many"})
    with pytest.raises(ReportError, match="expected date"):
        reports()["top_stories"].bind({"day": "22-11-2026"})
    with pytest.raises(ReportError, match="'story' is required"):
        reports()["story_timeline"].bind({})
    with pytest.raises(ReportError, match="no report 'nope'"):
        from newswatch.warehouse.named_reports import get_report

        get_report("nope")
    with pytest.raises(ReportError, match="key=value"):
        parse_params(["limit"])
    assert parse_params(["a=b=c"]) == {"a": "b=c"}


def test_header_parsing() -> None:
    sql = (
        "-- report: Something useful.\n-- param n INTEGER = 5: how many\n-- param d DATE: a day\n"
        "SELECT $n, $d"
    )
    r = parse_report("x", sql)
    assert r is not None and [(p.name, p.type, p.default) for p in r.params] == [
        ("n", "INTEGER", "5"),
        ("d", "DATE", None),
    ]
    assert parse_report("x", "-- just a query\nSELECT 1") is None
    with pytest.raises(ReportError, match="unknown type"):
        parse_report("x", "-- report: x.\n-- param n FLOAT: no\nSELECT $n")
