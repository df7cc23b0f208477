from pathlib import Path

import duckdb
import pytest

from newswatch.errors import WarehouseError
from newswatch.warehouse.db import connect, migrate, migrations

CONTRACT = {
    "articles": {
        "article_id",
        "source",
        "url",
        "canonical_url",
        "title",
        "body",
        "published_at",
        "language",
        "content_hash",
        "copy_of",
        "story_id",
        "first_seen_at",
    },
    "stories": {"story_id", "title", "first_seen_at", "last_seen_at", "article_count", "source_count"},
    "article_topics": {"article_id", "topic", "score", "evidence", "rank"},
    "topics": {"topic", "label", "iptc_code", "parent"},
    "fetches": {"url", "status", "outcome", "error", "fetched_at"},
    "runs": {"run_id", "started_at", "finished_at", "status"},
}


def test_fresh_warehouse_has_the_contract_tables_and_records_migrations(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    for table, columns in CONTRACT.items():
        have = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
            ).fetchall()
        }
        assert columns <= have, (table, columns - have)
    applied = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert [v for v, _ in applied] == [v for v, _, _ in migrations()]
    views = {r[0] for r in conn.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert {"story_articles", "story_topics", "source_health"} <= views


def test_migrating_twice_applies_nothing_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    conn = connect(path)
    conn.execute("INSERT INTO topics VALUES ('t', 'T', NULL, NULL, NULL)")
    conn.close()
    conn = duckdb.connect(str(path))
    assert migrate(conn) == []
    assert conn.execute("SELECT count(*) FROM topics").fetchone() == (1,)


def test_a_failing_migration_rolls_back_and_names_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newswatch.warehouse.db as db

    good = migrations()
    bad = (9999, "broken", "CREATE TABLE half_done (x INT); SELECT * FROM no_such_table;")
    monkeypatch.setattr(db, "migrations", lambda: [*good, bad])
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(WarehouseError, match="9999_broken"):
        migrate(conn)
    tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert "half_done" not in tables  # nothing half-written survives
    assert "articles" in tables  # earlier migrations stay applied
    assert 9999 not in {r[0] for r in conn.execute("SELECT version FROM schema_migrations").fetchall()}


def test_read_only_open_of_a_missing_warehouse_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="newswatch run"):
        connect(tmp_path / "missing.duckdb", read_only=True)


MIGRATIONS = Path(__file__).resolve().parents[2] / "warehouse" / "migrations"


def test_each_applied_migration_records_the_sha256_of_its_file(tmp_path: Path) -> None:
    import hashlib

    conn = connect(tmp_path / "w.duckdb")
    recorded = dict(conn.execute("SELECT name, checksum FROM schema_migrations").fetchall())
    files = {p.name[5:-4]: hashlib.sha256(p.read_bytes()).hexdigest() for p in MIGRATIONS.glob("*.sql")}
    assert recorded == files


def test_an_edited_applied_migration_stops_the_start_up_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newswatch.warehouse.db as db

    path = tmp_path / "w.duckdb"
    connect(path).close()
    released = migrations()
    edited = [(v, n, sql + "\n-- an afterthought\n" if v == 2 else sql) for v, n, sql in released]
    monkeypatch.setattr(db, "migrations", lambda: edited)
    with pytest.raises(WarehouseError, match=r"migration 0002_web\.sql was changed after it was applied"):
        connect(path)
    monkeypatch.setattr(db, "migrations", lambda: released)
    connect(path).close()  # the released file opens it again


def test_a_warehouse_from_before_checksums_gets_them_on_first_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newswatch.warehouse.db as db

    path = tmp_path / "w.duckdb"
    conn = connect(path)
    conn.execute("ALTER TABLE schema_migrations DROP COLUMN checksum")  # as older versions made it
    conn.close()
    conn = connect(path)
    rows = conn.execute("SELECT version, checksum FROM schema_migrations ORDER BY version").fetchall()
    assert rows == [(v, db.checksum(sql)) for v, _, sql in migrations()]
    conn.close()
    edited = [(v, n, sql.replace("CREATE", "create", 1) if v == 5 else sql) for v, n, sql in migrations()]
    monkeypatch.setattr(db, "migrations", lambda: edited)
    with pytest.raises(WarehouseError, match=r"0005_entities\.sql"):
        connect(path)


def test_a_migration_applied_by_a_newer_version_is_not_checked(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    conn = connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES (9000, 'later', now(), 'abc')")
    conn.close()
    connect(path).close()
