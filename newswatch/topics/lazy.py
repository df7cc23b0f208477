"""A term's pattern that is compiled the first time it is matched.

A taxonomy holds thousands of term patterns (about 5,000 with the IPTC vocabulary's labels), and
compiling them with ``re`` was most of a small run's own start-up (3-5 s of a one-article ingest),
paid again by every extraction worker. An article is tried against a few dozen of them: the term
index (``taxonomy._TermIndex``) picks candidates from each pattern's source alone. So a term keeps
its source and compiles on first use; a run compiles the terms its articles mention.

The sources are built by ``taxonomy.term_pattern`` from escaped words, so they always compile; a
user's ``regex`` entries are still compiled when the taxonomy is read, where a bad one is reported
with its file and line.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any


class LazyPattern:
    """Stands for ``re.compile(source)``: same ``pattern``, ``flags``, ``search``, ``match``,
    ``finditer``, ``fullmatch``; equal to another with the same source (as compiled patterns are)."""

    __slots__ = ("_compiled", "pattern")

    # What re.compile gives a str source without inline flags (term sources have none).
    flags = re.UNICODE

    def __init__(self, source: str) -> None:
        self.pattern = source
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        # Two threads may both compile it on first use: the same pattern, one kept; no lock needed.
        c = self._compiled
        if c is None:
            c = self._compiled = re.compile(self.pattern)
        return c

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyPattern | re.Pattern):
            return self.pattern == other.pattern and self.flags == other.flags
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"

    # Pickled (to the extraction pool's workers) as its source: a worker compiles what it uses.
    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyPattern, (self.pattern,))


# What a topic's term lists hold: terms compiled on first use, a user's regex compiled at load.
Pattern = re.Pattern[str] | LazyPattern
