"""Facts on which versions of a story differ: dates, numbers and names one states and another contradicts.

Each version's text gives *facts*: a value in a role that can be compared across versions.
- dates: "on December 4", "January 3 to January 5"; the role is the words around the date, so
  "talks ... in Beijing on December 4" and "the dialogue was held on January 4" are compared
  because they say what happened *on* a day and share context ("Wang Yi", "Beijing");
- numbers: a figure and the word it counts ("five Chinese nationals", "480-kilometre"), compared
  when two versions count the same thing with different figures;
- names: a role followed by a name ("Chinese Foreign Minister Wang Yi"), compared when two
  versions give the same role a different single holder.
A difference is reported only when neither version also states the other's value, so a version
that gives both the start and the end of a visit does not contradict one that gives the start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newswatch.text import fold

MONTHS = "january february march april may june july august september october november december".split()
_MONTH = "|".join(m.capitalize() for m in MONTHS)
_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH}))\b"
)
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
        " sixteen seventeen eighteen nineteen twenty".split()
    )
}
_FIGURE = re.compile(
    r"\b(\d[\d,]*(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")(?:[\s\-]+)([a-z][a-z\-]{2,})\b"
)
_ROLE_NAME = re.compile(
    r"\b((?:[A-Z][a-z]+\s+){0,2}(?:Foreign|Prime|Interior|Defence|Defense|Finance|Planning)?\s*"
    r"(?:Minister|President|Secretary|Spokesman|Spokeswoman|Spokesperson|Chairman|Governor|Ambassador))"
    r"\s+((?:[A-Z][a-z'\-]+\s?){1,3})"
)
_WORD = re.compile(r"[a-z][a-z'\-]+")
_CONTEXT_STOP = frozenset(
    "the a an and of in on at to for from with by was were is are be been that this it its as said".split()
)
# Words after a figure that are not what it counts.
_NOT_UNITS = frozenset("of and or to the a in on at per percent".split())


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str  # date | number | name
    role: str  # what the value is about (context words, counted noun, or role title)
    value: str
    article_id: str
    quote: str  # the sentence part it was read from


@dataclass(frozen=True, slots=True)
class Difference:
    kind: str
    role: str
    a: Fact
    b: Fact

    def describe(self) -> str:
        return (
            f'{self.kind}: "{self.a.quote}" ({self.a.article_id}) vs "{self.b.quote}" ({self.b.article_id})'
        )


def _context(text: str, start: int, end: int, width: int = 60) -> tuple[str, set[str]]:
    """The quote around a match (whole words) and its context words."""
    left, right = text[max(0, start - width) : start], text[end : end + width]
    words = {w for w in _WORD.findall(fold(left + " " + right)) if w not in _CONTEXT_STOP}
    left, right = left.split("\n")[-1], right.split("\n")[0]
    if start - width > 0:  # cut mid-text: start and end on whole words
        left = left.partition(" ")[2]
    if " " in right:
        right = right.rpartition(" ")[0]
    return (left + text[start:end] + right).strip(), words


def facts_of(article_id: str, text: str) -> tuple[list[Fact], dict[Fact, set[str]]]:
    """The dates, figures and role holders a text states, with each date's context words."""
    facts: list[Fact] = []
    contexts: dict[Fact, set[str]] = {}
    for m in _DATE.finditer(text):
        month = (m.group("m1") or m.group("m2")).lower()
        day = int(m.group("d1") or m.group("d2"))
        if not 1 <= day <= 31:
            continue
        quote, words = _context(text, m.start(), m.end())
        before = fold(text[max(0, m.start() - 4) : m.start()]).strip()
        role = "on" if before.endswith("on") else "span"
        fact = Fact("date", role, f"{month.capitalize()} {day}", article_id, quote)
        facts.append(fact)
        contexts[fact] = words
    folded = fold(text)
    for m in _FIGURE.finditer(folded):
        raw, unit = m.group(1), m.group(2)
        if unit in _NOT_UNITS or unit.capitalize() in MONTHS or unit in MONTHS:
            continue
        value = str(_NUMBER_WORDS.get(raw, raw.replace(",", "")))
        quote, _ = _context(text, m.start(), m.end(), width=30)
        facts.append(Fact("number", unit.rstrip("s"), value, article_id, quote))
    for m in _ROLE_NAME.finditer(text):
        role = " ".join(m.group(1).split()).lower()
        name = m.group(2).strip()
        facts.append(Fact("name", role, name, article_id, m.group(0).strip()))
    return facts, contexts


def differences(versions: Sequence[tuple[str, str]]) -> list[Difference]:
    """Facts on which two versions (article_id, text) disagree, one report per pair of values."""
    parsed = [facts_of(aid, text) for aid, text in versions]
    out: list[Difference] = []
    seen: set[tuple[str, str, str, str]] = set()
    for i in range(len(parsed)):
        for j in range(i + 1, len(parsed)):
            for diff in _compare(parsed[i], parsed[j]):
                low, high = sorted((diff.a.value, diff.b.value))
                key = (diff.kind, diff.role, low, high)
                if key not in seen:
                    seen.add(key)
                    out.append(diff)
    return out


def _compare(
    left: tuple[list[Fact], dict[Fact, set[str]]], right: tuple[list[Fact], dict[Fact, set[str]]]
) -> list[Difference]:
    (fa, ca), (fb, cb) = left, right
    out: list[Difference] = []
    values_a = {(f.kind, f.value) for f in fa}
    values_b = {(f.kind, f.value) for f in fb}
    # Dates: each date "on" a day in one version against the best-matching "on" date of the other.
    for a in (f for f in fa if f.kind == "date" and f.role == "on" and ("date", f.value) not in values_b):
        best: tuple[int, Fact] | None = None
        for b in (f for f in fb if f.kind == "date" and f.role == "on"):
            if ("date", b.value) in values_a:
                continue
            shared = len(ca[a] & cb[b])
            if shared and (best is None or shared > best[0]):
                best = (shared, b)
        if best is not None:
            out.append(Difference("date", "on", a, best[1]))
    # Numbers and names: the same role with a single, different value on each side.
    for kind in ("number", "name"):
        roles_a: dict[str, list[Fact]] = {}
        roles_b: dict[str, list[Fact]] = {}
        for f in fa:
            if f.kind == kind:
                roles_a.setdefault(f.role, []).append(f)
        for f in fb:
            if f.kind == kind:
                roles_b.setdefault(f.role, []).append(f)
        for role, xs in roles_a.items():
            ys = roles_b.get(role)
            if not ys:
                continue
            va, vb = {x.value for x in xs}, {y.value for y in ys}
            if len(va) == 1 and len(vb) == 1 and va != vb:
                a, b = xs[0], ys[0]
                if (kind, b.value) not in values_a and (kind, a.value) not in values_b:
                    out.append(Difference(kind, role, a, b))
    return out
