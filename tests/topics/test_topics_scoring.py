"""Scoring: title over body, repetition, length, threshold, parents implied, evidence in context."""

from __future__ import annotations

from newswatch.topics.evaluate import headline_article
from newswatch.topics.taxonomy import parse_taxonomy, tag_article, term_pattern

RULES = {
    "settings": {"threshold": 2.0},
    "topic": [
        {"id": "conflict", "terms": ["war"]},
        {"id": "terrorism", "parent": "conflict", "terms": ["terrorism", "bomb*"], "weak": ["attack"]},
        {
            "id": "watch",
            "terms": ["gwadar"],
            "require": ["port"],
            "exclude": ["gwadar fc"],
            "threshold": 1.0,
        },
    ],
}
TAX = parse_taxonomy(RULES)
ALL = parse_taxonomy(RULES, threshold=0.0)  # every score, to compare them


def article(title: str, body: str = ""):
    art = headline_article(title)
    art.body = body
    art.word_count = len(f"{title} {body}".split())
    return art


def scores(title: str, body: str = "", taxonomy=TAX) -> dict[str, float]:
    return {t.topic: t.score for t in tag_article(article(title, body), taxonomy)}


def raw(title: str, body: str = "") -> float:
    return scores(title, body, ALL)["terrorism"]


def test_title_outweighs_body() -> None:
    assert raw("Terrorism returns", "Nothing else.") > raw("News", "Terrorism returns.")


def test_repetition_counts_sublinearly() -> None:
    once = raw("x", "terrorism. " + "filler " * 20)
    thrice = raw("x", "terrorism. " * 3 + "filler " * 20)
    assert once < thrice < 3 * once


def test_long_articles_are_scaled_down() -> None:
    short = raw("x", "terrorism terrorism. " + "filler " * 100)
    long = raw("x", "terrorism terrorism. " + "filler " * 3000)
    assert long < short


def test_threshold_and_weak_terms() -> None:
    assert "terrorism" not in scores("x", "terrorism.")  # body once: 1.0 < 2.0
    assert "terrorism" not in scores("Attack in town", "Police came.")  # a weak term alone: 1.0
    assert "terrorism" in scores("Attack in town", "A bomb went off.")


def test_a_headline_alone_needs_less() -> None:
    """A feed entry with only a title has one zone of evidence: its threshold is halved."""
    assert "terrorism" in scores("Attack in town")  # 1.0 >= 2.0 x 0.5
    assert "terrorism" not in scores("Attack in town", "Police came.")
    assert "conflict" not in scores("Peace in town")


def test_subtopic_implies_parent_with_evidence() -> None:
    tags = {t.topic: t for t in tag_article(article("Bombing in the capital"), TAX)}
    assert tags["conflict"].score >= tags["terrorism"].score
    assert "implied by terrorism" in tags["conflict"].evidence
    ev = tags["terrorism"].evidence[0]
    assert ev.startswith("title: bombing ×1: ") and "capital" in ev


def test_require_and_exclude() -> None:
    assert "watch" in scores("Gwadar port opens")
    assert "watch" not in scores("Gwadar opens")
    assert "watch" not in scores("Gwadar FC wins at the port")


def test_term_morphology() -> None:
    assert term_pattern("company").search("two companies merged")
    assert term_pattern("recall").search("gm recalled cars")
    assert term_pattern("vaccinate").search("vaccinating children")
    assert term_pattern("google").search("a google-owned firm")
    assert not term_pattern("war").search("warsaw")


def test_user_regex_alternation_matches_every_branch() -> None:
    tax = parse_taxonomy({"topic": [{"id": "r", "regex": [r"\bfoo\b|\bbar\b"], "threshold": 1.0}]})
    assert [t.topic for t in tag_article(article("A bar opens"), tax)] == ["r"]
    assert [t.topic for t in tag_article(article("A foo opens"), tax)] == ["r"]


def test_term_stops_at_apostrophes_but_takes_possessives() -> None:
    assert not term_pattern("won").search("editorial: banning a word won't change")
    assert term_pattern("film*").search("the film's ending")
    assert term_pattern("ship").search("orders shipped")
    assert term_pattern("plan").search("planning a merger")


def test_capital_terms_are_acronyms_matched_in_capitals() -> None:
    tax = parse_taxonomy(
        {"topic": [{"id": "health", "terms": ["WHO", "AIDS"]}, {"id": "cars", "terms": ["GM"]}]},
        threshold=0.0,
    )
    assert [t.topic for t in tag_article(article("WHO warns of AIDS funding gap"), tax)] == ["health"]
    assert tag_article(article("Who said it? Aids for the home"), tax) == []
    tag = tag_article(article("GM's recall widens"), tax)[0]
    assert tag.topic == "cars" and "title: GM's ×1" in tag.evidence[0]


def test_each_stretch_of_text_counts_once_per_topic() -> None:
    tax = parse_taxonomy({"topic": [{"id": "biz", "terms": ["market*", "marketing"], "weak": ["marketing"]}]})
    once = parse_taxonomy({"topic": [{"id": "biz", "terms": ["marketing"]}]})
    title = "Affiliate marketing grows"
    assert scores(title, taxonomy=tax) == scores(title, taxonomy=once) == {"biz": 2.0}


def test_equal_scores_go_to_broader_evidence() -> None:
    tax = parse_taxonomy(
        {
            "topic": [
                {"id": "tech", "terms": ["smartphones"], "weak": ["study"]},
                {"id": "health", "weak": ["parents", "kids", "study"]},
            ]
        },
        threshold=0.0,
    )
    tags = tag_article(article("Study: parents on smartphones ignore kids"), tax)
    assert [t.score for t in tags] == [3.0, 3.0]
    assert tags[0].topic == "health"
