"""The daily digest as a flow of its own: the deployment a desk schedules for the morning.

It reads the warehouse (never writes it) and writes the day's digest files beside the ones the main
job writes, with the same function as ``newswatch digest``; the Markdown is also a Prefect artifact.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from newswatch.driver.runs import write_atomically
from newswatch.errors import ConfigError
from newswatch.settings import load_settings
from newswatch.warehouse.db import connect
from newswatch.warehouse.digests import record_issued_at
from newswatch.warehouse.reports import configured_digest

FORMATS = ("md", "html")


def digest_day(day: str | None, days_ago: int, now: datetime | None = None, zone: str = "UTC") -> date:
    """The digest's day: ``day`` (YYYY-MM-DD), else the day ``days_ago`` days before today in
    ``zone`` (``[digest] timezone``); a morning digest wants ``days_ago = 1``, yesterday's full day.
    """
    if day:
        try:
            return date.fromisoformat(day)
        except ValueError as exc:
            raise ConfigError(f"digest day {day!r}: expected YYYY-MM-DD") from exc
    if days_ago < 0:
        raise ConfigError(f"days_ago {days_ago}: must be 0 (today) or more")
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date() - timedelta(days=days_ago)


@flow(
    name="newswatch-digest",
    # A reader waits out a writer (warehouse.read_wait); if that is not enough, two more tries a
    # minute apart.
    retries=2,
    retry_delay_seconds=60,
    timeout_seconds=600,
    log_prints=False,
)
def newswatch_digest(
    config: str | None = None,
    db: str | None = None,
    day: str | None = None,
    days_ago: int = 0,
    formats: list[str] | None = None,
) -> dict[str, Any]:
    """Write the digest of one day (default: today, UTC) as ``<digests_dir>/<day>.md`` and ``.html``."""
    settings = load_settings(config, db=db)
    when = digest_day(day, days_ago, zone=settings.digest.timezone)
    wanted = list(formats or FORMATS)
    unknown = sorted(set(wanted) - set(FORMATS))
    if unknown:
        raise ConfigError(f"digest formats {unknown}: expected some of {list(FORMATS)}")
    conn = connect(settings.warehouse.path, read_only=True, wait=settings.warehouse.read_wait)
    try:
        issued, texts = configured_digest(conn, when, settings, formats=wanted)
    finally:
        conn.close()
    out_dir = settings.digests_path
    paths = [str(write_atomically(out_dir / f"{when.isoformat()}.{fmt}", t)) for fmt, t in texts.items()]
    w = settings.warehouse
    record_issued_at(w.path, issued, sorted(texts), "flow", wait=w.write_wait)
    if "md" in texts:
        create_markdown_artifact(
            markdown=texts["md"],
            key="newswatch-daily-digest",
            description=f"newswatch digest for {when.isoformat()}",
        )
    get_run_logger().info("digest for %s: %s", when.isoformat(), ", ".join(paths))
    return {"day": when.isoformat(), "paths": paths, "warehouse": str(settings.warehouse.path)}
