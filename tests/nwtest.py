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
    """Run every stage without Prefect (flows.runs.run_locally); return the stats."""
    from newswatch.driver.runs import run_locally
    from newswatch.settings import load_settings

    return run_locally(load_settings(config, overrides=overrides or None), command="test")
