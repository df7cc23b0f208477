"""The default lexicons: words that also mean something else are not topic evidence."""

from __future__ import annotations

import pytest

from newswatch.topics.evaluate import headline_article, top_level
from newswatch.topics.taxonomy import Taxonomy, tag_article

# (headline, a top-level topic it must NOT get): each one a stem or a homograph that used to fire.
PITFALLS = [
    ("Police in Stockholm question the authorities", "economy-business-finance"),
    ("Police in Stockholm question the authorities", "arts-culture-entertainment"),
    ("Who said it? The quarterback won't start", "health"),
    ("Who said it? The quarterback won't start", "economy-business-finance"),
    ("Qatar brokered a ceasefire after a suicide bombing", "health"),
    ("Qatar brokered a ceasefire after a suicide bombing", "economy-business-finance"),
    ("Lawmakers led by the speaker meet at the station", "science-technology"),
    ("Crowds gather at the station for a general strike", "health"),
]


def best_top_level(taxonomy: Taxonomy, title: str) -> set[str]:
    return {top_level(taxonomy, t.topic) for t in tag_article(headline_article(title), taxonomy)}


@pytest.mark.parametrize(("title", "topic"), PITFALLS)
def test_homographs_are_not_evidence(taxonomy: Taxonomy, title: str, topic: str) -> None:
    assert topic not in best_top_level(taxonomy, title)


def test_weak_words_in_a_body_make_no_tag(taxonomy: Taxonomy) -> None:
    art = headline_article("Border talks resume")
    art.body = "Militants used the valley as a launchpad. Officials said data on the network was released."
    art.word_count = len(art.body.split())
    assert "science-technology" not in {t.topic for t in tag_article(art, taxonomy)}


@pytest.mark.parametrize(
    ("title", "topic"),
    [
        ("Stock market rally lifts Stockholm exchange", "economy-business-finance"),
        ("WHO declares an outbreak emergency", "health"),
        ("New LED display for the next iPhone", "science-technology"),
        ("Jennifer Lawrence joins the cast of the sequel", "arts-culture-entertainment"),
    ],
)
def test_clear_headlines_get_their_topic(taxonomy: Taxonomy, title: str, topic: str) -> None:
    assert topic in best_top_level(taxonomy, title)
