"""[runner]: the run's tasks on threads or on Dask; the warehouse is the same either way."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from nwtest import ROOT, SEEDS
from prefect.task_runners import ThreadPoolTaskRunner

from newswatch.errors import ConfigError
from newswatch.settings import RunnerSettings, load_settings

# The session's web server on 127.0.0.1 and its configuration writer (tests/sources/conftest.py).
_spec = importlib.util.spec_from_file_location("web_fixtures", ROOT / "tests" / "sources" / "conftest.py")
assert _spec and _spec.loader
_web = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _web  # its dataclasses look their module up
_spec.loader.exec_module(_web)
site = _web.site


def test_runner_settings_pick_the_task_runner(tmp_path: Path) -> None:
    from prefect_dask import DaskTaskRunner

    from newswatch.flows.runners import local_cluster, task_runner_for

    threads = task_runner_for(RunnerSettings(max_workers=3))
    assert isinstance(threads, ThreadPoolTaskRunner) and threads._max_workers == 3
    remote = task_runner_for(RunnerSettings(kind="dask", address="tcp://10.0.0.5:8786"))
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"
    local = task_runner_for(RunnerSettings(kind="dask", n_workers=2, processes=False))
    assert local.cluster_class is local_cluster
    assert local.cluster_kwargs == {
        "n_workers": 2,
        "threads_per_worker": 1,
        "processes": False,  # threads: in-process transport, nothing listens
        "dashboard_address": None,
    }
    spawned = task_runner_for(RunnerSettings(kind="dask", processes=True))
    assert spawned.cluster_kwargs["host"] == "127.0.0.1"

    config = tmp_path / "newswatch.toml"
    config.write_text('[runner]\nkind = "threads"\naddress = "tcp://10.0.0.5:8786"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"runner.*kind = 'dask'") as err:
        load_settings(config)
    assert err.value.line == 1  # the [runner] table
    config.write_text('[runner]\nkind = "dask"\naddress = "10.0.0.5"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a scheduler address like tcp://"):
        load_settings(config)
    config.write_text('[runner]\nkind = "spark"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"runner\.kind"):
        load_settings(config)


def _warehouse(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "articles": conn.execute(
                "SELECT article_id, source, url, content_hash, copy_of, story_id FROM articles ORDER BY 1"
            ).fetchall(),
            "stories": conn.execute(
                "SELECT story_id, title, article_count, source_count FROM stories ORDER BY 1"
            ).fetchall(),
            "topics": conn.execute("SELECT article_id, topic FROM article_topics ORDER BY 1, 2").fetchall(),
            "fetches": conn.execute(
                "SELECT source, url, status, outcome FROM fetches ORDER BY 1, 2, 3, 4"
            ).fetchall(),
        }
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_a_dask_cluster_loads_the_same_warehouse_as_threads(
    prefect_harness: None, site: Any, tmp_path: Path
) -> None:
    from newswatch.flows.runners import configured_run

    sources = [
        {"name": "news-rss", "kind": "feed", "url": site.url("/news.rss")},
        {"name": "news-sitemap", "kind": "sitemap", "url": site.url("/sitemap-index.xml")},
        {"name": "seeds", "kind": "files", "path": str(SEEDS)},
    ]
    runner = {
        "threads": "",
        # Two Dask worker processes: read and extract tasks get everything they need with them
        # and stage what they make on disk; the flow's process loads (one writer).
        "dask": '[runner]\nkind = "dask"\nn_workers = 2\nthreads_per_worker = 1\nprocesses = true\n',
    }
    results = {}
    for kind, section in runner.items():
        folder = tmp_path / kind
        folder.mkdir()
        config = _web.web_config(folder, sources, max_retries=0)
        config.write_text(config.read_text(encoding="utf-8") + "\n" + section, encoding="utf-8")
        settings = load_settings(config)
        assert settings.runner.kind == kind
        summary = configured_run(settings)(config=str(config))
        assert summary["status"] == "completed", summary
        results[kind] = (summary, _warehouse(Path(summary["warehouse"])))

    (threads, by_threads), (dask, by_dask) = results["threads"], results["dask"]
    assert threads["new"] == dask["new"] == 13  # 5 from the feed, 6 from the sitemap, 2 seeds
    assert by_dask == by_threads
    assert len({row[5] for row in by_dask["articles"]}) == threads["stories"] == dask["stories"]
