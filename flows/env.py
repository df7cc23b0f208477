"""Prefect defaults newswatch needs, set before Prefect is imported (the user's values win)."""

from __future__ import annotations

import os

DEFAULTS = {
    # A fresh PREFECT_HOME runs database migrations at first start; 20 s is not enough here.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def configure_prefect() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
