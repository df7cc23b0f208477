"""Role holders an article names ("Health Minister Tomáš Hrubeš", "coach Manuel Pellegrini"), for
story matching: two articles that give one role to two different people, neither naming the
other's, are about two events (a minister and her successor; the same company's two chiefs).

A role is the title word with the word before it when that is part of the office ("health
minister", "foreign minister", "chief executive"); a holder is the surname (the name's last word,
folded). The same role may have several holders in one text (two countries' foreign ministers):
a conflict needs the two sides' holders to be disjoint.
"""

from __future__ import annotations

import re

from newswatch.text import fold

_TITLES = (
    r"Minister|Secretary|President|Governor|Mayor|Chancellor|Premier|Prosecutor|Commissioner|Coach|coach"
    r"|Manager|manager|Chairman|Chairwoman|Chair|Chief Executive|Chief executive|chief executive|CEO"
    r"|Ambassador|Spokesman|Spokeswoman|Spokesperson|Prefect|prefect|Director|director|Senator|Judge|Mayor-elect"
)
_NAME = r"[A-Z][\w'\-]+(?:\s+(?:de|van|von|al|bin|da)?\s*[A-Z][\w'\-]+){0,2}"
# Each title is looked for only when its word is in the text (a substring test), then the name after
# it and the office word before it: one pattern with an optional leading word tried at every word
# cost ~0.5 ms a text, an alternation of the titles ~1 ms on a long one.
_TITLE_WORDS = tuple(_TITLES.split("|"))
_NAME_AFTER = re.compile(rf"\s+({_NAME})")
_WORD_BEFORE = re.compile(r"([A-Z][\w\-]+)\s+$")
# Words before a title that are part of the office; any other ("Czech", "Betis") is not.
_OFFICE_WORDS = frozenset(
    """foreign interior finance health defence defense education justice prime deputy vice labour labor
    trade transport energy environment agriculture culture economy home state treasury general police
    managing executive district attorney chief head""".split()
)


def _titles_in(text: str) -> list[tuple[int, str]]:
    """(offset, title) of every title word standing alone in the text (``str.find``: fast)."""
    out = []
    for title in _TITLE_WORDS:
        i = text.find(title)
        while i != -1:
            end = i + len(title)
            if (i == 0 or not text[i - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
                out.append((i, title))
            i = text.find(title, end)
    return out


def role_holders(text: str) -> dict[str, frozenset[str]]:
    """Role -> the surnames (folded) the text gives it."""
    out: dict[str, set[str]] = {}
    for start, title in sorted(_titles_in(text)):
        name = _NAME_AFTER.match(text, start + len(title))
        if name is None:
            continue
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        title = title.lower()
        office = before.group(1).lower() if before else ""
        role = f"{office} {title}" if office in _OFFICE_WORDS else title
        surname = fold(name.group(1).split()[-1]).lower()
        out.setdefault(role, set()).add(surname)
    return {r: frozenset(s) for r, s in out.items()}


def conflicting_roles(
    mine: dict[str, frozenset[str]], theirs: dict[str, set[str]], their_names: set[str], my_names: set[str]
) -> list[str]:
    """Roles both sides fill with different people, neither side naming the other's holder.

    ``their_names`` / ``my_names`` are the folded words of every name each side states."""
    out = []
    for role, holders in mine.items():
        other = theirs.get(role)
        if other and not holders & other and not other & my_names and not holders & their_names:
            out.append(role)
    return out
