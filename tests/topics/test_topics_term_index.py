"""The term index tries each term only where it can match: it must find exactly what a full scan finds."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newswatch.driver.stages import extract
from newswatch.entities.names import _FOLDS_TO_ASCII, extract_entities, parse_entity_rules
from newswatch.records import Document
from newswatch.text import fold
from newswatch.topics.taxonomy import Taxonomy, _matches, _term_index, parse_taxonomy

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "tests" / "fixtures" / "news_html").glob("*.html.gz"))[:12]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    docs = [
        Document("t", f"https://example.org/{p.name}", gzip.decompress(p.read_bytes()), "text/html", None)
        for p in PAGES
    ]
    arts = extract(docs, workers=1).articles
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "sources" / "seeds").glob("*.txt"))]
    return [*seeds, *(f"{a.title}\n{a.deck or ''}\n{a.body}" for a in arts)]


def test_index_finds_what_a_full_scan_finds(taxonomy: Taxonomy, texts: list[str]) -> None:
    found = sum(_full_scan_agrees(taxonomy, raw) for raw in texts)
    assert found > 100  # the texts do mention the taxonomy's terms


def test_a_user_regex_is_tried_everywhere() -> None:
    tax = parse_taxonomy({"topic": [{"id": "money", "regex": [r"[$€]\s?\d+"], "terms": ["budget"]}]})
    tags = _term_index(tax).candidates(fold("A budget of $5 and €7."), "A budget of $5 and €7.")
    assert tags[0][1] is None  # the regex (after the terms): no start positions, a full scan
    assert tags[0][0] == [2]  # "budget" starts at 2


def test_a_regex_with_a_top_level_alternative_is_tried_everywhere() -> None:
    tax = parse_taxonomy({"topic": [{"id": "x", "regex": [r"(?<![\w])foo|bar"]}]})
    assert _term_index(tax).candidates("a bar", "a bar")[0][0] is None


def test_entity_prefilter_keeps_case_insensitive_matches() -> None:
    rules = parse_entity_rules(
        [{"name": "Kiska Island", "kind": "place"}, {"name": "Istanbul", "kind": "place"}]
    )
    # The Kelvin sign and a dotted capital I match "k" and "i" case-insensitively in ``re``.
    for text in ["KISKA ISLAND news", "\u212aiska island news", "\u0130stanbul news", "istanbul"]:
        names = {e.name for e in extract_entities("Title", text, rules)}
        assert names & {"Kiska Island", "Istanbul"}, text
    assert set("\u212a\u0130") <= _FOLDS_TO_ASCII
    assert not {e.name for e in extract_entities("Title", "nothing here", rules)} & {"Kiska Island"}


def _full_scan_agrees(tax: Taxonomy, raw: str) -> int:
    """How many matches a full regex scan of ``raw`` finds; asserts the index finds the same."""
    index = _term_index(tax)
    folded = fold(raw)
    cands = index.candidates(folded, raw)
    found = 0
    for ti, weighted in enumerate(index.weighted):
        for k, (pattern, _) in enumerate(weighted):
            text = raw if pattern.pattern.endswith("(?#cased)") else folded
            full = [m.span() for m in pattern.finditer(text)]
            terms = cands.get(ti, {})
            fast = [m.span() for m in _matches(pattern, text, terms[k])] if k in terms else []
            assert fast == full, (pattern.pattern, full, fast)
            found += len(full)
    return found


def test_phrase_words_that_no_term_starts_with_are_still_seen() -> None:
    # "zq" and "xv" begin no term: the words a phrase needs after its first must still be read.
    tax = parse_taxonomy(
        {"topic": [{"id": "x", "terms": ["alpha zqueen", "beta gamma xvow", "i", "UN", "M-16", "ox*"]}]}
    )
    text = (
        "Alpha ZQueens met beta-gamma xvowed. Alpha zq. The UN's M-16, un, i, I'd, "
        "oxen oxbow box alpha-zqueen's alpha\u2014zqueen"
    )
    assert _full_scan_agrees(tax, text) >= 8


def test_overlapping_terms_and_word_boundaries_agree_with_a_full_scan(texts: list[str]) -> None:
    tax = parse_taxonomy(
        {
            "topic": [
                {"id": "a", "terms": ["market*", "marketing", "stock market", "won", "e-commerce"]},
                {"id": "b", "terms": ["market", "markets crash", "WHO", "company"], "weak": ["won't"]},
            ]
        }
    )
    extra = "Market-marketing stock  markets crash; won won't wonder WHO who's WHOs companies e-commerce"
    assert sum(_full_scan_agrees(tax, t) for t in [extra, *texts[:6]]) > 10


def test_the_word_memo_bound_changes_nothing(
    taxonomy: Taxonomy, texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fresh index that forgets its words after every text finds what one that keeps them finds.
    import newswatch.topics.taxonomy as topics

    kept = [_term_index(taxonomy).candidates(fold(t), t) for t in texts[:4]]
    monkeypatch.setattr(topics, "_MEMO_WORDS", 1)
    fresh = topics._TermIndex(taxonomy)
    assert [fresh.candidates(fold(t), t) for t in texts[:4]] == kept
    assert len(fresh._memo[0].seen) < len(_term_index(taxonomy)._memo[0].seen)


def test_the_prefix_walk_finds_what_looking_up_every_prefix_finds(
    taxonomy: Taxonomy, configured: Taxonomy, texts: list[str]
) -> None:
    """``_word_entries`` walks a tree of the stems' and literals' characters; the plain way looks
    up every prefix of the word, however long, in the stems and the ``begins`` literals."""
    import re

    odd = "e- ‘market’ marketingmarketing ÉCOLE İstanbul \u212aelvin x_y WHO’s UN-led M-16s"
    words = {w for t in [odd, *texts] for w in re.findall(r"\w+", f"{t} {fold(t)}")}
    for tax in (taxonomy, configured):
        index = _term_index(tax)
        for cased in (False, True):
            stems, begins = index.stems[cased], index.begins[cased]
            for word in words:
                prefixes = [word[:n] for n in range(1, len(word) + 1)]
                plain = (
                    tuple(e for p in prefixes if p in stems for e in stems[p]),
                    tuple(p for p in prefixes if p in begins),
                )
                assert index._word_entries(word, cased) == plain, word


def test_leading_words_are_found_where_they_stand_whole(configured: Taxonomy, texts: list[str]) -> None:
    """``candidates`` finds a leading word's places with ``str.find``: the starts of the runs of
    ``\\w`` that are that word, as splitting the text into such runs gives them; on ASCII text
    the ASCII form of the word pattern finds the same words."""
    import re

    from newswatch.topics.taxonomy import _whole_word_starts

    odd = "x_y _under über-über 2über e\u0301clair \u212aelvin K\u212a 3½ ½3 UN-UN UN_UN un\u00adun e e-e é"
    index = _term_index(configured)
    for raw in [odd, *texts]:
        for text in (raw, fold(raw)):
            runs = [(m.start(), m.group()) for m in re.finditer(r"\w+", text)]
            for word in {w for _, w in runs}:
                assert _whole_word_starts(text, word) == [at for at, w in runs if w == word], word
            if text.isascii():
                for cased in (0, 1):
                    assert index.splitters[cased + 2].findall(text) == index.splitters[cased].findall(text)


def test_folded_ascii_text_is_cut_into_every_run_of_word_characters(
    taxonomy: Taxonomy, configured: Taxonomy, texts: list[str]
) -> None:
    """On folded ASCII text ``candidates`` takes every run of ``\\w`` (``str.translate``, then
    ``str.split``) where the splitter pattern keeps the runs that may begin a leading word: the
    runs are those ``\\w+`` finds, and a run the pattern leaves out leads to no term."""
    import re

    from newswatch.topics.taxonomy import _ASCII_NON_WORD

    odd = "x_y _under e- e-e 3 a1 UN-led M-16s it's won't " + "".join(map(chr, range(128)))
    for tax in (taxonomy, configured, configured.headlines):
        assert tax is not None
        index = _term_index(tax)
        needed = {
            *index.exact[0],
            *(w for es in index.exact[0].values() for _, _, (m, b, _) in es for w in (*m, b)),
        }
        for raw in [odd, *texts]:
            text = fold(raw)
            if not text.isascii():
                continue
            runs = text.translate(_ASCII_NON_WORD).split()
            assert runs == re.findall(r"\w+", text, re.ASCII)
            for word in set(runs) - set(index.splitters[2].findall(text)):
                assert index._word_entries(word, False) == ((), ()), word
                assert word not in needed, word
