"""The wheel installs one top-level package, and ``python -m newswatch`` ignores a user's own
``flows/``, ``sources/`` and ``warehouse/`` folders."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from nwtest import ROOT, SEEDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("newswatch-*.whl")
    return path


def test_the_wheel_installs_newswatch_alone(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        top_level = zf.read(next(n for n in names if n.endswith("top_level.txt"))).decode().split()
    assert top_level == ["newswatch"]
    assert {n.split("/")[0] for n in names} == {"newswatch", wheel.name.split("-py")[0] + ".dist-info"}
    for packaged in (
        "newswatch/sources/newswatch.toml",
        "newswatch/sources/topics.toml",
        "newswatch/sources/seeds/000_b465749b502def42.txt",
        "newswatch/sources/examples/outlets.toml",
        "newswatch/warehouse/migrations/0001_init.sql",
        "newswatch/warehouse/views/source_health.sql",
        "newswatch/flows/pipeline.py",
        "newswatch/digest/templates/digest.html.j2",
        "newswatch/models/minilm_static/vectors.npy",
        "newswatch/models/topics/model.npz",
        "newswatch/models/topics/README.md",
        "newswatch/models/topics_minilm/head.npz",
        "newswatch/entities/peoples.tsv",
        "newswatch/entities/given_names.txt",
    ):
        assert packaged in names, packaged


def test_python_m_newswatch_ignores_a_users_own_packages(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    packages = sorted(p.name for p in site.iterdir() if not p.name.endswith(".dist-info"))
    assert packages == ["bin", "newswatch"]  # bin: the console script
    project = tmp_path / "project"  # a Prefect project's usual layout, with packages of its own
    for name in ("flows", "sources", "warehouse"):
        (project / name).mkdir(parents=True)
        (project / name / "__init__.py").write_text(f"raise ImportError('the user\\'s own {name}')\n")
    env = {
        **os.environ,
        "PYTHONPATH": str(site),  # the installed wheel, not the checkout
        "NEWSWATCH_DB": str(tmp_path / "w.duckdb"),
        "PREFECT_HOME": str(tmp_path / "prefect"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "newswatch", "ingest", str(SEEDS)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "read 2 articles" in done.stdout
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import newswatch.sources, newswatch.flows; print(newswatch.sources.__file__)",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.startswith(str(site))
