"""Where a run's tasks execute: Prefect's thread pool (the default) or a Dask cluster (prefect-dask).

``[runner]`` in newswatch.toml picks it (docs/configuration.md). Only where tasks run changes: the
flow still loads at flow scope, so however many Dask workers read sources and extract pages, the
warehouse has one writer: workers stage their extracted batches beside the warehouse and return
references, and the flow's loader task loads them, one transaction per batch, in event-time order.
That is why a Dask run and a threaded run of the same inputs give the same warehouse
(tests/flows/test_dask_runner.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect import Flow
from prefect.task_runners import ThreadPoolTaskRunner

from newswatch.errors import ConfigError
from newswatch.flows.pipeline import newswatch_run
from newswatch.settings import RunnerSettings, Settings


def task_runner_for(runner: RunnerSettings) -> Any:
    """A fresh Prefect task runner for ``[runner]``: threads, a Dask scheduler, or a local cluster."""
    if runner.kind == "threads":
        return ThreadPoolTaskRunner(max_workers=runner.max_workers)
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise ConfigError("[runner] kind = 'dask' needs prefect-dask: pip install 'newswatch[dask]'") from exc
    if runner.address:
        return DaskTaskRunner(address=runner.address)
    cluster: dict[str, Any] = {
        "n_workers": runner.n_workers,
        "threads_per_worker": runner.threads_per_worker,
        "processes": runner.processes,
        "dashboard_address": runner.dashboard_address,
    }
    if runner.processes:  # worker processes talk over TCP: on this machine only
        cluster["host"] = "127.0.0.1"
    return DaskTaskRunner(cluster_class=local_cluster, cluster_kwargs=cluster)


def local_cluster(**kwargs: Any) -> Any:
    """A Dask LocalCluster whose worker processes may start processes of their own.

    Dask starts worker processes as daemons by default, and a daemon may not have children, so a
    large batch (which extraction spreads over a process pool, ``[extract] workers``) would fail
    in them. On a cluster of your own, start the workers with ``DASK_DISTRIBUTED__WORKER__DAEMON=False``
    or set ``[extract] workers = 1`` (docs/deploy.md).
    """
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.daemon": False}):
        return LocalCluster(**kwargs)


def configured_run(settings: Settings) -> Flow[..., dict[str, Any]]:
    """``newswatch_run`` on the task runner ``settings.runner`` names."""
    if settings.runner.kind == "threads" and settings.runner.max_workers == 8:
        return newswatch_run  # the flow's own default: nothing to copy
    return newswatch_run.with_options(task_runner=task_runner_for(settings.runner))


@contextmanager
def without_heartbeats() -> Iterator[None]:
    """Flow runs started inside send no flow-run heartbeats."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@contextmanager
def from_command_line() -> Iterator[None]:
    """Flow runs started by a command (``newswatch run`` / ``ingest``) send no heartbeats, unless
    ``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` is set (environment or Prefect profile).

    Heartbeats let a server's automation mark a run crashed when the machine running it dies; a
    command reports its own failure to the person who typed it. And Prefect ends a flow run by
    waiting for its heartbeat thread's next one-second tick: 0 to 1 s, 0.5 s on average, added to
    every run (docs/benchmarks.md). Deployments and ``newswatch serve`` keep Prefect's heartbeats.
    """
    from prefect.settings import get_current_settings

    if "heartbeat_frequency" in get_current_settings().flows.model_fields_set:
        yield  # the user's choice
        return
    with without_heartbeats():
        yield
