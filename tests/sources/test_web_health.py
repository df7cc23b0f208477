"""Source health: failures in a row, back-off doubling up to its cap, success clearing it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newswatch.records import Fetch, SourceHealth
from newswatch.settings import FetchSettings, SourceSpec
from newswatch.sources.health import next_health, validators_to_keep, web_state_updates

SPEC = SourceSpec(name="s", kind="feed", url="http://127.0.0.1/f.xml")
SETTINGS = FetchSettings(failure_threshold=3, backoff_base=60, backoff_max=300)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _fail() -> Fetch:
    return Fetch(url=str(SPEC.url), source="s", status=500).fail("server_error", "HTTP 500")


def test_backoff_starts_at_the_threshold_and_doubles_up_to_the_cap() -> None:
    health: SourceHealth | None = None
    waits = []
    for _ in range(6):
        health = next_health(SPEC, health, _fail(), SETTINGS, NOW)
        assert health is not None
        waits.append((health.backoff_until - NOW).total_seconds() if health.backoff_until else None)
    assert waits == [None, None, 60, 120, 240, 300]
    assert (
        health is not None
        and health.consecutive_failures == 6
        and health.last_error == "server_error: HTTP 500"
    )


def test_success_clears_failures_and_a_backoff_row_changes_nothing() -> None:
    failing = SourceHealth(
        "s", consecutive_failures=4, backoff_until=NOW + timedelta(hours=1), last_error="x"
    )
    waiting = Fetch(url=str(SPEC.url), source="s").fail("backoff", "waiting")
    assert next_health(SPEC, failing, waiting, SETTINGS, NOW) == failing
    ok = Fetch(url=str(SPEC.url), source="s", status=200, items_seen=7, items_new=2)
    healed = next_health(SPEC, failing, ok, SETTINGS, NOW)
    assert healed is not None
    assert (healed.consecutive_failures, healed.backoff_until, healed.last_success_at) == (0, None, NOW)
    assert (healed.items_seen, healed.items_new, healed.last_error) == (7, 2, "x")


def test_the_sources_own_url_decides_not_its_pages_or_retries() -> None:
    page_failure = Fetch(url="http://127.0.0.1/page.html", source="s", status=404).fail("client_error", "404")
    retried = Fetch(url=str(SPEC.url), source="s", status=503).fail("retried", "503, retry in 1 s")
    own = Fetch(url=str(SPEC.url), source="s", status=200, etag='"e"', content_sha256="h")
    files = SourceSpec(name="f", kind="files", path="/tmp")
    validators, healths = web_state_updates([SPEC, files], [page_failure, retried, own], {}, SETTINGS, NOW)
    assert [h.source for h in healths] == ["s"] and healths[0].consecutive_failures == 0
    assert [(v.url, v.etag) for v in validators] == [(str(SPEC.url), '"e"')]


def test_cleared_validators_are_stored_so_the_next_run_reads_in_full() -> None:
    cleared = Fetch(url="http://127.0.0.1/f.xml", source="s", status=200)
    kept = validators_to_keep([cleared])
    assert len(kept) == 1 and (kept[0].etag, kept[0].last_modified, kept[0].content_sha256) == (
        None,
        None,
        None,
    )
