"""Prefect flows: wiring only. The stages are plain functions in newswatch, sources and warehouse."""

from flows.env import configure_prefect

configure_prefect()

from flows.pipeline import newswatch_run  # noqa: E402

__all__ = ["configure_prefect", "newswatch_run"]
