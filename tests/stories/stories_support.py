"""Stories and copies: ingest real files through the plain stages into a real DuckDB in tmp_path."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "stories"
SEEDS = ROOT / "sources" / "seeds"
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from newswatch.driver.stages import event_order, extract, load_in_batches, load_indexes, read  # noqa: E402
from newswatch.records import RunStats  # noqa: E402
from newswatch.settings import Settings, SourceSpec  # noqa: E402
from newswatch.sources.registry import SourceContext  # noqa: E402
from newswatch.topics.taxonomy import load_taxonomy  # noqa: E402
from newswatch.warehouse.db import connect  # noqa: E402
from newswatch.warehouse.loader import sync_topics  # noqa: E402


def ingest_paths(conn: duckdb.DuckDBPyConnection, paths: Sequence[Path], settings: Settings) -> RunStats:
    """Read, extract and load files the way `newswatch ingest` does, without Prefect."""
    taxonomy = load_taxonomy(ROOT / "sources" / "topics.toml")
    sync_topics(conn, [(t.id, t.label, t.iptc, t.parent, t.description) for t in taxonomy.topics])
    ctx = SourceContext(settings=settings)
    docs = []
    for i, p in enumerate(paths):
        docs.extend(read(SourceSpec(name=f"in{i}", kind="files", path=p), ctx).documents)
    extraction = extract(docs)
    ordered = event_order(extraction.articles)
    stats = RunStats(run_id="r_test")
    indexes = load_indexes(conn, settings, ordered)
    load_in_batches(
        conn, ordered, extraction, settings=settings, taxonomy=taxonomy, indexes=indexes, stats=stats
    )
    return stats


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    conn = connect(tmp_path / "nw.duckdb")
    yield conn
    conn.close()
