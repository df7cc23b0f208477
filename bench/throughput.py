"""Fetch + extract throughput on Prefect's thread pool and on a Dask LocalCluster of processes.

bench/fetch.py's server (the real news pages of ../shared/corpora/news_html, cycled under distinct
URLs, gzipped as stored) serves ``--feeds`` RSS feeds on 127.0.0.1 that list ``--pages`` pages
between them. A Prefect flow opens a run on a fresh warehouse and does what the main flow does
before loading: one ``read-source`` task per feed (the real fetcher: robots, per-host gate, size
cap; the documents staged in chunks of ``--chunk``), one ``extract`` task per chunk (trafilatura,
cleaning, and the per-article stages: tags, entities, copy signatures), with the flow's own task
functions (``newswatch.flows.pipeline``). Nothing is loaded: this is the part that scales out.

For 1, 2 and 4 workers it runs on ``ThreadPoolTaskRunner(max_workers=n)`` and on ``[runner] kind =
"dask"`` with ``n_workers=n`` worker processes of one thread each, and prints pages per second from
the first task submitted to the last extraction returned (the cluster's start-up and the flow's own
are printed apart, not counted). ``dask`` starts a cluster per run, as ``[runner]`` without
``address`` does, so every worker process pays its start (imports, the taxonomy) inside the run;
``dask-warm`` starts one cluster first and runs the flow twice against its address (``[runner]
address``, as with a long-lived or remote scheduler): the second run is on warm workers.
``[extract] workers = 1``: each extract task works alone, so the
parallelism is the runner's. Per-host delay 0, per-host concurrency = workers, one page at a time
per source (``page_workers = 1``).

    PYTHONPATH=$PWD python bench/throughput.py --pages 160 --workers 1 2 4

Runs Prefect against a temporary server (``prefect_test_harness``). Exits 0 with a message when the
corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fetch import CORPUS, serve


def flow_for(runner: Any) -> Any:
    from prefect import flow

    from newswatch.driver.runs import open_run
    from newswatch.flows.pipeline import extract_task, read_source_task
    from newswatch.settings import Settings

    @flow(name="bench-fetch-extract", task_runner=runner, log_prints=False)
    def fetch_extract(settings_json: str, in_process: bool) -> dict[str, Any]:
        settings = Settings.model_validate_json(settings_json)
        with open_run(settings, command="bench") as run:
            run.context()
            job = run.read_job(in_process=in_process)
            options = run.extract_options()
            t0 = time.perf_counter()
            reads = [read_source_task.submit(job, spec) for spec in run.specs]
            extractions: list[Any] = []
            for future in reads:
                extractions.extend(extract_task.submit([chunk], options) for chunk in future.result().chunks)
            articles: int = sum(len(e.keys) for f in extractions for e in f.result())
            seconds = time.perf_counter() - t0
        return {"articles": articles, "seconds": seconds, "chunks": len(extractions)}

    return fetch_extract


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=240)
    ap.add_argument("--feeds", type=int, default=8)
    ap.add_argument("--chunk", type=int, default=10, help="documents per extract task")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--kinds", nargs="+", default=["threads", "dask", "dask-warm"])
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent (the shared corpora are not on this machine)")
        return 0
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect.testing.utilities import prefect_test_harness

    from newswatch.flows.runners import local_cluster, task_runner_for
    from newswatch.settings import RunnerSettings, Settings

    pages = [p.read_bytes() for p in sorted(CORPUS.glob("*.html.gz"))]
    server, base = serve(pages, args.pages)
    per_feed = -(-args.pages // args.feeds)
    results: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory(prefix="nw-throughput-") as tmp,
        prefect_test_harness(server_startup_timeout=120),
    ):
        for kind in args.kinds:
            for n in args.workers:
                folder = Path(tmp) / f"{kind}-{n}"
                folder.mkdir()
                # Each feed lists its own slice of the pages: bench/fetch.py's feed takes ?from=&to=.
                sources = [
                    {"name": f"feed{i}", "kind": "feed", "url": f"{base}/feed.rss?part={i}&of={args.feeds}"}
                    for i in range(args.feeds)
                ]
                settings = Settings.model_validate(
                    {
                        "warehouse": {"path": str(folder / "nw.duckdb"), "batch_size": args.chunk},
                        "fetch": {
                            "allow_private_networks": True,
                            "per_host_delay": 0.0,
                            "per_host_concurrency": n,
                            "page_workers": 1,
                            "max_items_per_source": max(500, per_feed),
                        },
                        "extract": {"workers": 1},
                        "sources": sources,
                    }
                )
                cluster = None
                runners: list[Any]
                if kind == "threads":
                    runners = [ThreadPoolTaskRunner(max_workers=n)]
                elif kind == "dask":
                    runners = [
                        task_runner_for(
                            RunnerSettings(kind="dask", n_workers=n, threads_per_worker=1, processes=True)
                        )
                    ]
                else:  # dask-warm: a cluster that outlives runs, as a remote scheduler's (`address`)
                    cluster = local_cluster(
                        n_workers=n,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                    )
                    address = RunnerSettings(kind="dask", address=cluster.scheduler_address)
                    runners = [task_runner_for(address), task_runner_for(address)]
                for i, runner in enumerate(runners):
                    if i:  # the second run on the same workers: a fresh warehouse
                        settings = settings.model_copy(
                            update={
                                "warehouse": settings.warehouse.model_copy(
                                    update={"path": folder / "again.duckdb"}
                                )
                            }
                        )
                    results.append(_timed(kind, n, i, runner, settings, flow_for))
                if cluster is not None:
                    cluster.close()
    server.shutdown()
    return 0


def _timed(kind: str, n: int, repeat: int, runner: Any, settings: Any, flow_for: Any) -> dict[str, Any]:
    t = time.perf_counter()
    load = os.getloadavg()
    out = flow_for(runner)(settings.model_dump_json(), kind == "threads")
    total = time.perf_counter() - t
    row = {
        "kind": kind,
        "run": repeat + 1,
        "workers": n,
        "pages": out["articles"],
        "extract_tasks": out["chunks"],
        "seconds": round(out["seconds"], 2),
        "pages_per_s": round(out["articles"] / out["seconds"], 1),
        "flow_wall_s": round(total, 1),  # with the flow's and the cluster's start-up
        "loadavg_before": [round(x, 2) for x in load],
    }
    print(json.dumps(row), flush=True)
    return row


if __name__ == "__main__":
    sys.exit(main())
