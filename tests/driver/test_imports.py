"""Commands pay only for what they use: Prefect only on the flow path, never scipy (the MinHash of
newswatch.copies replaced datasketch, whose LSH loaded it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from nwtest import SEED_000, write_config

PROBE = """
import json, sys
from typer.testing import CliRunner
from newswatch.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
print(json.dumps({"code": result.exit_code, "output": result.output,
                  "loaded": sorted(m for m in ("prefect", "scipy", "datasketch") if m in sys.modules)}))
"""


def _probe(*args: str) -> dict[str, object]:
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
