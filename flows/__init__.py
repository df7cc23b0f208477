"""Prefect flows: wiring only. The stages are plain functions in ``newswatch.driver``."""

from newswatch.flows.env import configure_prefect

configure_prefect()

from newswatch.flows.pipeline import newswatch_run  # noqa: E402

__all__ = ["configure_prefect", "newswatch_run"]
