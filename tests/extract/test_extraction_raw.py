"""Raw pages are kept one row per URL, the latest read winning, across batches and runs."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from pathlib import Path

from extraction_support import FIXTURES

from newswatch.rawstore import stored_raw
from newswatch.records import RawDocument, utcnow
from newswatch.warehouse.db import connect
from newswatch.warehouse.loader import decode_raw, encode_raw, upsert_raw_documents


def test_a_later_read_replaces_the_row_and_other_urls_stay(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    first = [
        RawDocument("https://a.example.org/1", "text/html", b"<html>one</html>"),
        RawDocument("https://a.example.org/2", "text/html", b"<html>two</html>"),
    ]
    conn.execute("BEGIN TRANSACTION")
    upsert_raw_documents(conn, first, now=utcnow())
    conn.execute("COMMIT")
    again = [RawDocument("https://a.example.org/1", "application/xhtml+xml", b"<html>one, edited</html>")]
    for _ in range(2):  # and once more with nothing new: still one row per URL
        conn.execute("BEGIN TRANSACTION")
        upsert_raw_documents(conn, again, now=utcnow())
        conn.execute("COMMIT")
    rows = conn.execute(
        "SELECT url, media_type, raw_sha256, content FROM raw_documents ORDER BY url"
    ).fetchall()
    assert [(u, m, decode_raw(c)) for u, m, _, c in rows] == [
        ("https://a.example.org/1", "application/xhtml+xml", b"<html>one, edited</html>"),
        ("https://a.example.org/2", "text/html", b"<html>two</html>"),
    ]
    assert rows[0][2] == hashlib.sha256(b"<html>one, edited</html>").hexdigest()


def test_a_failed_batch_keeps_the_earlier_row(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    url = "https://a.example.org/1"
    conn.execute("BEGIN TRANSACTION")
    upsert_raw_documents(conn, [RawDocument(url, "text/html", b"<html>kept</html>")], now=utcnow())
    conn.execute("COMMIT")
    conn.execute("BEGIN TRANSACTION")
    upsert_raw_documents(conn, [RawDocument(url, "text/html", b"<html>lost</html>")], now=utcnow())
    conn.execute("ROLLBACK")  # the delete and the insert go together
    (content,) = conn.execute("SELECT content FROM raw_documents").fetchone()  # type: ignore[misc]
    assert decode_raw(content) == b"<html>kept</html>"


def test_new_rows_are_zstd_frames_and_old_zlib_rows_still_read(tmp_path: Path) -> None:
    page = (FIXTURES / "bbc.com.52241221.html.gz").read_bytes()
    page = gzip.decompress(page)
    conn = connect(tmp_path / "w.duckdb")
    conn.execute("BEGIN TRANSACTION")
    upsert_raw_documents(conn, [RawDocument("https://a.example.org/1", "text/html", page)], now=utcnow())
    conn.execute("COMMIT")
    (blob,) = conn.execute("SELECT content FROM raw_documents").fetchone()  # type: ignore[misc]
    assert blob[:4] == b"\x28\xb5\x2f\xfd" and len(blob) < len(page) // 3
    assert decode_raw(blob) == page
    # What older versions stored: a zlib stream, at any level.
    for level in (1, 6, 9):
        assert decode_raw(zlib.compress(page, level)) == page
    assert decode_raw(encode_raw(b"")) == b""


def test_urls_with_quotes_backslashes_and_accents_are_replaced_too(tmp_path: Path) -> None:
    """The URLs to replace go to DuckDB as one JSON parameter: odd characters must survive it."""
    conn = connect(tmp_path / "w.duckdb")
    urls = ["https://a.example.org/it's", 'https://a.example.org/"q"\\x', "https://a.example.org/café"]
    for body in (b"<html>1</html>", b"<html>2</html>"):
        conn.execute("BEGIN TRANSACTION")
        upsert_raw_documents(conn, [RawDocument(u, "text/html", body) for u in urls], now=utcnow())
        conn.execute("COMMIT")
    rows = conn.execute("SELECT url, content FROM raw_documents ORDER BY url").fetchall()
    assert [(u, decode_raw(c)) for u, c in rows] == [(u, b"<html>2</html>") for u in sorted(urls)]


def test_threads_compress_raw_pages_at_once_without_mixing_them() -> None:
    """The flow loads batches in worker threads: each thread has its own compressor."""
    from concurrent.futures import ThreadPoolExecutor

    pages = [bytes([i]) * 200_000 + str(i).encode() * 5_000 for i in range(16)]
    with ThreadPoolExecutor(4) as pool:
        frames = list(pool.map(encode_raw, pages))
    assert [decode_raw(f) for f in frames] == pages


def test_a_stored_form_made_ahead_gives_the_row_the_loader_makes(tmp_path: Path) -> None:
    """The extraction pool's workers make a page's frame and hash; the loader stores them as given."""
    page = gzip.decompress((FIXTURES / "bbc.com.52241221.html.gz").read_bytes())
    conn = connect(tmp_path / "w.duckdb")
    ahead = stored_raw(page)
    docs = [
        RawDocument("https://a.example.org/here", "text/html", page),
        RawDocument("https://a.example.org/ahead", "text/html", page, ahead),
    ]
    conn.execute("BEGIN TRANSACTION")
    upsert_raw_documents(conn, docs, now=utcnow())
    conn.execute("COMMIT")
    query = "SELECT url, raw_sha256, content FROM raw_documents"
    rows = {url: (sha, blob) for url, sha, blob in conn.execute(query).fetchall()}
    assert (
        rows["https://a.example.org/here"]
        == rows["https://a.example.org/ahead"]
        == (ahead.sha256, ahead.frame)
    )
    assert ahead.sha256 == hashlib.sha256(page).hexdigest() and decode_raw(ahead.frame) == page
