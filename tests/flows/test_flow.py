"""The Prefect flow itself, on Prefect's real engine: twice, with identical results."""

from pathlib import Path

import duckdb
import pytest
from nwtest import write_config


@pytest.mark.slow
def test_flow_runs_the_seeds_twice_with_identical_results(
    prefect_harness: None, tmp_path: Path, seeds_dir: Path
) -> None:
    from newswatch.flows import newswatch_run

    config = write_config(tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n')
    first = newswatch_run(config=str(config))
    assert first["status"] == "completed"
    assert (first["read"], first["new"], first["stories"]) == (2, 2, 1)
    digest = Path(first["digest_path"])
    assert digest.exists() and "1 story (1 new)" in digest.read_text(encoding="utf-8")

    db = tmp_path / "nw.duckdb"
    conn = duckdb.connect(str(db), read_only=True)
    ids = conn.execute("SELECT article_id, story_id FROM articles ORDER BY 1").fetchall()
    conn.close()

    second = newswatch_run(config=str(config))
    assert (second["read"], second["new"], second["unchanged"], second["stories"]) == (2, 0, 2, 1)
    conn = duckdb.connect(str(db), read_only=True)
    assert conn.execute("SELECT article_id, story_id FROM articles ORDER BY 1").fetchall() == ids
    runs = conn.execute("SELECT status, flow_run_id IS NOT NULL FROM runs").fetchall()
    conn.close()
    assert runs == [("completed", True), ("completed", True)]

    # ingest of named paths goes through the same flow
    third = newswatch_run(config=str(config), inputs=[str(seeds_dir)])
    assert (third["new"], third["unchanged"]) == (0, 2)
