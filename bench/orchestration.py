"""What Prefect costs a run: per load task as the run grows, its share of a run, and one small ingest.

Articles are generated as bench/scale.py generates them, from the UCI News Aggregator headlines under
../shared/corpora (CC BY 4.0; the dev split: nothing here chooses a setting, so there is no split
to report on). Skips cleanly (exit 0 with a note) when the corpus is absent.

``tasks``: the wall time Prefect adds to one ``process-and-load`` task (the real
``newswatch.flows.pipeline.load_task``, inline in a flow, as a run calls it), at 2,000 and 20,000
articles in the run. The task's own work (reading its staged batch) is timed inside and taken out.
Beside it, the same task with the signature the flow had before (the run's whole extraction and its
indexes as parameters), which Prefect walked item by item.

``share``: a run of N generated articles (text files) through the flow as ``newswatch ingest`` runs
it (no flow-run heartbeats), through the flow with Prefect's heartbeats (as deployments run it), and
through the plain path (``run_locally``, the same driver without Prefect, the day's digest included
as ``newswatch ingest --no-prefect`` writes it and as the flow's digest task does), in turn, each on
a fresh warehouse, all against one temporary Prefect server started once (its start-up excluded).
The orchestration share is (flow - plain) / flow, from the medians.

``memory``: the peak RSS of the process running the plain path over N generated articles: the
documents and extracted articles wait on disk (``newswatch.driver.staging``), so it should follow
the batch size, not N.

``ingest``: ``newswatch ingest`` of one seed file against a running ``prefect server start`` (started
here on 127.0.0.1, stopped at the end) against a trivial one-task Prefect flow in a fresh
interpreter; both the median of ``--repeat`` runs, in wall time and in CPU time (user + system).

    PYTHONPATH=$PWD .venv/bin/python bench/orchestration.py tasks --sizes 2000 20000
    PYTHONPATH=$PWD .venv/bin/python bench/orchestration.py share --articles 1000 --repeat 5
    PYTHONPATH=$PWD .venv/bin/python bench/orchestration.py memory --sizes 1000 4000
    PYTHONPATH=$PWD .venv/bin/python bench/orchestration.py ingest --repeat 5
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import CORPUS, Stream

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sources" / "seeds" / "000_b465749b502def42.txt"


def _headlines() -> list[str] | None:
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent (the shared corpora are not on this machine)")
        return None
    with CORPUS.open(newline="", encoding="utf-8") as fh:
        return [r["TITLE"] for r in csv.DictReader(fh)]


def _prefect_env(home: Path) -> None:
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.update(
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
        PREFECT_LOGGING_LEVEL="WARNING",
    )


# -- tasks: per-task overhead as the run grows --------------------------------------------------


def bench_tasks(sizes: list[int], batch: int, tasks: int) -> dict[str, Any]:
    headlines = _headlines()
    if headlines is None:
        return {}
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    from newswatch.driver import runs, staging
    from newswatch.driver.runs import BatchResult, Key
    from newswatch.driver.stages import Extraction
    from newswatch.flows.pipeline import load_task
    from newswatch.records import Fetch, RawDocument

    @task(name="process-and-load-before", cache_policy=NO_CACHE)
    def before_task(articles: Any, extraction: Extraction, indexes: Any, stats: Any) -> int:
        return len(articles)  # the old signature: the batch plus the whole run's extraction

    class Timed:
        """Stands for the run: ``load`` reads the staged batch (the task's own work) and times it."""

        inner = 0.0

        def load(self, keys: Any) -> BatchResult:
            t = time.perf_counter()
            staging.read([k.ref for k in keys])
            self.inner += time.perf_counter() - t
            return BatchResult({}, [])

    # What the flow below measures, set per size (a flow parameter would be walked by Prefect too).
    case: dict[str, Any] = {}

    @flow(name="orchestration-bench")
    def measure() -> dict[str, float]:
        chunks, timed = case["chunks"], case["timed"]
        timed.inner = 0.0
        t = time.perf_counter()
        for c in chunks:
            load_task("r_bench", [c])
        after = (time.perf_counter() - t - timed.inner) / len(chunks)
        t = time.perf_counter()
        for c in chunks[:3]:
            before_task(case["articles"][: len(c)], case["extraction"], {"copies": None}, {"run": 1})
        before = (time.perf_counter() - t) / min(3, len(chunks))
        return {"after_s_per_task": after, "before_s_per_task": before}

    out: dict[str, Any] = {}
    area = Path(tempfile.mkdtemp(prefix="nw-orch-"))
    try:
        for n in sizes:
            arts = Stream(headlines, seed=11).articles(n, 0.0, max(1.0, n / 10_000))
            extraction = Extraction(articles=arts)
            for a in arts:
                extraction.raw[a.article_id] = RawDocument(a.url, "text/html", a.body.encode())
                extraction.fetches[a.article_id] = Fetch(url=a.url, source=a.source)
            refs = staging.write(area, [(a, None, None, None) for a in arts])
            keys = [Key(a.article_id, a.event_time, r, -1) for a, r in zip(arts, refs, strict=True)]
            case.update(
                chunks=[keys[i : i + batch] for i in range(0, len(keys), batch)][:tasks],
                timed=Timed(),
                articles=arts,
                extraction=extraction,
            )
            runs._active["r_bench"] = case["timed"]
            measure()  # warm: the first flow run pays Prefect's start-up
            out[str(n)] = measure()
            runs._active.pop("r_bench", None)
            print(n, out[str(n)], flush=True)
    finally:
        shutil.rmtree(area, ignore_errors=True)
    return out


# -- share: the orchestration share of a run ----------------------------------------------------


def _write_articles(folder: Path, headlines: list[str], n: int) -> None:
    folder.mkdir(parents=True)
    for i, a in enumerate(Stream(headlines, seed=13).articles(n, 0.0, 1.0)):
        (folder / f"a{i:05d}.txt").write_text(f"{a.title}\n\n{a.body}\n", encoding="utf-8")


def bench_share(n: int, repeat: int) -> dict[str, Any]:
    headlines = _headlines()
    if headlines is None:
        return {}
    work = Path(tempfile.mkdtemp(prefix="nw-share-"))
    _prefect_env(work / "prefect")
    from prefect.testing.utilities import prefect_test_harness

    from newswatch.digest.deliver import today_in
    from newswatch.driver.runs import ad_hoc_sources, run_locally
    from newswatch.flows import newswatch_run
    from newswatch.flows.runners import from_command_line
    from newswatch.settings import load_settings

    _write_articles(work / "news", headlines, n)
    kinds = ("flow", "flow-heartbeats", "plain")
    times: dict[str, list[float]] = {k: [] for k in kinds}
    try:
        with prefect_test_harness(server_startup_timeout=120):
            load = [os.getloadavg()[0]]
            for i in range(repeat + 1):  # the first round warms the pool and the server
                for kind in kinds[i % 3 :] + kinds[: i % 3]:  # each kind first in turn
                    db = work / f"{kind}{i}.duckdb"
                    t = time.perf_counter()
                    if kind.startswith("flow"):
                        # as `newswatch ingest` runs it (no heartbeats), or as a deployment does
                        with nullcontext() if kind == "flow-heartbeats" else from_command_line():
                            summary = newswatch_run(db=str(db), inputs=[str(work / "news")])
                        assert summary["status"] == "completed", summary
                    else:
                        settings = load_settings(None, db=db)
                        settings = settings.model_copy(
                            update={"sources": ad_hoc_sources([str(work / "news")])}
                        )
                        # as `newswatch ingest --no-prefect` runs it: the flow's stages, the digest too
                        run_locally(settings, command="ingest", digest_day=today_in(settings.digest.timezone))
                    if i > 0:
                        times[kind].append(time.perf_counter() - t)
            load.append(os.getloadavg()[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    out: dict[str, Any] = {"articles": n, **{f"{k}_s": v for k, v in times.items()}, "load": load}
    out["share"] = (med["flow"] - med["plain"]) / med["flow"]
    out["share_with_heartbeats"] = (med["flow-heartbeats"] - med["plain"]) / med["flow-heartbeats"]
    print(out, flush=True)
    return out


# -- memory: the calling process's peak as the run grows ----------------------------------------

MEMORY = """
import resource, sys
from newswatch.driver.runs import ad_hoc_sources, run_locally
from newswatch.settings import load_settings
settings = load_settings(None, db=sys.argv[2])
settings = settings.model_copy(update={"sources": ad_hoc_sources([sys.argv[1]])})
stats = run_locally(settings, command="ingest")
print(stats.new, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def bench_memory(sizes: list[int]) -> dict[str, Any]:
    """Peak RSS of the process that runs the plain path (the driver; the extraction pool's workers
    are other processes and hold one chunk each) over N generated articles, each on a fresh
    warehouse in a fresh interpreter."""
    headlines = _headlines()
    if headlines is None:
        return {}
    out: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="nw-memory-"))
    try:
        for n in sizes:
            _write_articles(work / f"news{n}", headlines, n)
            t = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", MEMORY, str(work / f"news{n}"), str(work / f"w{n}.duckdb")],
                capture_output=True,
                text=True,
                check=True,
            )
            new, peak = map(int, done.stdout.split()[-2:])
            out[str(n)] = {"new": new, "peak_rss_mib": round(peak / 2**20), "wall_s": time.perf_counter() - t}
            print(n, out[str(n)], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


# -- ingest: one small file against a running server --------------------------------------------

TRIVIAL = """
from prefect import flow, task

@task
def one() -> int:
    return 1

@flow
def trivial() -> int:
    return one()

trivial()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children_cpu() -> float:
    """User + system CPU seconds of this process's finished children: less at the mercy of other
    jobs on the machine than wall time."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bench_ingest(repeat: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="nw-ingest-"))
    _prefect_env(work / "prefect")
    port = _free_port()
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bin_dir / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        import httpx

        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("prefect server did not start")
            time.sleep(1)
        times: dict[str, list[float]] = {"ingest": [], "trivial": [], "ingest_no_prefect": []}
        cpu: dict[str, list[float]] = {k: [] for k in times}  # user + system seconds of the command
        cmds = {
            "ingest": [str(bin_dir / "newswatch"), "ingest", str(SEED), "--db", "DB"],
            "ingest_no_prefect": [
                str(bin_dir / "newswatch"),
                "ingest",
                str(SEED),
                "--db",
                "DB",
                "--no-prefect",
            ],
            "trivial": [sys.executable, "-c", TRIVIAL],
        }
        load = [os.getloadavg()[0]]
        for i in range(repeat + 1):  # the first round warms the server, the file and newswatch caches
            for name, cmd in cmds.items():
                cmd = [str(work / f"{name}{i}.duckdb") if c == "DB" else c for c in cmd]
                t, c = time.perf_counter(), _children_cpu()
                subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=work)
                if i > 0:
                    times[name].append(time.perf_counter() - t)
                    cpu[name].append(_children_cpu() - c)
        load.append(os.getloadavg()[0])  # the 1-minute load before and after: the machine's state
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    out = {
        "runs": times,
        "median": med,
        "ratio": med["ingest"] / med["trivial"],
        "cpu": cpu,
        "cpu_median": cpu_med,
        "cpu_ratio": cpu_med["ingest"] / cpu_med["trivial"],
        "load": load,
    }
    print(out, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    t = sub.add_parser("tasks")
    t.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    t.add_argument("--batch", type=int, default=200)
    t.add_argument("--tasks", type=int, default=10, help="load tasks timed per size")
    s = sub.add_parser("share")
    s.add_argument("--articles", type=int, default=1000)
    s.add_argument("--repeat", type=int, default=2)
    m = sub.add_parser("memory")
    m.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    i = sub.add_parser("ingest")
    i.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if args.what == "tasks":
        bench_tasks(args.sizes, args.batch, args.tasks)
    elif args.what == "share":
        bench_share(args.articles, args.repeat)
    elif args.what == "memory":
        bench_memory(args.sizes)
    else:
        bench_ingest(args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
