"""The two bundled seed articles get the topics and entities analysts follow them for."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.entities.names import extract_entities
from newswatch.topics.evaluate import headline_article
from newswatch.topics.taxonomy import Taxonomy, tag_article

SEEDS = Path(__file__).resolve().parents[2] / "sources" / "seeds"


def seed(prefix: str) -> tuple[str, str]:
    text = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return title.strip(), body.strip()


def tags(prefix: str, taxonomy: Taxonomy) -> dict[str, float]:
    title, body = seed(prefix)
    art = headline_article(title)
    art.body = body
    art.word_count = len(body.split())
    return {t.topic: t.score for t in tag_article(art, taxonomy)}


@pytest.mark.parametrize("prefix", ["000", "003"])
@pytest.mark.parametrize("which", ["taxonomy", "configured"])
def test_seed_topics(request: pytest.FixtureRequest, which: str, prefix: str) -> None:
    """The lexicon alone and the default configuration (the classifier deciding top levels)."""
    got = tags(prefix, request.getfixturevalue(which))
    for topic in ["terrorism", "conflict-war-peace", "diplomacy", "international-relations"]:
        assert topic in got, (prefix, sorted(got))


@pytest.mark.parametrize("which", ["taxonomy", "configured"])
def test_seed_003_corridor_and_space(request: pytest.FixtureRequest, which: str) -> None:
    got = tags("003", request.getfixturevalue(which))
    assert "cpec" in got and "infrastructure-projects" in got
    assert "space-exploration" in got and "science-technology" in got


@pytest.mark.parametrize("prefix", ["000", "003"])
def test_seed_evidence_is_readable(configured: Taxonomy, prefix: str) -> None:
    """Every tag says why: matched terms in context, "implied by" a subtopic, or the classifier's
    probability with the words and passage that weighed most."""
    title, body = seed(prefix)
    art = headline_article(title)
    art.body, art.word_count = body, len(body.split())
    for t in tag_article(art, configured):
        assert t.evidence, t.topic
        for line in t.evidence:
            assert line.startswith(("title: ", "deck: ", "body: ", "implied by ", "classifier: ", "words: ",
                                    "passage: ")), line  # fmt: skip


def test_no_tag_from_weak_body_terms_alone(taxonomy: Taxonomy) -> None:
    art = headline_article("Ministers meet")
    art.body = "The statement was released with new data and an update on the launch. " * 3
    art.word_count = len(art.body.split())
    assert "science-technology" not in {t.topic for t in tag_article(art, taxonomy)}


def entities(prefix: str, taxonomy: Taxonomy) -> dict[str, tuple[str, str, str | None]]:
    title, body = seed(prefix)
    return {
        e.name: (e.entity_id, e.kind, e.country_code)
        for e in extract_entities(title, body, taxonomy.entities)
    }


def test_seed_000_entities(taxonomy: Taxonomy) -> None:
    got = entities("000", taxonomy)
    assert got["Pakistan"] == ("iso:PK", "place", "PK")
    assert got["China"] == ("iso:CN", "place", "CN")
    assert got["Afghanistan"] == ("iso:AF", "place", "AF")
    assert got["Ishaq Dar"][1] == "person" and got["Wang Yi"][1] == "person"
    assert got["Taliban"][1] == "organisation"
    # "TTP" and "Tehrik-e-Taliban Pakistan" are one entity, and not also "Taliban" or "Pakistan".
    assert got["Tehrik-e-Taliban Pakistan"][1] == "organisation"
    assert "TTP" not in got


def test_seed_003_entities(taxonomy: Taxonomy) -> None:
    got = entities("003", taxonomy)
    assert got["Beijing"][1:] == ("place", "CN")  # Beijing is in China
    assert got["Gwadar"][1:] == ("place", "PK")  # from "Gwadar Port"
    for name in ["Pakistan", "China", "Ishaq Dar", "Wang Yi"]:
        assert name in got
