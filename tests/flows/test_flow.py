"""The Prefect flow itself, on Prefect's real engine: twice, with identical results."""

import gzip
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


@pytest.mark.slow
def test_flow_and_plain_path_give_the_same_warehouse(
    prefect_harness: None, tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flow and ``--no-prefect`` run one driver: the same ids, stories, copies and hashes,
    with the flow's tasks each covering a group of batches."""
    from nwtest import FIXTURES, run_plain

    from newswatch.flows import newswatch_run, pipeline

    monkeypatch.setattr(pipeline, "TASK_GROUP", 2)  # groups that split, on a run this small

    pages = tmp_path / "pages"
    pages.mkdir()
    for gz in sorted((FIXTURES / "news_html").glob("*.html.gz"))[:30]:
        (pages / gz.name.removesuffix(".gz")).write_bytes(gzip.decompress(gz.read_bytes()))
    sources = (
        f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n\n'
        f'[[sources]]\nname = "pages"\nkind = "files"\npath = "{pages}"\n'
    )
    dumps = []
    for kind in ("flow", "plain"):
        folder = tmp_path / kind
        folder.mkdir()
        config = write_config(folder, sources)
        config.write_text(config.read_text().replace("[warehouse]", "[warehouse]\nbatch_size = 7"))
        if kind == "flow":
            assert newswatch_run(config=str(config))["status"] == "completed"
            # seeds: 1 chunk; pages: 30 documents in 5 chunks of 7; 32 articles in 5 batches
            assert _task_runs(folder / "nw.duckdb") == {
                "read-source": 2,
                "extract": 1 + 3,
                "process-and-load": 3,
                "digest": 1,
            }
        else:
            run_plain(config)
        conn = duckdb.connect(str(folder / "nw.duckdb"), read_only=True)
        dumps.append(
            conn.execute(
                "SELECT article_id, story_id, copy_of, content_hash FROM articles ORDER BY 1"
            ).fetchall()
        )
        conn.close()
    assert len(dumps[0]) >= 30 and dumps[0] == dumps[1]


def _task_runs(db: Path) -> dict[str, int]:
    """How many task runs of each name the warehouse's one flow run had, from Prefect's API."""
    from collections import Counter
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    conn = duckdb.connect(str(db), read_only=True)
    (flow_run_id,) = conn.execute("SELECT flow_run_id FROM runs").fetchone() or (None,)
    conn.close()
    with get_client(sync_client=True) as client:
        this_run = FlowRunFilter(id=FlowRunFilterId(any_=[UUID(flow_run_id)]))
        runs = client.read_task_runs(flow_run_filter=this_run)
    return dict(Counter(r.name.rsplit("-", 1)[0] for r in runs))
