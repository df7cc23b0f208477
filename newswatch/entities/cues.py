"""Cues from the text around a capitalised name: whether it is a name at all, and its kind.

- Demonyms ("Chinese", "Israeli", "Somali American") are adjectives of a place, not entities: a
  word is one when a suffix rule turns it back into a country, continent or US state of the
  gazetteer ("Indonesian" is Indonesia + "n"), or it is one of the few irregular ones.
- Title-case lines (a headline or a heading written "Pregnant Women and Infants", no sentence)
  capitalise every word, so a capitalised word there is no evidence of a name: such lines are
  found here, and a name only they contain does not count.
- "the Indus River", "Sindh province", "the province of Sindh": a name followed (or preceded) by
  a word for a kind of place names a place wherever the article uses it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Adjectives of countries that no suffix rule derives from the country's name.
_IRREGULAR_DEMONYMS = frozenset(
    """french dutch swiss welsh irish scottish scots english greek thai spanish danish swedish
    finnish polish portuguese filipino british""".split()
)
# (suffix of the adjective, endings of the place name that replace it), tried in order.
_DEMONYM_RULES = (
    ("ians", ("ia", "", "e", "a")),
    ("ian", ("ia", "", "e", "a")),
    ("eses", ("", "a")),
    ("ese", ("", "a")),
    ("ans", ("a", "", "ia", "o", "as", "any")),
    ("an", ("a", "", "ia", "o", "as", "any")),
    ("is", ("", "istan")),
    ("i", ("", "istan", "ia", "a")),
    ("ish", ("ey", "", "ain", "and")),
    ("n", ("",)),
    ("s", ("",)),
    ("", ("istan", "stan")),
)


@lru_cache(maxsize=8192)
def is_demonym(word: str) -> bool:
    """Whether ``word`` ("Japanese", "Iraqis", "Afghan") is the adjective or people of a country,
    continent or US state (the gazetteer's, not its cities: "Susan" is not of Susa)."""
    from newswatch.entities.gazetteer import lookup

    w = word.strip(".'’")
    if len(w) < 4 or not w[:1].isupper() or not w.isalpha():
        return False
    low = w.casefold()
    if low in _IRREGULAR_DEMONYMS:
        return True
    if lookup(w) is not None:
        return False  # a place itself ("Oman", "Sudan")
    for suffix, endings in _DEMONYM_RULES:
        if not low.endswith(suffix) or len(low) - len(suffix) < 3:  # "" ends every word
            continue
        stem = w[: len(w) - len(suffix)]
        for ending in endings:
            place = lookup(stem + ending)
            if place is not None and not place.is_city:
                return True
    return False


def all_demonyms(name: str) -> bool:
    """Whether every word of ``name`` is a demonym ("Somali American", "African Americans")."""
    words = name.replace("-", " ").split()
    return bool(words) and all(is_demonym(w) for w in words)


_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# Short words a title-case line may leave in lower case ("Birth in Gaza", "Pregnant Women and").
_SMALL = frozenset("a an and as at but by for from in into nor of on or per the to vs via with".split())
_MIN_TITLE_WORDS = 3


def is_title_case(line: str, *, headline: bool = False) -> bool:
    """Whether ``line`` is a heading in title case: at least three words that are not small words,
    all capitalised but at most one, and no sentence punctuation at its end (a ``headline`` may end
    with a full stop: the title is joined to the body with one)."""
    text = line.strip()
    if headline:
        text = text.removesuffix(".")
    if not text or text[-1] in ".!?,;:" or ". " in text or len(text) > 160:
        return False
    words = [w for w in _WORD.findall(text) if w.casefold() not in _SMALL]
    if len(words) < _MIN_TITLE_WORDS:
        return False
    return sum(not w[:1].isupper() for w in words) <= 1


def title_case_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each title-case line of ``text``, whose first line is a headline."""
    spans = []
    at = 0
    for i, line in enumerate(text.split("\n")):
        if is_title_case(line, headline=i == 0):
            spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


# Words for kinds of place that writers put after a name ("Sindh province", "the Indus River") or
# before it with "of" ("the province of Sindh"); those that are also verbs or common words in lower
# case ("state", "pass", "port") count only capitalised.
PLACE_KIND_WORDS = (
    "province|region|district|county|prefecture|governorate|oblast|territory|river|lake|valley|"
    "mountains|hills|desert|island|islands|peninsula|plateau|gulf|strait|canal|glacier|city|town|"
    "village|area|(?-i:State|Pass|Port|Sea|Bay|Dam|Delta|Basin|Division|Mountain)"
)
_AFTER = r"(?![\w\-])[ \t]+(?:{kinds})(?![\w\-])"
_BEFORE = r"(?<![\w\-])(?:{kinds})[ \t]+of[ \t]+(?:the[ \t]+)?"


def named_as_place(name: str, text: str) -> bool:
    """Whether the text calls ``name`` a place: "Sindh province", "Indus River", "province of Sindh"
    (the place word in either case)."""
    body = r"[ \t\-]+".join(re.escape(w) for w in name.split())
    after = re.compile(rf"(?<![\w\-]){body}" + _AFTER.format(kinds=PLACE_KIND_WORDS), re.IGNORECASE)
    before = re.compile(_BEFORE.format(kinds=PLACE_KIND_WORDS) + rf"{body}(?![\w\-])", re.IGNORECASE)
    return bool(after.search(text) or before.search(text))
