"""A run's batches stay in DuckDB's write-ahead log between batches (closing a connection no longer
checkpoints), readers see them there, and the run's end folds the log into the file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from nwtest import write_config

from newswatch.warehouse.db import connect


def test_a_batch_left_in_the_log_is_read_and_survives(tmp_path: Path) -> None:
    db = tmp_path / "nw.duckdb"
    connect(db).close()  # created, migrated and checkpointed
    conn = connect(db, migrate_schema=False, log_mib=64)
    conn.execute("INSERT INTO topics (topic, label) VALUES ('t1', 'one')")
    conn.close()
    wal = db.with_name(db.name + ".wal")
    assert wal.exists() and wal.stat().st_size > 0  # not checkpointed at close
    reader = connect(db, read_only=True)
    assert reader.execute("SELECT label FROM topics WHERE topic = 't1'").fetchall() == [("one",)]
    reader.close()
    plain = duckdb.connect(str(db))  # any client (the duckdb CLI) replays it too
    assert plain.execute("SELECT count(*) FROM topics WHERE topic = 't1'").fetchone() == (1,)
    plain.close()


@pytest.mark.parametrize("checkpoint_mib", [64, 0])
def test_a_run_leaves_no_log_behind(tmp_path: Path, seeds_dir: Path, checkpoint_mib: int) -> None:
    from nwtest import run_plain

    config = write_config(tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n')
    setting = f"[warehouse]\ncheckpoint_mib = {checkpoint_mib}"
    config.write_text(config.read_text().replace("[warehouse]", setting))
    stats = run_plain(config)
    assert stats.status == "completed" and stats.new == 2
    wal = tmp_path / "nw.duckdb.wal"
    assert not wal.exists() or wal.stat().st_size == 0
