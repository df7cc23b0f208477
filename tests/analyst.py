"""A small warehouse for the analyst's tools (search, reports, export, sql): the two seeds, a copy of
one under another file name and outlet, an unrelated article, and one unreadable input."""

from __future__ import annotations

from pathlib import Path

from nwtest import SEED_000, SEEDS, run_plain, write_config

UNRELATED = """---
title: Monsoon rains flood rice fields across Punjab
source: Farm Weekly
url: https://farm.example/monsoon-rice
published_at: 2026-11-20T08:00:00Z
---
Monsoon rains flooded rice fields across Punjab this week, farmers said.

Growers in the province counted losses as rivers rose. The weather office expects more rain next week.
Irrigation officials opened canals to drain the fields.
"""


def build(tmp_path: Path) -> Path:
    """Run every stage (no Prefect) over the inputs above; returns the configuration file."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (inputs / seed.name).write_bytes(seed.read_bytes())
    copy = SEED_000.read_text(encoding="utf-8")
    (inputs / "reprint.txt").write_text(
        "---\nsource: Reprint Daily\nurl: https://reprint.example/pk-cn\n---\n" + copy, encoding="utf-8"
    )
    (inputs / "monsoon.txt").write_text(UNRELATED, encoding="utf-8")
    (inputs / "broken.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    config = write_config(tmp_path, f'[[sources]]\nname = "clips"\nkind = "files"\npath = "{inputs}"\n')
    run_plain(config)
    return config


def warehouse_path(config: Path) -> Path:
    return config.parent / "nw.duckdb"


_shared: dict[str, Path] = {}


def shared(tmp_path_factory: object) -> Path:
    """One built warehouse per test session, for tests that only read it (never write to it)."""
    if "config" not in _shared:
        _shared["config"] = build(tmp_path_factory.mktemp("analyst"))  # type: ignore[attr-defined]
    return _shared["config"]
