"""Cheaper scans that must find exactly what the plain scans find."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newswatch.entities.basic import _NAME
from newswatch.entities.rules import (
    EntityRule,
    _alias_table,
    _finditer,
    _leading_literal,
    _rule_patterns,
    lead_starts,
    matches_at,
)

TEXTS = [
    "Al Qaeda and al-Qaeda's leaders; AL QAEDA, alqaeda, Mal Qaeda, al  Qaeda-linked. al Qaeda",
    "The UN Security Council met. UN Security Council's vote; UNSC; the un security council",
    "Xi Jinping met Xi. Xi's visit; XI; Xiamen; Xi-Xi Xi",
    "😀🎉 Xi 𝔘 met the UNSC and Al Qaeda 👍; UN Security Council",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(
    ("name", "kind", "aliases"),
    [
        ("al Qaeda", "organisation", ("Al Qaida",)),
        ("UN Security Council", "organisation", ("UNSC",)),
        ("Xi Jinping", "person", ("Xi",)),
    ],
)
def test_lead_positions_find_what_finditer_finds(
    text: str, name: str, kind: str, aliases: tuple[str, ...]
) -> None:
    for _, pat, _ in _rule_patterns(name, kind, aliases):
        lead = _leading_literal(pat)
        assert lead
        where = (text.lower(), lead.lower()) if pat.flags & re.IGNORECASE else (text, lead)
        got = [(m.span(), m.group()) for m in _finditer(pat, text, where)]
        assert got == [(m.span(), m.group()) for m in pat.finditer(text)]


@pytest.mark.parametrize("text", TEXTS)
def test_one_pass_over_the_leads_finds_what_finditer_finds(text: str) -> None:
    rules = (
        EntityRule("organisation:al-qaeda", "al Qaeda", "organisation", None, ("Al Qaida",)),
        EntityRule("organisation:unsc", "UN Security Council", "organisation", None, ("UNSC",)),
        EntityRule("person:xi-jinping", "Xi Jinping", "person", None, ("Xi",)),
    )
    table = _alias_table(rules)
    starts, _ = lead_starts(table, text.lower())
    for _, pat, _, ignore_case, lead, lead_lower in table.aliases:
        assert lead_lower
        at = [a for a in starts.get(lead_lower, []) if ignore_case or text.startswith(lead, a)]
        got = [(m.span(), m.group()) for m in matches_at(pat, text, at)]
        assert got == [(m.span(), m.group()) for m in pat.finditer(text)]


KIND_TEXTS = [
    "Sindh province, the Indus River and the province of Sindh; the Thar desert's edge",
    "a Red Sea port; Port Qasim; mid-province; provinces of Punjab; STATE of Bihar; the state",
    "Área of Ñuble région; İstanbul province; the Gulf of Oman-region and Lake Como",
    "😀🎉 Sindh province 𝔘 and the province of Punjab 👍",
    "",
]


@pytest.mark.parametrize("text", KIND_TEXTS)
def test_kind_words_found_in_one_pass_are_those_a_search_per_word_finds(text: str) -> None:
    from newswatch.entities.cues import _KINDS, _cued_at, _joins, place_cued_names

    lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    expected: set[str] = set()
    for word, capitalised in _KINDS:
        at = lowered.find(word)
        while at >= 0:
            end = at + len(word)
            if (
                (not at or not _joins(text[at - 1]))
                and (end == len(text) or not _joins(text[end]))
                and (not capitalised or text[at].isupper())
            ):
                _cued_at(text, at, end, expected)
            at = lowered.find(word, end)
    assert place_cued_names(text) == expected


@pytest.mark.parametrize("text", [t for t in KIND_TEXTS if len(t.lower()) == len(t)])
def test_kind_words_found_with_the_watchlist_leads_are_those_found_alone(text: str) -> None:
    """``extract_entities`` finds the words for kinds of place in the pass that finds the
    watchlist's leads: the same words, whether or not a lead is also one of them."""
    from newswatch.entities.cues import PLACE_KIND_WORDS, place_cued_names

    rules = (
        EntityRule("place:sindh", "Sindh", "place", "PK", ("Sindh province",)),
        EntityRule("place:indus", "Indus River", "place", None, ("River",)),
    )
    for also in ((), PLACE_KIND_WORDS):
        table = _alias_table(rules, also)
        starts, found = lead_starts(table, text.lower())
        assert starts == lead_starts(_alias_table(rules), text.lower())[0]
        if also:
            assert place_cued_names(text, text.lower(), found) == place_cued_names(text)
        else:
            assert found == []


