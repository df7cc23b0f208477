"""The outcome of reading one input: the word stored in ``fetches.outcome``, and what it means.

Every read of a file and every HTTP attempt ends with one ``Outcome``. Three questions are asked of
an outcome, here and nowhere else:

- ``succeeded``: the input was read (``ok``), or was the same as last time (``unchanged``,
  ``not_modified``). A source's own URL with such an outcome clears its failures.
- ``retryable``: trying again later may give another answer (timeouts, resets, DNS, 5xx, 429).
  A page of a feed that failed so makes the next run read the feed in full again.
- ``settled``: the input was read and will not become an article by fetching it again (a listing
  page, a page without a title or body, an empty or unsupported document). A web source skips such
  URLs in later runs; a 404 or a 5xx settles nothing.

Client errors (4xx but 408 and 429) and server errors (5xx) are apart: a 404 is final for that
URL and not the feed's fault; a 503 may pass.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    # The input was read.
    OK = "ok"
    UNCHANGED = "unchanged"  # the same bytes (or text) as the last read
    NOT_MODIFIED = "not_modified"  # HTTP 304 to a conditional request
    # A feed that is not well-formed (cut short, a bad entity) but whose entries that parsed were
    # used; the parser's complaint is the row's error, and the next run reads it in full again.
    MALFORMED_FEED = "malformed_feed"
    # Bookkeeping rows: neither a success nor a failure of the input.
    SKIPPED = "skipped"
    RETRIED = "retried"  # one attempt of several; the last attempt has its own row
    BACKOFF = "backoff"  # the source waits out its back-off: not tried this run
    DEFERRED = "deferred"  # left for the next run (the run's time budget ran out)
    # Read, but not an article (settled: the same bytes give the same answer).
    EMPTY = "empty"
    BINARY = "binary"
    UNDECODABLE = "undecodable"
    UNSUPPORTED = "unsupported"
    NO_TITLE = "no_title"
    NO_BODY = "no_body"
    NOT_AN_ARTICLE = "not_an_article"
    PAYWALLED = "paywalled"
    UNPARSABLE = "unparsable"
    BAD_RECORD = "bad_record"
    BAD_FEED = "bad_feed"
    BAD_SITEMAP = "bad_sitemap"
    TOO_LARGE = "too_large"
    # Could not be read at all.
    MISSING = "missing"
    UNREADABLE = "unreadable"
    ERROR = "error"
    # HTTP and the network.
    CLIENT_ERROR = "client_error"  # 4xx (not 408 or 429): final for this URL
    SERVER_ERROR = "server_error"  # 5xx and 408: may pass
    RATE_LIMITED = "rate_limited"  # 429, or 503 with Retry-After
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection_error"
    DNS_ERROR = "dns_error"
    HTTP_ERROR = "http_error"  # a protocol error that is neither of the above
    REDIRECT = "redirect"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BAD_ENCODING = "bad_encoding"
    BAD_URL = "bad_url"
    BLOCKED_ADDRESS = "blocked_address"
    ROBOTS_DISALLOWED = "robots_disallowed"

    @property
    def succeeded(self) -> bool:
        return self in _SUCCEEDED

    @property
    def retryable(self) -> bool:
        return self in _RETRYABLE

    @property
    def settled(self) -> bool:
        return self in _SETTLED

    @property
    def is_failure(self) -> bool:
        """Counted in ``runs.failed`` and in a source's failures."""
        return self not in _SUCCEEDED and self not in _BOOKKEEPING

    @classmethod
    def for_status(cls, status: int) -> Outcome:
        """The outcome of an HTTP error status (400 and up)."""
        if status == 429:
            return cls.RATE_LIMITED
        if status >= 500 or status == 408:
            return cls.SERVER_ERROR
        return cls.CLIENT_ERROR


_SUCCEEDED = frozenset({Outcome.OK, Outcome.UNCHANGED, Outcome.NOT_MODIFIED, Outcome.MALFORMED_FEED})
_BOOKKEEPING = frozenset({Outcome.SKIPPED, Outcome.RETRIED, Outcome.BACKOFF, Outcome.DEFERRED})
_RETRYABLE = frozenset(
    {
        Outcome.TIMEOUT,
        Outcome.CONNECTION_ERROR,
        Outcome.DNS_ERROR,
        Outcome.RATE_LIMITED,
        Outcome.SERVER_ERROR,
        Outcome.RETRIED,
        Outcome.DEFERRED,
    }
)
_SETTLED = frozenset(
    {
        Outcome.NOT_AN_ARTICLE,
        Outcome.NO_TITLE,
        Outcome.NO_BODY,
        Outcome.EMPTY,
        Outcome.UNSUPPORTED,
    }
)


def outcomes_where(test: str) -> tuple[str, ...]:
    """The stored words of the outcomes with a property (``"settled"``, ``"is_failure"``, ...),
    for SQL parameters."""
    return tuple(o.value for o in Outcome if getattr(o, test))
