"""Schedules: the main job as a Prefect deployment served by a long-running process."""

from __future__ import annotations

from typing import Any

from prefect import serve

from newswatch.flows.pipeline import newswatch_run


def deployment(*, config: str | None, db: str | None, cron: str) -> Any:
    return newswatch_run.to_deployment(
        name="newswatch-scheduled",
        cron=cron,
        parameters={"config": config, "db": db},
        description="Every configured source, all stages, today's digest.",
    )


def serve_schedules(*, config: str | None, db: str | None, cron: str) -> None:
    """Serve the scheduled deployment until interrupted (Ctrl-C)."""
    serve(deployment(config=config, db=db, cron=cron))
