"""After a flow run on Prefect's real engine, the digest is a Markdown artifact with the same content
as the Markdown file, and the HTML file sits beside it, beside the warehouse."""

from __future__ import annotations

import stat
from pathlib import Path
from uuid import UUID

import duckdb
import pytest
from nwtest import write_config

from newswatch.atomic import current_umask


@pytest.mark.slow
def test_flow_run_publishes_the_digest_file_as_its_artifact(
    prefect_harness: None, tmp_path: Path, seeds_dir: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterKey,
        FlowRunFilter,
        FlowRunFilterId,
    )

    from newswatch.flows import newswatch_run

    config = write_config(tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n')
    # No digests_dir: the digests go beside the warehouse, never into the default data/digests.
    config.write_text(config.read_text().replace(f'digests_dir = "{tmp_path / "digests"}"', ""))
    summary = newswatch_run(config=str(config))
    assert summary["status"] == "completed"
    md = Path(summary["digest_path"])
    assert md.parent == tmp_path / "nw-digests"
    html = md.with_suffix(".html")
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert stat.S_IMODE(md.stat().st_mode) == 0o666 & ~current_umask()  # not mkstemp's 0o600
    text = md.read_text(encoding="utf-8")
    assert "1 story (1 new)" in text and "2 articles from 1 outlet" in text
    conn = duckdb.connect(str(tmp_path / "nw.duckdb"), read_only=True)
    row = conn.execute("SELECT flow_run_id FROM runs").fetchone()
    conn.close()
    assert row is not None
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["newswatch-digest"])),
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(row[0])])),
        )
    assert [a.data for a in artifacts] == [text]
