"""The copy index file beside the warehouse: reused between runs, rebuilt when missing, stale or
corrupt, never half-written, rebuilt by `newswatch reindex`; and the same copies whichever way the
index was built (file, rebuild, in-process delta, compacted base)."""

from __future__ import annotations

import csv
import logging
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest
from stories_support import FIXTURES, SEEDS, ingest_paths
from typer.testing import CliRunner

from bench.scale import Stream
from newswatch.cli import app
from newswatch.copies.minhash import Arrays, CopyIndex, assign_copies, signature, signatures_for
from newswatch.copies.store import CopyStore, index_path
from newswatch.driver.stages import load_indexes
from newswatch.records import Article
from newswatch.settings import CopySettings, Settings
from newswatch.warehouse.db import connect
from newswatch.warehouse.state import load_copy_index, warehouse_fingerprint

SEEDS_PLUS = FIXTURES / "seeds_plus"
OTHER = FIXTURES / "other_event"


def _rows(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None]]:
    rows = conn.execute("SELECT article_id, copy_of, story_id FROM articles").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def _rebuilds(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "rebuilding it" in r.getMessage()]


def test_a_later_run_uses_the_file_and_finds_copies_without_a_rebuild(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "nw.duckdb"
    conn = connect(db)
    ingest_paths(conn, [SEEDS], Settings())
    assert (index_path(db) / "manifest.json").exists()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="newswatch.copies.minhash"):
        assert load_copy_index(conn, Settings().copies).origin == "file"
        ingest_paths(conn, [SEEDS_PLUS, OTHER], Settings())  # the copies arrive in a later run
        assert load_copy_index(conn, Settings().copies).origin == "file"
    assert _rebuilds(caplog) == []
    copies = conn.execute("SELECT count(*) FROM articles WHERE copy_method = 'minhash'").fetchone()
    with_file = _rows(conn)
    conn.close()
    assert copies == (2,)

    # The same runs with the file deleted before the second: the same ids and copy marks.
    other = tmp_path / "other.duckdb"
    conn = connect(other)
    ingest_paths(conn, [SEEDS], Settings())
    shutil.rmtree(index_path(other))
    ingest_paths(conn, [SEEDS_PLUS, OTHER], Settings())
    assert _rows(conn) == with_file
    conn.close()


def test_rerun_with_the_file_changes_no_id(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    conn = connect(tmp_path / "nw.duckdb")
    ingest_paths(conn, [SEEDS, SEEDS_PLUS, OTHER], Settings())
    first = _rows(conn)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="newswatch.copies.minhash"):
        stats = ingest_paths(conn, [SEEDS, SEEDS_PLUS, OTHER], Settings())
    assert stats.new == 0
    assert _rebuilds(caplog) == []
    assert _rows(conn) == first
    conn.close()


@pytest.mark.parametrize("damage", ["delete", "truncate", "manifest", "stale", "settings"])
def test_a_missing_corrupt_or_stale_index_is_rebuilt_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    db = tmp_path / "nw.duckdb"
    conn = connect(db)
    ingest_paths(conn, [SEEDS, SEEDS_PLUS], Settings())
    folder = index_path(db)
    settings = Settings().copies
    if damage == "delete":
        shutil.rmtree(folder)
    elif damage == "truncate":
        seg = next(folder.glob("seg-*.npz"))
        seg.write_bytes(seg.read_bytes()[:100])
    elif damage == "manifest":
        (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "stale":  # the warehouse moved on without the index (another tool, a crash)
        conn.execute("UPDATE articles SET updated_at = updated_at + INTERVAL 1 SECOND")
    else:
        settings = CopySettings(num_perm=64)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="newswatch.copies.minhash"):
        index = load_copy_index(conn, settings)
    assert index.origin == "rebuilt"
    assert len(_rebuilds(caplog)) == 1
    assert len(index) == 4
    # Rebuilt and written: the next run uses the file again.
    assert load_copy_index(conn, settings).origin == "file"
    conn.close()


