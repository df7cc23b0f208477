"""The first name finder, which story matching reads: capitalised runs of words in running text.

Story matching's settings (weights, thresholds) were chosen with the names this finds, so it stays
as it was; the entities stage uses the stricter ``newswatch.entities.names.find_names`` (no runs
across line breaks, no sentence openers or title-case headings, names joined by "and", initials).

A name is a run of capitalised words (with inner connectors like "of", "bin", "al-"), or an
acronym. Sentence-initial function words and months are not names. Within one article a short
form that ends a longer name ("Dar" after "Ishaq Dar") counts as the longer name.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

_NAME = re.compile(
    # By definition (?<![\w'’])((?:[A-Z][\w'’\-]*[\w]|[A-Z]{2,}|[A-Z])(?:...)*): the same, written
    # to open with the capital (the lookbehind then checks the character before it) so that the
    # regex engine jumps from capital to capital instead of trying the lookbehind at every
    # character; the three alternatives share their first capital. About 4x faster than the
    # definition, a third faster than opening with a (?=[A-Z]) lookahead.
    r"([A-Z](?<![\w'’].)(?:[\w'’\-]*[\w]|[A-Z]+|)"
    r"(?:\s+(?:(?:of|the|de|del|la|al|bin|van|von|der|da)\s+)?(?:[A-Z][\w'’\-]*[\w]|[A-Z]{2,}))*)"
)
# Capitalised because they start a sentence or are calendar words, not because they are names.
_NOT_NAMES = frozenset(
    """a an the this that these those it its in on at by for from to of and or but if as with
    while when where which who whom whose what why how after before during despite although
    though both each every all any some many most more several other another such no not nor
    yet so also he she they we you i his her their our your my me him them us there here
    then thus however meanwhile moreover furthermore according since until unless because
    again still even only just mr mrs ms dr prof sir monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september
    october november december today yesterday tomorrow read more share comments comment
    photo image video advertisement update updated
    """.split()
)
_POSSESSIVE = re.compile(r"['’]s$")
# Titles and roles before a person's name: "Chinese Foreign Minister Wang Yi" names Wang Yi.
_ROLES = frozenset(
    """minister prime deputy foreign interior defence defense finance president vice secretary
    general chairman chairwoman chair spokesman spokeswoman spokesperson chief senator
    governor mayor king queen prince princess ambassador envoy commander lieutenant colonel
    major captain judge justice leader premier chancellor sheikh emir pope bishop director
    ceo professor mr mrs ms dr sir lord lady gen col capt sgt rep sen gov
    """.split()
)
_MAX_WORDS = 6


# Memoised: the same capitalised runs recur within an article and across a batch, and both
# ``extract_names`` and the places pass of ``extract_entities`` clean every one of them. The
# memoised name steps below keep 8-16k recent names each (a few MB at most).
@lru_cache(maxsize=16384)
def _clean_name(raw: str) -> str | None:
    name = _POSSESSIVE.sub("", raw.strip(" -'’"))
    parts = name.split()
    while parts and parts[0].lower() in _NOT_NAMES:
        parts = parts[1:]
    while parts and parts[-1].lower() in {"of", "the", "and", "de", "al"}:
        parts = parts[:-1]
    roles = [i for i, p in enumerate(parts) if p.lower().rstrip(".") in _ROLES]
    if roles and roles[-1] < len(parts) - 1:
        parts = parts[roles[-1] + 1 :]
    elif roles:  # a role alone ("Foreign Minister") is not a name
        return None
    if not parts or len(parts) > _MAX_WORDS:
        return None
    name = " ".join(parts)
    if len(name) < 2 or name.lower() in _NOT_NAMES or name.isdigit():
        return None
    return name


_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n\s*)$")
_SPLIT_POSSESSIVE = re.compile(r"['’]s\s+")


def extract_names(text: str) -> Counter[str]:
    """Counts of candidate names in ``text``, short forms merged into the longer names they end.

    A single word seen only at the start of sentences ("Reiterating", "Satisfaction") is not a
    name; a short form merges into a longer name only when the longer one came first ("Ishaq
    Dar ... Dar"), as writers introduce people.
    """
    counts: Counter[str] = Counter()
    first_at: dict[str, int] = {}
    mid_sentence: set[str] = set()
    for m in _NAME.finditer(text):
        for offset, name in _names_in(m.group(1)):
            start = m.start(1) + offset
            counts[name] += 1
            first_at.setdefault(name, start)
            if name not in mid_sentence and (
                offset or not _SENTENCE_START.search(text[max(0, start - 3) : start])
            ):
                mid_sentence.add(name)
    for name in list(counts):
        if " " not in name and not name.isupper() and name not in mid_sentence:
            del counts[name]
    # Names of two or three words by their last word, in order of first mention.
    ending: dict[str, list[str]] = {}
    for n in counts:
        if " " in n:
            parts = n.split()
            if len(parts) <= 3:
                ending.setdefault(parts[-1], []).append(n)
    for short in [n for n in counts if " " not in n]:
        longer = [n for n in ending.get(short, ()) if first_at[n] < first_at[short]]
        if len(longer) == 1:
            counts[longer[0]] += counts.pop(short)
    return counts


@lru_cache(maxsize=16384)
def _names_in(raw: str) -> tuple[tuple[int, str], ...]:
    """The names in a capitalised run (cleaned ``_pieces``), with offsets."""
    return tuple((offset, name) for offset, piece in _pieces(raw) if (name := _clean_name(piece)))


@lru_cache(maxsize=16384)
def _pieces(raw: str) -> tuple[tuple[int, str], ...]:
    """Split "China’s Xinjiang" into "China" and "Xinjiang", with offsets."""
    if "s" not in raw:  # no possessive to split at
        return ((0, raw),)
    out, pos = [], 0
    for m in _SPLIT_POSSESSIVE.finditer(raw):
        out.append((pos, raw[pos : m.start()]))
        pos = m.end()
    out.append((pos, raw[pos:]))
    return tuple(out)
