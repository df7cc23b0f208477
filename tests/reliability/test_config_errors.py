"""Configuration errors: one line (file, key, reason), no traceback, exit 2, before any work; a
missing ``[topics]`` means the packaged taxonomy; a warehouse another process holds exits 3."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newswatch.settings import default_taxonomy_path, load_settings


def newswatch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSWATCH_WAREHOUSE__WRITE_WAIT": "1", "NEWSWATCH_WAREHOUSE__READ_WAIT": "1"}
    return subprocess.run(
        [sys.executable, "-m", "newswatch", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[fetch]\ntotal_timeout = -1\n", "bad.toml:2: fetch.total_timeout: Input should be greater than 0"),
        ("[fetch\n", "bad.toml: invalid TOML"),
        ('[[sources]]\nname = "x"\nkind = "ftp"\nurl = "x"\n', "bad.toml:3: sources.0.kind:"),
        ('[topics]\ntaxonomy = "nope.toml"\n', "bad.toml: topics.taxonomy: "),
    ],
)
def test_a_bad_configuration_is_one_line_and_exit_2(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    out = newswatch("run", "--config", "bad.toml", "--db", str(tmp_path / "nw.duckdb"), cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    assert not (tmp_path / "nw.duckdb").exists()  # before any work


def test_a_configuration_or_taxonomy_not_in_utf8_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "latin1.toml").write_bytes('[[topic]]\nid = "caf\xe9"\nterms = ["x"]\n'.encode("latin-1"))
    (tmp_path / "ok.toml").write_text('[topics]\ntaxonomy = "latin1.toml"\n', encoding="utf-8")
    for config, named in (("latin1.toml", "latin1.toml"), ("ok.toml", "latin1.toml")):
        out = newswatch("run", "--config", config, "--db", str(tmp_path / "nw.duckdb"), cwd=tmp_path)
        assert out.returncode == 2, out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and named in lines[0] and "not UTF-8 text" in lines[0], out.stderr
        assert "Traceback" not in out.stderr + out.stdout


def test_no_topics_section_means_the_packaged_taxonomy(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.toml"
    config.write_text('[warehouse]\npath = "nw.duckdb"\n', encoding="utf-8")
    settings = load_settings(config, env={})
    assert settings.topics.taxonomy == default_taxonomy_path() and settings.topics.taxonomy.is_file()


def test_a_warehouse_held_by_another_writer_exits_3(tmp_path: Path) -> None:
    from newswatch.warehouse.db import connect

    db = tmp_path / "nw.duckdb"
    holder = connect(db)  # this process writes it: another process cannot open it for writing
    try:
        out = newswatch("reindex", "--db", str(db), cwd=tmp_path)
    finally:
        holder.close()
    assert out.returncode == 3, (out.returncode, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(db) in lines[0]
