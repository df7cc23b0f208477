"""Counts an article states ("seven people died", "2,400 workers", "a 6.1-magnitude quake"), for story
matching: two accounts that count the same thing with different figures, neither stating the other's
figure anywhere, are a sign of two events (another quake's toll, another strike's turnout).

A weak sign, not a verdict: a toll rises between versions of one event (seven dead, then eight), so
a conflict lowers the score by a factor (``newswatch.stories.assign.COUNT_CONFLICT``) instead of
ruling the join out, and only when the counted word is the same. Durations, shares and magnitudes
("three days", "40 percent", "2 million") count nothing an event owns and are not read.
"""

from __future__ import annotations

import re

from newswatch.text import fold

_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
        " sixteen seventeen eighteen nineteen twenty".split()
    )
    if i >= 2  # "one" is mostly not a count ("one of", "one man said")
}
_COUNT = re.compile(r"\b(\d[\d,]*(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")(?:[\s\-]+)([a-z][a-z\-]{2,})\b")
# Words after a figure that are not a counted thing: units of time, shares, magnitudes, grammar.
_NOT_COUNTED = frozenset(
    """of and or to the a an in on at per by for from with than percent per cent pc point points
    million billion trillion thousand hundred dozen year month week day hour minute second time
    am pm kg km mile metre meter inch foot feet pound dollar euro cent yen st nd rd th more less
    other others such""".split()
)


def _unit(word: str) -> str:
    word = word.rstrip("-")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def counts_of(text: str) -> dict[str, frozenset[str]]:
    """Counted word -> the figures the text gives it ("people" -> {"7"})."""
    out: dict[str, set[str]] = {}
    folded = fold(text).lower()
    if not any(c.isdigit() for c in folded) and not any(w in folded for w in _NUMBER_WORDS):
        return {}
    for m in _COUNT.finditer(folded):
        raw, unit = m.group(1), _unit(m.group(2))
        if unit in _NOT_COUNTED or len(unit) < 3:
            continue
        value = _NUMBER_WORDS.get(raw, raw.replace(",", ""))
        if value.endswith(".0"):
            value = value[:-2]
        out.setdefault(unit, set()).add(value)
    return {u: frozenset(v) for u, v in out.items()}


def conflicting_counts(
    mine: dict[str, frozenset[str]],
    theirs: dict[str, set[str]],
    my_figures: set[str],
    their_figures: set[str],
) -> list[str]:
    """Counted words both sides give disjoint figures, neither side stating any of the other's.

    ``my_figures`` / ``their_figures`` are every figure each side states (counted or not)."""
    out = []
    for unit, values in mine.items():
        other = theirs.get(unit)
        if other and not values & other and not other & my_figures and not values & their_figures:
            out.append(unit)
    return out
