"""A run killed with SIGKILL mid-extraction: its Prefect server and pool workers end with it, and
the next run marks its row ``crashed`` with the counts of what it wrote."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newswatch.driver.reaper import descendants

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "news_html"


def _pages(folder: Path, copies: int) -> None:
    """Real news pages, each written ``copies`` times with a distinct paragraph (distinct articles)."""
    folder.mkdir(parents=True)
    for page in sorted(FIXTURES.glob("*.html.gz")):
        html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        for n in range(copies):
            extra = f"<p>Copy {n} of this page, kept apart by this sentence number {n}.</p></body>"
            (folder / f"{page.name.removesuffix('.html.gz')}-{n}.html").write_text(
                html.replace("</body>", extra, 1), encoding="utf-8"
            )


def _config(tmp_path: Path) -> Path:
    _pages(tmp_path / "pages", copies=12)
    config = tmp_path / "newswatch.toml"
    config.write_text(
        "\n".join(
            [
                "[warehouse]",
                f"path = {json.dumps(str(tmp_path / 'nw.duckdb'))}",
                f"digests_dir = {json.dumps(str(tmp_path / 'digests'))}",
                "batch_size = 2000",
                "[extract]",
                "workers = 2",
                "[[sources]]",
                'name = "pages"',
                'kind = "files"',
                f"path = {json.dumps(str(tmp_path / 'pages'))}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return config


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reaper reads /proc")
def test_a_killed_run_leaves_no_process_and_is_marked_crashed(tmp_path: Path) -> None:
    config = _config(tmp_path)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "DO_NOT_TRACK": "1"}
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    proc = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "run", "--config", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Wait for the extraction pool (the run's row exists by then) beside Prefect's server.
        deadline = time.monotonic() + 240
        seen: dict[int, int] = {}
        while time.monotonic() < deadline and proc.poll() is None:
            seen = descendants(proc.pid)
            workers = [p for p in seen if "multiprocessing" in _cmdline(p) or "forkserver" in _cmdline(p)]
            if len(workers) >= 2:
                break
            time.sleep(0.2)
        assert proc.poll() is None, "the run ended before the pool started: make it longer"
        assert len(seen) >= 3, seen  # the reaper, Prefect's server, the pool
        time.sleep(1.0)  # mid-extraction
        seen.update(descendants(proc.pid))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        left = dict(seen)
        until = time.monotonic() + 30
        while left and time.monotonic() < until:
            time.sleep(0.5)
            left = {p: s for p, s in left.items() if Path(f"/proc/{p}").exists() and _alive(p)}
        assert not left, {p: _cmdline(p) for p in left}
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    from newswatch.driver.runs import open_run
    from newswatch.settings import load_settings
    from newswatch.warehouse.db import connect

    with open_run(load_settings(config, env={}), command="test"):
        pass
    conn = connect(tmp_path / "nw.duckdb", read_only=True)
    try:
        rows = conn.execute("SELECT status, error, articles_read FROM runs ORDER BY started_at").fetchall()
    finally:
        conn.close()
    assert [r[0] for r in rows] == ["crashed", "completed"], rows
    assert "killed or crashed" in rows[0][1]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def test_the_crashed_mark_spares_this_process_s_running_runs(tmp_path: Path) -> None:
    from newswatch.driver.hygiene import mark_crashed_runs
    from newswatch.warehouse.db import connect

    conn = connect(tmp_path / "nw.duckdb")
    try:
        for run_id in ("r_dead", "r_live"):
            conn.execute(
                "INSERT INTO runs (run_id, command, started_at, status) VALUES (?, 'run', now(), 'running')",
                [run_id],
            )
        assert mark_crashed_runs(conn, live={"r_live"}) == ["r_dead"]
        rows = dict(conn.execute("SELECT run_id, status FROM runs").fetchall())
        dead = conn.execute("SELECT articles_read, failures FROM runs WHERE run_id = 'r_dead'").fetchone()
    finally:
        conn.close()
    assert rows == {"r_dead": "crashed", "r_live": "running"} and dead == (0, 0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reaper reads /proc")
def test_the_reaper_ends_the_children_of_a_killed_process(tmp_path: Path) -> None:
    """A parent that starts a long-lived child and the reaper, then dies by SIGKILL."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import subprocess, sys, time\n"
        "from newswatch.driver.hygiene import start_reaper\n"
        "start_reaper()\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        time.sleep(1.5)  # the reaper has noted the child
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        until = time.monotonic() + 15
        while _alive(child) and time.monotonic() < until:
            time.sleep(0.2)
        assert not _alive(child)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
