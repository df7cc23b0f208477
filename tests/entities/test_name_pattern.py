"""The entities stage's name pattern matches exactly the runs its plain definition matches."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newswatch.entities.names import _NAME

# As defined: capitalised words, acronyms or dotted capitals ("U.S."), joined on one line by spaces
# or tabs, with at most one connector between two words, a lower-case Arabic particle ("al-"), and
# inside a run initials followed by a word ("H.W. Bush"; "W Bush", but no "A" or "I" without a full
# stop) or dotted capitals ("D.C.").
PLAIN_NAME = re.compile(
    r"(?<![\w'’])((?:[A-Z][\w'’\-]*[\w]|[A-Z]{2,}|[A-Z](?:\.[A-Z])+\.|[A-Z])"
    r"(?:[ \t]+(?:(?:of|the|de|del|la|al|bin|van|von|der|da|and|&|for)[ \t]+)?(?:(?:al|el|ad|ibn|bin|abu)-)?"
    r"(?:[A-Z][\w'’\-]*[\w]|[A-Z]{2,}|(?:[A-Z]\.){2,}|[A-Z]\.(?:[A-Z]\.)*(?=[ \t]+[A-Z])"
    r"|[B-HJ-Z](?=[ \t]+[A-Z][\w'’\-]*[\w])))*)"
)
TEXTS = [
    "Foreign Minister Wang Yi met O'Neil and the Bank of England, d'Arcy; ÉCOLE X. IBM's CEO",
    "A. B. AB-C A_B a'B ’X x’Y  Ali bin Laden of The Hague and  Van Der Berg\nUN\nI",
    "George H.W. Bush in Washington D.C. The U.S. and Deir al-Balah; Marketing & PR Consultancy",
    "George W Bush and Plan B. A B Smith, Group A Streptococcus; John F  Kennedy; Team A\nB Side",
    "Room With A View, I'm A Celebrity; Best Buy I Amazon; Samuel L Jackson and Z Y X Wu",
    "Gary Sloane\n\nSan Leandro\tCastro Valley",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_name_pattern_matches_as_defined(text: str) -> None:
    assert [m.span(1) for m in _NAME.finditer(text)] == [m.span(1) for m in PLAIN_NAME.finditer(text)]


@given(
    st.lists(
        st.sampled_from(
            [
                "A",
                "B",
                "b",
                " ",
                "\t",
                "\n",
                "'",
                "’",
                "-",
                "_",
                "1",
                "É",
                "of ",
                "and ",
                "for ",
                "al-",
                "&",
                ".",
            ]
        )
    ).map("".join)
)
def test_name_pattern_matches_as_defined_on_any_text(text: str) -> None:
    assert [m.span(1) for m in _NAME.finditer(text)] == [m.span(1) for m in PLAIN_NAME.finditer(text)]
