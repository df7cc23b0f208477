"""Web state (validators, source health, raw pages) is saved one statement per table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newswatch.records import HttpValidators, RawDocument, SourceHealth
from newswatch.warehouse.db import connect
from newswatch.warehouse.loader import decode_raw
from newswatch.warehouse.state import save_web_state


def test_validators_and_health_upsert_and_the_last_entry_of_a_key_wins(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    url = "https://a.example.org/it's"
    when = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    save_web_state(
        conn,
        [HttpValidators(url, etag='"1"'), HttpValidators("https://a.example.org/b", last_modified="Sun")],
        [SourceHealth("a", last_error="timeout", last_error_at=when, consecutive_failures=2)],
        raw=[RawDocument(url, "text/html", b"<html>1</html>")],
    )
    save_web_state(
        conn,
        [HttpValidators(url, etag='"2"'), HttpValidators(url, etag='"3"', content_sha256="ab")],
        [SourceHealth("a", last_success_at=when, items_seen=7, items_new=3), SourceHealth("b")],
    )
    assert conn.execute(
        "SELECT url, etag, last_modified, content_sha256 FROM http_cache ORDER BY url"
    ).fetchall() == [
        ("https://a.example.org/b", None, "Sun", None),
        (url, '"3"', None, "ab"),
    ]
    health = conn.execute(
        "SELECT source, last_success_at, last_error, consecutive_failures, items_seen, items_new,"
        " backoff_until FROM source_state ORDER BY source"
    ).fetchall()
    assert health == [("a", when, None, 0, 7, 3, None), ("b", None, None, 0, 0, 0, None)]
    (content,) = conn.execute("SELECT content FROM raw_documents").fetchone()  # type: ignore[misc]
    assert decode_raw(content) == b"<html>1</html>"
