"""Cheaper forms of the entity rules that must decide exactly what the plain forms decide."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from newswatch.entities.cues import _DEMONYM_RULES, _IRREGULAR_DEMONYMS, _peoples, is_demonym
from newswatch.entities.gazetteer import gazetteer, lookup, not_city_keys


def _is_demonym_by_lookup(word: str) -> bool:
    """``is_demonym`` as first written: every test a ``lookup``."""
    w = word.strip(".'’")
    if len(w) < 4 or not w[:1].isupper() or not w.isalpha():
        return False
    low = w.casefold()
    if low in _IRREGULAR_DEMONYMS:
        return True
    if lookup(w) is not None:
        return False
    if low in _peoples().demonyms:
        return True
    for suffix, endings in _DEMONYM_RULES:
        if not low.endswith(suffix) or len(low) - len(suffix) < 3:
            continue
        stem = w[: len(w) - len(suffix)]
        for ending in endings:
            place = lookup(stem + ending)
            if place is not None and not place.is_city:
                return True
    return False


def _words() -> list[str]:
    """Words a demonym rule may read: places' names and the demonyms' table, with the rules'
    suffixes, and words whose case-folding changes their length or letters."""
    names = {p.name for p in gazetteer().values()}
    words = {w for n in names for w in n.replace("-", " ").split()}
    words |= {w.title() for w in _peoples().demonyms if " " not in w}
    stems = sorted(w for w in words if w[:1].isupper())[::7]
    words |= {s + suffix for s in stems for suffix, _ in _DEMONYM_RULES}
    words |= {s.removesuffix("a") + "ans" for s in stems} | {s.removesuffix("ia") + "ian" for s in stems}
    words |= {"İstanbulian", "Straßeans", "ﬁnnish", "Ǆakartan", "ΣΑΜΟΣians", "Koreans.", "’Iraqis'"}
    return sorted(words)


def test_demonyms_read_from_the_gazetteer_as_a_lookup_reads_them() -> None:
    words = _words()
    assert len(words) > 5000
    assert sum(map(_is_demonym_by_lookup, words)) > 100
    for word in words:
        assert is_demonym.__wrapped__(word) == _is_demonym_by_lookup(word), word


def test_not_city_keys_are_the_places_that_are_no_city() -> None:
    keys = not_city_keys()
    assert keys == {k for k, p in gazetteer().items() if not p.is_city}
    assert not_city_keys() is keys  # made once per gazetteer


@given(
    st.text(alphabet="ab \n’é😀", max_size=40),
    st.lists(st.tuples(st.integers(0, 45), st.integers(0, 45))),
)
def test_spans_blanked_from_slices_as_in_a_list_of_characters(
    text: str, spans: list[tuple[int, int]]
) -> None:
    from newswatch.entities.names import _blanked

    spans = sorted((min(a, len(text)), min(b, len(text))) for a, b in spans)
    chars = list(text)
    for a, b in spans:
        if b > a:
            chars[a:b] = " " * (b - a)
    assert _blanked(text, spans) == "".join(chars)


def test_a_word_of_letters_is_its_own_lookup_form_case_folded() -> None:
    """``is_demonym`` and ``names._lookup`` skip ``place_key`` for such a word: no letter folds to
    a space (``place_key`` splits at spaces and drops "." and "’" before folding, which no
    letter is)."""
    from newswatch.entities.gazetteer import place_key
    from newswatch.entities.names import _lookup

    letters = [c for c in map(chr, range(0x110000)) if c.isalpha()]
    assert not [c for c in letters if any(f.isspace() for f in c.casefold())]
    for word in ("Karachi", "İstanbul", "STRASSE", "Straße", "ǅaković", "ΣΑΜΟΣ", "ﬁnland"):
        assert word.isalpha() and place_key(word) == word.casefold()
        assert _lookup.__wrapped__(word) == lookup(word)
    for name in ("U.S.", "New  York", "Côte d’Ivoire", "São Paulo", "Abu Dhabi"):
        assert _lookup.__wrapped__(name) == lookup(name) is not None


@given(st.text(alphabet="Aas's’-'. \tledMP", max_size=14))
def test_name_patterns_need_the_characters_their_names_are_tested_for(text: str) -> None:
    """``_clean_name`` tries a pattern only on a name holding the character it needs, and
    ``_pieces`` splits at possessives only in a run holding "'s" or "’s"."""
    from newswatch.entities.names import (
        _CONTRACTION,
        _NAME_ADJECTIVE,
        _PLURAL_ACRONYM,
        _POSSESSIVE,
        _SPLIT_POSSESSIVE,
    )

    if "'" not in text and "’" not in text:
        assert not _POSSESSIVE.search(text) and not _CONTRACTION.fullmatch(text)
    if "-" not in text:
        assert not _NAME_ADJECTIVE.search(text)
    if not text.endswith("s"):
        assert not _PLURAL_ACRONYM.fullmatch(text)
    if "'s" not in text and "’s" not in text:
        assert not _SPLIT_POSSESSIVE.search(text)


def test_name_patterns_tested_for_their_characters_are_the_ones_meant() -> None:
    from newswatch.entities.names import (
        _CONTRACTION,
        _NAME_ADJECTIVE,
        _PLURAL_ACRONYM,
        _POSSESSIVE,
        _SPLIT_POSSESSIVE,
    )

    assert _POSSESSIVE.pattern == r"['’]s$"
    assert _CONTRACTION.pattern == r"[A-Za-z]+['’](?:ve|re|ll|d|m|t)"
    assert _NAME_ADJECTIVE.pattern.startswith("-(?:")
    assert _PLURAL_ACRONYM.pattern == r"[A-Z]{2,}s"
    assert _SPLIT_POSSESSIVE.pattern == r"['’]s\s+"


_RUN_TEXT = st.lists(
    st.sampled_from("A,Bc,b,DE, ,\t,\n,',’,-,.,|,of ,al-,s' ,É,&,'s,for ,Minister,and ".split(","))
).map("".join)


@given(_RUN_TEXT, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 6), st.sampled_from("| xY"))))
def test_runs_after_a_change_are_the_runs_a_new_scan_finds(
    before: str, changes: list[tuple[int, int, str]]
) -> None:
    """The name pass reads the runs of the places pass's text again, scanning only the lines the
    places and the headings blanked there changed."""
    from newswatch.entities.names import _name_runs, _runs_after

    chars = list(before)
    changed = []
    for at, length, char in changes:
        a, b = min(at, len(before)), min(at + length, len(before))
        if "\n" in before[a:b]:
            continue  # no line break in a change
        chars[a:b] = char * (b - a)
        changed.append((a, b))
    after = "".join(chars)
    assert _runs_after(after, _name_runs(before), changed) == _name_runs(after)


@given(_RUN_TEXT)
def test_a_run_of_one_word_is_one_piece_as_the_splits_leave_it(text: str) -> None:
    from newswatch.entities.names import _name_runs, _split_pieces

    for _, raw in _name_runs(text):
        if " " not in raw and "\t" not in raw:
            assert _split_pieces(raw) == ((0, raw),)


def test_one_word_runs_of_the_kinds_the_splits_read_are_one_piece() -> None:
    from newswatch.entities.names import _split_pieces

    for raw in ("China’s", "Workers'", "AT&T", "Q&A", "U.S.", "Minister", "Gen.", "Ministers", "Fund-for"):
        assert _split_pieces(raw) == ((0, raw),)


_CUE_TEXT = st.lists(
    st.sampled_from("The ,the ,in ,Mr,Mr. ,group ,'s ,’, ,\t,\n,a,A,-,),\\,,X,s".split(","))
).map("".join)


@given(_CUE_TEXT, st.integers(0, 40))
def test_cue_patterns_tried_only_next_to_a_space_find_what_they_find_anywhere(text: str, at: int) -> None:
    """``org_cued``, ``kind_after``, ``after_the`` and ``person_titled`` skip their patterns where
    the character they need next to the name is not there."""
    from newswatch.entities.cues import (
        _AFTER_NAME,
        _BEFORE_NAME,
        _ENDS_A_SPACE,
        _LOOK_BACK_ORG,
        _LOOK_BACK_TITLE,
        _TITLE_BEFORE,
        _word_after,
        _word_before,
    )

    at = min(at, len(text))

    def same(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
        return (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))

    m = _BEFORE_NAME.search(text, max(0, at - _LOOK_BACK_ORG), at)
    assert _word_before(text, at) == (m and m.groups())
    assert same(_word_after(text, at), _AFTER_NAME.match(text, at))
    if not (at and text[at - 1] in _ENDS_A_SPACE):
        assert _TITLE_BEFORE.search(text, max(0, at - _LOOK_BACK_TITLE), at) is None


@given(
    st.lists(
        st.sampled_from(
            "The,the ,in ,group ,a,z,-,--,é,_,1,Ⅻ,\\,,),., ,  ,\t,\n,X,abcdefghijklmnopqrstuvwxyz".split(",")
        )
    ).map("".join),
    st.integers(0, 80),
)
def test_the_word_before_a_name_by_string_methods_is_what_the_pattern_finds(text: str, at: int) -> None:
    """``_word_before`` gives the groups of a search of ``_BEFORE_NAME`` in its window, at its
    edge too (a word the window cuts, "The" at its start, a lookbehind before it)."""
    from newswatch.entities.cues import _BEFORE_NAME, _ENDS_A_SPACE, _LOOK_BACK_ORG, _word_before

    at = min(at, len(text))
    m = _BEFORE_NAME.search(text, max(0, at - _LOOK_BACK_ORG), at)
    if at and text[at - 1] in _ENDS_A_SPACE:
        assert _word_before(text, at) == (m and m.groups())
    else:
        assert _word_before(text, at) is None


@given(st.lists(st.sampled_from("(,), ,\t,\n,A,UN,RSF,UNHCRABC,a,(ABC),x (AB)".split(","))).map("".join))
def test_bracketed_acronyms_found_at_their_brackets_are_those_a_search_finds(text: str) -> None:
    from newswatch.entities.names import _BRACKETED_ACRONYM, _bracketed_acronyms

    got = [(m.span(), m.groups()) for m in _bracketed_acronyms(text)]
    assert got == [(m.span(), m.groups()) for m in _BRACKETED_ACRONYM.finditer(text)]


@given(st.lists(st.sampled_from("A,Bc,Of,and,the,.,!,?,:,;,\\,, ,\t,\u00a0,By".split(","))).map("".join))
def test_a_line_ending_as_sentences_end_is_no_title_case_line(line: str) -> None:
    """``title_case_spans`` does not ask ``is_title_case`` about such a body line."""
    from newswatch.entities.cues import _SENTENCE_END, is_title_case

    if line.rstrip()[-1:] in _SENTENCE_END:
        assert not is_title_case(line)


@given(st.text(alphabet=st.sampled_from("aK\u0130\u0131\u017f\u212aé’")))
def test_the_characters_that_fold_to_ascii_found_by_substring_as_by_their_pattern(text: str) -> None:
    """``extract_entities`` tests for them with ``in``, one each."""
    from newswatch.entities.rules import _FOLDS_TO_ASCII, _FOLDS_TO_ASCII_CHAR

    assert any(c in text for c in _FOLDS_TO_ASCII) == bool(_FOLDS_TO_ASCII_CHAR.search(text))


@given(
    st.lists(
        st.sampled_from("Mr ,the company ,'s ,spokesman,shares, in ,The , ,\n,Elan,Elanor,Mr. ,x".split(","))
    ).map("".join),
    st.sampled_from(["Elan", "Elan Elan", "The", "x"]),
)
def test_cues_read_from_mentions_found_once_are_those_found_scanning(text: str, name: str) -> None:
    """``extract_entities`` finds a name's mentions once for ``org_cued`` and ``person_titled``."""
    from newswatch.entities.cues import mention_spans, org_cued, person_titled

    spans = mention_spans(text, name)
    assert org_cued(text, name, spans) == org_cued(text, name)
    assert person_titled(text, name, spans) == person_titled(text, name)


@given(
    st.one_of(
        st.text(alphabet="abcXYZ019 -_.'é\t", max_size=14),
        st.text(max_size=10),
        st.lists(st.text(alphabet="aBz09", min_size=1, max_size=6), min_size=1, max_size=4).map(" ".join),
    )
)
def test_a_plain_names_slug_is_the_substitutions_slug(name: str) -> None:
    """``slug`` answers an ASCII name of letters and digits, one space between words, at once: the
    same slug as its substitutions make."""
    from newswatch.entities.rules import _NON_WORD, entity_key, slug

    assert slug(name) == _NON_WORD.sub("-", entity_key(name)).strip("-")
