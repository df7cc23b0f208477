"""After a run: what to remember per URL (validators) and per source (health, back-off).

A source's standing follows its own URL's last attempt: a success (``ok``, ``not_modified``,
``unchanged``) clears its failures; anything else adds one, and from ``failure_threshold`` failures
in a row the source waits ``backoff_base`` seconds, doubling up to ``backoff_max``, before it is
tried again. A source waiting out its back-off keeps its standing unchanged. Nothing is dropped:
``newswatch sources`` shows the failures and the date of the next try.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from newswatch.outcomes import Outcome
from newswatch.records import Fetch, HttpValidators, SourceHealth, utcnow
from newswatch.settings import FetchSettings, SourceSpec


def validators_to_keep(fetches: Iterable[Fetch]) -> list[HttpValidators]:
    """Validators of every answered request (the last one per URL wins). A source clears them
    (all None) when the next run must read the URL in full, and that clearing is stored too."""
    out: dict[str, HttpValidators] = {}
    for f in fetches:
        if f.status not in (200, 203, 304):
            continue
        out[f.url] = HttpValidators(f.url, f.etag, f.last_modified, f.content_sha256)
    return list(out.values())


def next_health(
    spec: SourceSpec,
    old: SourceHealth | None,
    own: Fetch | None,
    settings: FetchSettings,
    now: datetime | None = None,
) -> SourceHealth | None:
    """The source's new standing from the attempt on its own URL (None: nothing to record)."""
    if own is None:
        return None
    now = now or utcnow()
    old = old or SourceHealth(source=spec.name)
    if own.outcome == Outcome.BACKOFF:
        return old
    if own.outcome.succeeded:
        same = own.outcome != Outcome.OK  # 304 or the same bytes: the items of the last read, none new
        return SourceHealth(
            source=spec.name,
            last_success_at=now,
            last_error=old.last_error,
            last_error_at=old.last_error_at,
            consecutive_failures=0,
            items_seen=old.items_seen if same else own.items_seen or 0,
            items_new=0 if same else own.items_new or 0,
            backoff_until=None,
        )
    failures = old.consecutive_failures + 1
    backoff = None
    if failures >= settings.failure_threshold:
        wait = min(settings.backoff_max, settings.backoff_base * 2 ** (failures - settings.failure_threshold))
        backoff = now + timedelta(seconds=wait)
    return SourceHealth(
        source=spec.name,
        last_success_at=old.last_success_at,
        last_error=f"{own.outcome}: {own.error or ''}".strip(),
        last_error_at=now,
        consecutive_failures=failures,
        items_seen=0,
        items_new=0,
        backoff_until=backoff,
    )


def web_state_updates(
    specs: Sequence[SourceSpec],
    fetches: Sequence[Fetch],
    old: Mapping[str, SourceHealth],
    settings: FetchSettings,
    now: datetime | None = None,
) -> tuple[list[HttpValidators], list[SourceHealth]]:
    """Validators to store and the new health of every web source that was tried this run."""
    own: dict[str, Fetch] = {}
    for f in fetches:
        if f.outcome != Outcome.RETRIED:
            own.setdefault(f"{f.source}\x1f{f.url}", f)
    healths = []
    for spec in specs:
        if spec.kind == "files" or not spec.url:
            continue
        h = next_health(spec, old.get(spec.name), own.get(f"{spec.name}\x1f{spec.url}"), settings, now)
        if h is not None:
            healths.append(h)
    return validators_to_keep(fetches), healths
