"""What the schedules run: deploy/prefect.yaml and ``newswatch serve`` deploy these two flows.

- ``newswatch_scheduled_run``: the main job (``newswatch_run``) on the task runner ``[runner]``
  names, with a retry and a timeout fit for an hourly schedule;
- ``newswatch_digest`` (flows/digest.py): the day's digest.

The main job's task runner can only be chosen once the configuration is read, and the
configuration is a run parameter, so the scheduled flow reads it and runs ``newswatch_run`` as a
subflow on that runner.
"""

from __future__ import annotations

from typing import Any

from prefect import flow

from newswatch.flows.digest import newswatch_digest
from newswatch.flows.runners import configured_run, without_heartbeats
from newswatch.settings import load_settings

# The schedules both ways of deploying use by default (cron, in SCHEDULE_TIMEZONE).
HOURLY_CRON = "0 * * * *"
DIGEST_CRON = "0 7 * * *"
SCHEDULE_TIMEZONE = "UTC"


@flow(
    name="newswatch-scheduled-run",
    # A run is safe to repeat (idempotent loads), and a run that failed on a passing cause (a
    # locked warehouse, a full disk freed) should not wait an hour for the next one.
    retries=1,
    retry_delay_seconds=300,
    # Ends well before the next hourly run; a slower run is stuck, not busy.
    timeout_seconds=3000,
    log_prints=False,
)
def newswatch_scheduled_run(config: str | None = None, db: str | None = None) -> dict[str, Any]:
    """The main job (every configured source, all stages, today's digest) on the configured runner."""
    settings = load_settings(config, db=db)
    # This flow run's heartbeats speak for the process; a second heartbeat thread for the subflow
    # would only add its own wait for a one-second tick at its end (flows/runners.py).
    with without_heartbeats():
        return configured_run(settings)(config=config, db=db)


__all__ = ["DIGEST_CRON", "HOURLY_CRON", "SCHEDULE_TIMEZONE", "newswatch_digest", "newswatch_scheduled_run"]
