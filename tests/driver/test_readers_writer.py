"""One writer, many readers, with real processes: a run holds the warehouse only while it loads a
batch, readers retry briefly, and a second run waits its turn (or says why it gave up)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from nwtest import write_config

from newswatch.errors import WarehouseBusy
from newswatch.warehouse.db import connect

WORDS = (
    "minister talks border trade security corridor province court ruling election budget rain flood "
    "market police council strike port highway energy water school hospital farmers prices summit "
    "treaty militants attack embassy statement spokesman investigation bank loan project power"
).split()


def _articles(folder: Path, n: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    folder.mkdir()
    for i in range(n):
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
        body = " ".join(rng.choice(WORDS) for _ in range(120))
        (folder / f"a{i:04d}.txt").write_text(f"{title} {i}\n\n{body}.\n", encoding="utf-8")
    return folder


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newswatch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NEWSWATCH_EXTRACT__WORKERS": "1", **(env or {})},
    )


@pytest.mark.slow
def test_readers_and_a_second_run_get_in_while_a_run_loads_many_batches(tmp_path: Path) -> None:
    folder = _articles(tmp_path / "news", 400)
    config = write_config(tmp_path, f'[[sources]]\nname = "news"\nkind = "files"\npath = "{folder}"\n')
    config.write_text(config.read_text().replace("[warehouse]", "[warehouse]\nbatch_size = 10"))
    db = tmp_path / "nw.duckdb"
    first = _cli("run", "--no-prefect", "--config", str(config))
    while not db.exists() and first.poll() is None:  # the run creates the warehouse at its start
        time.sleep(0.05)
    hurry = {"NEWSWATCH_WAREHOUSE__WRITE_WAIT": "1"}
    impatient = _cli("run", "--no-prefect", "--config", str(config), env=hurry)
    patient = _cli("run", "--no-prefect", "--config", str(config))
    counts: list[int] = []
    failures: list[str] = []
    began = time.monotonic()
    while first.poll() is None:
        reader = _cli("sql", "select count(*) from articles", "--format", "csv", "--config", str(config))
        out, errs = reader.communicate(timeout=120)
        if reader.returncode != 0:
            failures.append(f"{time.monotonic() - began:.1f} s: {errs}")
        else:
            counts.append(int(out.split()[-1]))
    _, said = first.communicate(timeout=120)
    assert first.returncode == 0, said
    assert not failures, (first.pid, impatient.pid, patient.pid, failures[:3])
    assert len(counts) >= 3 and any(0 < c < 400 for c in counts), counts  # read between the batches

    _, said = impatient.communicate(timeout=60)
    assert impatient.returncode == 3, said
    assert "another run" in said and "write_wait" in said

    out, said = patient.communicate(timeout=600)
    assert patient.returncode == 0, said
    assert "waiting up to" in said and "0 new" in out and "400 unchanged" in out

    from newswatch.settings import load_settings
    from newswatch.warehouse.state import load_copy_index

    conn = duckdb.connect(str(db), read_only=True)
    assert conn.execute("SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone() == (400, 400)
    assert conn.execute("SELECT status FROM runs ORDER BY started_at").fetchall() == [("completed",)] * 2
    # the copy index file was written after each batch's commit: it matches the warehouse
    assert load_copy_index(conn, load_settings(config).copies).origin == "file"
    conn.close()


HOLD = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
conn.close()
"""


def test_a_reader_retries_while_another_process_writes_then_gives_up_clearly(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "1.5"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        conn = connect(db, read_only=True, wait=30)  # retried until the holder let go
        assert time.monotonic() - started > 0.5
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        conn.close()
    finally:
        holder.wait(timeout=30)
        holder.stdout.close()  # type: ignore[union-attr]

    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy, match=rf"held by process {holder.pid}.*gave up after 0.3 s"):
            connect(db, read_only=True, wait=0.3)
    finally:
        holder.kill()
        holder.wait(timeout=30)
        holder.stdout.close()  # type: ignore[union-attr]
