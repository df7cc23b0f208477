"""Commands pay only for what they use: Prefect only on the flow path, never scipy (the MinHash of
newswatch.copies replaced datasketch, whose LSH loaded it), never torch (the shipped models are
numpy); a run of files needs neither the HTTP stack nor feedparser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from nwtest import SEED_000, write_config

# Modules no command below needs: each costs 0.2-2 s to import.
HEAVY = ("prefect", "scipy", "datasketch", "torch", "sentence_transformers", "feedparser", "httpx")

PROBE = f"""
import json, sys
HEAVY = {HEAVY!r}
from typer.testing import CliRunner
from newswatch.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
print(json.dumps({{"code": result.exit_code, "output": result.output,
                  "loaded": sorted(m for m in HEAVY if sys.modules.get(m) is not None)}}))
"""


def _probe(*args: str) -> dict[str, object]:
    """Run the CLI with ``args`` in a fresh interpreter: its exit code, output and the heavy modules
    it imported."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_plain_path_and_the_readers_import_neither_prefect_nor_scipy(tmp_path: Path) -> None:
    config = write_config(tmp_path, "")
    ingest = _probe("ingest", str(SEED_000), "--no-prefect", "--config", str(config))
    assert ingest["code"] == 0 and "1 new" in str(ingest["output"]), ingest
    assert ingest["loaded"] == []
    assert (tmp_path / "nw.duckdb").exists()
    for args in (
        ["sql", "select count(*) from articles", "--config", str(config)],
        ["digest", "--config", str(config)],
        ["story", "s_unknown", "--config", str(config)],
        ["tag", "Pakistan and China hold talks", "--config", str(config)],
    ):
        out = _probe(*args)
        assert out["loaded"] == [], (args, out)


def test_the_probe_sees_an_import() -> None:
    """The check above can fail: the flow's module imports Prefect, and the probe says so."""
    code = PROBE.replace(
        "from newswatch.cli import app", "from newswatch.cli import app\nimport newswatch.flows"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--version"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert "prefect" in json.loads(done.stdout.strip().splitlines()[-1])["loaded"]


@pytest.mark.slow
def test_version_imports_nothing_heavy() -> None:
    out = _probe("--version")
    assert out["code"] == 0 and out["loaded"] == [], out