def test_a_crash_while_writing_leaves_the_previous_index_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "nw.duckdb"
    conn = connect(db)
    ingest_paths(conn, [SEEDS], Settings())
    settings = Settings().copies
    store = CopyStore(index_path(db), settings)
    fingerprint = warehouse_fingerprint(conn)
    before, why = store.load(fingerprint)
    assert before is not None, why

    # A batch's entries, then the process dies while its segment is being written.
    index = CopyIndex(settings, before.base())
    sigs = {"a_x": signature(" ".join(f"w{i}" for i in range(80)), settings)}
    index.add("a_x", canonical_url="https://x.example/1", content_hash="h", copy_of=None, sig=sigs["a_x"])

    def die(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", die)
    with pytest.raises(KeyboardInterrupt):
        store.append(index.take_pending(), [99, None])
    monkeypatch.undo()
    after, why = store.load(fingerprint)
    assert after is not None, why
    assert after.ids.tolist() == before.ids.tolist()
    assert np.array_equal(after.sigs, before.sigs)
    assert load_copy_index(conn, settings).origin == "file"
    conn.close()


def test_reindex_rebuilds_the_index_file(tmp_path: Path) -> None:
    db = tmp_path / "nw.duckdb"
    conn = connect(db)
    ingest_paths(conn, [SEEDS, SEEDS_PLUS], Settings())
    conn.close()
    shutil.rmtree(index_path(db))
    result = CliRunner().invoke(app, ["reindex", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "copy index of 4 articles in" in result.output
    conn = connect(db)
    assert load_copy_index(conn, Settings().copies).origin == "file"
    indexes = load_indexes(conn, Settings(), [])
    assert len(indexes.copies) == 4
    conn.close()


def _stream(n: int) -> list[Article]:
    with (FIXTURES / "uci_news_aggregator_dev.csv").open(newline="", encoding="utf-8") as fh:
        headlines = [r["TITLE"] for r in csv.DictReader(fh)]
    return Stream(headlines, full_share=0.6).articles(n, 0, 2)


def test_batch_signatures_are_the_per_article_signatures() -> None:
    arts = _stream(300)
    settings = CopySettings()
    batch = signatures_for(arts, settings)
    signed = 0
    for a in arts:
        one = signature(a.body, settings)
        assert (one is None) == (batch[a.article_id] is None)
        if one is not None:
            signed += 1
            assert np.array_equal(one, batch[a.article_id])
    assert signed > 50


def test_same_copies_from_the_delta_a_compacted_base_and_the_file(tmp_path: Path) -> None:
    arts = _stream(1500)
    settings = CopySettings()
    sigs = signatures_for(arts, settings)

    def matches(index: CopyIndex, after_batch: object) -> list[tuple[str, str, str]]:
        out = []
        for i in range(0, len(arts), 100):
            batch = arts[i : i + 100]
            out += [(m.article_id, m.copy_of, m.method) for m in assign_copies(batch, index, sigs)]
            after_batch(index)
        return out

    delta = matches(CopyIndex(settings), lambda ix: None)
    compacted = matches(CopyIndex(settings), lambda ix: ix.compact(min_delta=0))
    store = CopyStore(tmp_path / "x.copyindex", settings)
    store.rewrite(Arrays.of([], settings), [0])

    def through_file(ix: CopyIndex) -> None:
        store.append(ix.take_pending(), [0])
        arrays, why = store.load([0])
        assert arrays is not None, why
        ix.__init__(settings, arrays.base())  # type: ignore[misc]  # a new run loading the file

    reloaded = matches(CopyIndex(settings), through_file)
    assert sum(1 for m in delta if m[2] == "minhash") > 20
    assert sum(1 for m in delta if m[2] == "content_hash") > 20
    assert delta == compacted == reloaded
    assert len(list((tmp_path / "x.copyindex").glob("seg-*.npz"))) <= 5  # segments merge
