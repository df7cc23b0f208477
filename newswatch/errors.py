"""Typed errors, mapped where they enter.

The tree::

    NewswatchError                 base of everything newswatch raises on purpose
    ├── ConfigError                a settings or taxonomy file is invalid (file, line, reason)
    ├── SourceError                one input could not be turned into an article
    │   ├── UnreadableInput        binary, empty, undecodable, too large, missing
    │   ├── ExtractionError        read fine, but holds no article (no title, no body, not an article)
    │   └── FetchError             an HTTP attempt failed
    │       ├── TransientFetchError    worth retrying later (timeouts, resets, 429, 5xx)
    │       └── TerminalFetchError     retrying will not help (4xx, refused address, robots)
    └── WarehouseError             the warehouse cannot be opened or migrated
        └── WarehouseBusy          another process held it longer than this one would wait

Each ``SourceError`` carries an ``outcome`` (the word stored in ``fetches.outcome``) and the
``input`` it is about, so the boundary that catches it can record a ``fetches`` row without parsing
the message.
"""

from __future__ import annotations

from newswatch.outcomes import Outcome


class NewswatchError(Exception):
    """Base class of errors newswatch raises on purpose."""


def not_utf8(exc: UnicodeDecodeError) -> str:
    """The reason a file newswatch reads as UTF-8 text is not, for an error naming the file."""
    return f"not UTF-8 text ({exc.reason} at byte {exc.start})"


class ConfigError(NewswatchError):
    """A configuration or taxonomy file is invalid; the message names the file and the reason."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line
        self.reason = message


class SourceError(NewswatchError):
    """One input could not become an article. ``outcome`` is the word stored in ``fetches``."""

    outcome: Outcome = Outcome.ERROR
    retryable = False

    def __init__(self, input: str, reason: str, *, outcome: Outcome | str | None = None) -> None:
        super().__init__(f"{input}: {reason}")
        self.input = input
        self.reason = reason
        if outcome is not None:
            self.outcome = Outcome(outcome)


class UnreadableInput(SourceError):
    outcome = Outcome.UNREADABLE


class ExtractionError(SourceError):
    outcome = Outcome.NOT_AN_ARTICLE


class FetchError(SourceError):
    outcome = Outcome.HTTP_ERROR

    def __init__(
        self, input: str, reason: str, *, outcome: Outcome | str | None = None, status: int | None = None
    ) -> None:
        super().__init__(input, reason, outcome=outcome)
        self.status = status


class TransientFetchError(FetchError):
    retryable = True


class TerminalFetchError(FetchError):
    retryable = False


class WarehouseError(NewswatchError):
    """The warehouse cannot be opened, migrated or written."""


class WarehouseBusy(WarehouseError):
    """Another process held the warehouse for longer than this one would wait (exit code 3)."""