# The name pattern as defined; _NAME is written for speed and must match exactly the same runs.
PLAIN_NAME = re.compile(
    r"(?<![\w'’])((?:[A-Z][\w'’\-]*[\w]|[A-Z]{2,}|[A-Z])"
    r"(?:\s+(?:(?:of|the|de|del|la|al|bin|van|von|der|da)\s+)?(?:[A-Z][\w'’\-]*[\w]|[A-Z]{2,}))*)"
)
NAME_TEXTS = [
    "Foreign Minister Wang Yi met O'Neil and the Bank of England, d'Arcy; ÉCOLE X. IBM's CEO",
    "A. B. AB-C A_B a'B ’X x’Y  Ali bin Laden of The Hague and  Van Der Berg\nUN\nI",
    "",
]


@pytest.mark.parametrize("text", NAME_TEXTS)
def test_name_pattern_matches_as_defined(text: str) -> None:
    assert _NAME.pattern != PLAIN_NAME.pattern
    assert [m.span(1) for m in _NAME.finditer(text)] == [m.span(1) for m in PLAIN_NAME.finditer(text)]


@given(
    st.lists(
        st.sampled_from(["A", "B", "b", " ", "\n", "'", "’", "-", "_", "1", "É", "of ", "the ", "."])
    ).map("".join)
)
def test_name_pattern_matches_as_defined_on_any_text(text: str) -> None:
    assert [m.span(1) for m in _NAME.finditer(text)] == [m.span(1) for m in PLAIN_NAME.finditer(text)]


def test_long_texts_split_once_and_every_caller_gets_its_own_list() -> None:
    from newswatch.text import _WORD, fold, words

    text = "Ünïcode ‘quotes’ and O’Neil’s co-op, 3,000 words. " * 40
    first = words(text)
    first.append("mutated")
    again = words(text)
    assert again == _WORD.findall(fold(text)) and "mutated" not in again and again is not first


def test_a_head_and_a_kept_text_split_as_the_whole() -> None:
    from newswatch.text import _WORD, fold, words

    body = "Ａｆｔｅｒ the ﬁrst café… Naïve co-op’s “words” – 2,000 of them.\n\nNext para. " * 30
    words(body)  # kept
    for text in (f"Deck line é\n{body}", f"\n{body}", f"Title\nDeck ‘x’\n{body}", f"A\nB\nC\n{body}"):
        assert words(text) == _WORD.findall(fold(text))


@pytest.mark.parametrize(
    "html",
    [
        "",
        "x",
        "<p>x</p>",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1/DTD/x.dtd">\n'
        "<html><body>a\x00b\x0c\ufffe</body></html>",
        "<html/>\n<body>x</body>",
        "<html><body>\ud800 lone</body></html>",
        "\x00\x01<html><p>y</p>\uffff</html>",
        "<html><body><p>plain café</p></body></html>",
    ],
)
def test_page_loader_builds_trafilatura_s_tree(html: str) -> None:
    from lxml import etree

    from newswatch.extract.vendored import fast_load_html as load_html
    from newswatch.extract.vendored import reference_load_html as trafilatura_load_html

    def tree(t: object) -> bytes | None:
        return None if t is None else etree.tostring(t)

    assert tree(load_html(html)) == tree(trafilatura_load_html(html))


LOWER_TEXTS = [
    *TEXTS,
    "The plan's plan-b; a plan, planned. _plan plan_ ‘plan’ plan’s 2plan plan2 é plan é-plan Plan PLAN",
    "ministers Ministers ministers' ministers’ the the-the _the the",
]


@pytest.mark.parametrize("text", LOWER_TEXTS)
def test_lower_case_words_are_the_plain_scans_words(text: str) -> None:
    from newswatch.entities.names import _LowerWords

    plain = set(re.findall(r"(?<![\w'’\-])[a-z]+(?![\w'’\-])", text))
    lower = _LowerWords(text)
    probes = plain | {w.lower() for w in re.findall(r"[\w'’\-]+", text)} | {"plan", "the", "Plan", "", "é"}
    for word in probes:
        assert (word in lower) == (word in plain), word


@given(
    st.lists(
        st.sampled_from(["A", "b", "1", " ", "\n", ".", ",", "-", '"', "“", "(", "Mr", "—", "|", "\t"])
    ).map("".join),
    st.integers(min_value=0, max_value=40),
)
@example("Dar said. Wang met", 10)
@example("He met Mr. Wang", 11)
@example("line -- and - Wang", 14)
@example("“Quote,” Wang said", 9)
@example("He met Wang", 7)
def test_a_word_after_a_space_after_a_letter_opens_no_sentence_as_the_regex_has_it(
    text: str, at: int
) -> None:
    from newswatch.entities.names import (
        _SENTENCE_START,
        _START_WINDOW,
        _TITLE_DOT,
        _TITLE_WINDOW,
        _opens_sentence,
    )

    at = min(at, len(text))
    plain = bool(_SENTENCE_START.search(text[max(0, at - _START_WINDOW) : at])) and not _TITLE_DOT.search(
        text, max(0, at - _TITLE_WINDOW), at
    )
    assert _opens_sentence(text, at) == plain
