"""One Outcome type: what each stored word means, in Python and in the warehouse alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.errors import FetchError, SourceError
from newswatch.outcomes import Outcome, outcomes_where
from newswatch.records import Fetch
from newswatch.warehouse.db import connect


@pytest.mark.parametrize(
    ("status", "outcome", "retryable"),
    [
        (404, Outcome.CLIENT_ERROR, False),
        (410, Outcome.CLIENT_ERROR, False),
        (403, Outcome.CLIENT_ERROR, False),
        (500, Outcome.SERVER_ERROR, True),
        (503, Outcome.SERVER_ERROR, True),
        (408, Outcome.SERVER_ERROR, True),
        (429, Outcome.RATE_LIMITED, True),
    ],
)
def test_client_and_server_errors_are_apart(status: int, outcome: Outcome, retryable: bool) -> None:
    assert Outcome.for_status(status) is outcome
    assert outcome.retryable is retryable
    assert outcome.is_failure and not outcome.settled


def test_successes_bookkeeping_and_settled_pages() -> None:
    assert {o for o in Outcome if o.succeeded} == {
        Outcome.OK,
        Outcome.UNCHANGED,
        Outcome.NOT_MODIFIED,
        Outcome.MALFORMED_FEED,  # read, its entries used: the source is not failing
    }
    for o in (Outcome.RETRIED, Outcome.SKIPPED, Outcome.BACKOFF, Outcome.DEFERRED):
        assert not o.is_failure and not o.succeeded
    assert Outcome.NOT_AN_ARTICLE.settled and Outcome.NO_TITLE.settled
    assert not any(o.settled and (o.retryable or o.succeeded) for o in Outcome)
    assert set(outcomes_where("settled")) == {o.value for o in Outcome if o.settled}


def test_a_fetch_row_takes_only_known_outcomes() -> None:
    row = Fetch(url="u", source="s").fail("client_error", "HTTP 404")
    assert row.outcome is Outcome.CLIENT_ERROR
    with pytest.raises(ValueError):
        Fetch(url="u", source="s").fail("no_such_outcome", "x")
    with pytest.raises(ValueError):
        SourceError("u", "r", outcome="typo")
    assert FetchError("u", "r").outcome is Outcome.HTTP_ERROR


def test_the_warehouse_classifies_outcomes_as_the_code_does(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    try:
        rows = conn.execute("SELECT outcome, succeeded, retryable, settled, failure FROM outcomes").fetchall()
        assert {r[0]: tuple(r[1:]) for r in rows} == {
            o.value: (o.succeeded, o.retryable, o.settled, o.is_failure) for o in Outcome
        }
        conn.executemany(
            "INSERT INTO fetches (run_id, source, url, outcome, error, fetched_at)"
            " VALUES ('r', 's', 'u', ?, ?, now())",
            [[o.value, o.value] for o in Outcome] + [["unknown_word", "x"]],
        )
        failures = conn.execute("SELECT failures, successes FROM source_health").fetchone()
    finally:
        conn.close()
    assert failures == (sum(o.is_failure for o in Outcome) + 1, sum(o.succeeded for o in Outcome))
