"""Helpers the tests import: paths, a configuration writer, a runner without Prefect."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "sources" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_000 = SEEDS / "000_b465749b502def42.txt"
SEED_003 = SEEDS / "003_8973a3553d999a4d.txt"


def write_config(tmp_path: Path, sources: str, extra: str = "") -> Path:
    """A configuration in tmp_path whose warehouse and digests live in tmp_path too."""
    taxonomy = ROOT / "sources" / "topics.toml"
    config = tmp_path / "newswatch.toml"
    config.write_text(
        f"""
[warehouse]
path = "{tmp_path / "nw.duckdb"}"
digests_dir = "{tmp_path / "digests"}"

[topics]
taxonomy = "{taxonomy}"

{extra}
{sources}
""",
        encoding="utf-8",
    )
    return config


def page_html(name: str) -> str:
    return gzip.decompress((FIXTURES / "pages" / name).read_bytes()).decode("utf-8")


def run_plain(config: Path, **overrides: Any) -> Any:
    """Run every stage without Prefect (flows.stages.run_without_prefect); return the stats."""
    from flows.stages import begin_run, run_without_prefect
    from newswatch.records import RunStats, stable_id, utcnow
    from newswatch.settings import load_settings
    from newswatch.topics import load_taxonomy
    from warehouse.db import connect
    from warehouse.loader import finish_run

    settings = load_settings(config, overrides=overrides or None)
    taxonomy = load_taxonomy(settings.topics.taxonomy, threshold=settings.topics.threshold)
    stats = RunStats(run_id=stable_id("r_", utcnow().isoformat()))
    conn = connect(settings.warehouse.path)
    try:
        begin_run(conn, taxonomy, stats, command="test")
        run_without_prefect(conn, settings, taxonomy, stats)
        stats.status = "completed"
        stats.finished_at = utcnow()
        finish_run(conn, stats)
    finally:
        conn.close()
    return stats
