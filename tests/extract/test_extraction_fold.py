"""``fold`` is the matching form every stage hashes, shingles and tags; ``normalize`` makes the stored
form. Their faster forms must give exactly what the plain definitions (``str.translate`` with the
tables) give."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from newswatch.text import _FOLD, _INVISIBLE, _INVISIBLE_CHARS, fold, normalize, words


def reference(text: str) -> str:
    return unicodedata.normalize("NFKC", text.translate(_FOLD)).translate(_FOLD).casefold()


MAPPED = "".join(map(chr, _FOLD))


def test_every_mapped_character_folds_as_the_table_says() -> None:
    for ch in MAPPED:
        assert fold(ch) == reference(ch) != ch
    assert fold("It’s “Ñandú” – ﬁne…") == 'it\'s "ñandú" - fine...'


@given(st.text(alphabet=st.sampled_from(MAPPED + "aZ 0éÉßİKﬁ½\u00a0\u2024\u2025x-'\"")) | st.text())
def test_fold_matches_its_definition(text: str) -> None:
    assert fold(text) == reference(text)


def test_ascii_text_is_only_casefolded() -> None:
    text = "Minister SAYS 'no' -- 3.5% of GDP"
    assert fold(text) == text.casefold() == reference(text)
    assert words("Don’t STOP") == words("don't stop") == ["don't", "stop"]


@given(st.text(alphabet=st.sampled_from("".join(map(chr, _INVISIBLE)) + "ab \n\té\u0301")) | st.text())
def test_invisible_characters_go_as_the_table_says(text: str) -> None:
    assert _INVISIBLE_CHARS.sub("", text) == text.translate(_INVISIBLE)


def test_normalize_drops_invisible_characters() -> None:
    assert normalize("Zero\u200bwidth\u00ad word\ufeff") == "Zerowidth word"
