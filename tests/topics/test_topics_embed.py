"""The embedding scorer: a second opinion on the top-level topic when the lexicon finds nothing or
one word only, with its evidence, its thresholds, and no change where the lexicon is sure."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from newswatch.embeddings import load_embedder
from newswatch.errors import ConfigError
from newswatch.settings import TopicSettings, load_settings
from newswatch.topics.embed import MODEL_DEFAULTS, EmbeddingScorer
from newswatch.topics.evaluate import headline_article
from newswatch.topics.taxonomy import Taxonomy, load_configured, parse_taxonomy, tag_article

ROOT = Path(__file__).resolve().parents[2]
SMALL = {
    "topic": [
        {"id": "health", "terms": ["hospital", "doctor*", "vaccine*", "virus"]},
        {"id": "sport", "terms": ["football", "goal*", "league", "match"]},
        {"id": "science", "terms": ["computer*", "software", "laptop*", "hacker*", "malware"]},
        {"id": "outbreak", "parent": "health", "terms": ["epidemic"]},
    ]
}


class Counting:
    """The static embedder, counting the texts it embeds."""

    def __init__(self) -> None:
        embed = load_embedder("static")
        assert embed is not None
        self.embed = embed
        self.texts: list[str] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.embed(texts)


def small(**kw: float | bool) -> tuple[Taxonomy, Taxonomy, Counting]:
    """The small taxonomy without and with a scorer (and the scorer's counting embedder)."""
    plain = parse_taxonomy(SMALL)
    embed = Counting()
    scorer = EmbeddingScorer(plain, embed, **kw)  # type: ignore[arg-type]
    return plain, dataclasses.replace(plain, embedder=scorer), embed


def tag(title: str, taxonomy: Taxonomy) -> list[tuple[str, float, tuple[str, ...]]]:
    return [(t.topic, t.score, t.evidence) for t in tag_article(headline_article(title), taxonomy)]


def test_prototypes_are_the_taxonomy_phrases_under_their_top_level() -> None:
    plain, _, embed = small()
    scorer = EmbeddingScorer(plain, embed)
    assert scorer.roots == ("health", "sport", "science")
    assert "epidemic" in scorer.phrases and "doctor" in scorer.phrases  # subtopic phrases, no '*'
    assert scorer.vectors.shape[0] == len(scorer.phrases) == 14
    got = scorer.score("An epidemic fills the hospital")
    assert got.best() == "health"


def test_nothing_in_the_lexicon_the_nearest_top_level_is_tagged_with_evidence() -> None:
    plain, tx, _ = small()
    title = "Surgeons and nurses treat patients at the clinic"
    assert tag(title, plain) == []
    [(topic, score, evidence)] = tag(title, tx)
    assert topic == "health"
    assert score == plain.threshold * 0.5  # a headline's threshold: stored, ranked after any lexicon tag
    assert evidence[0].startswith("embedding (static): nearest phrases ")
    nearest = evidence[0].split("'")[1]
    assert nearest in {"hospital", "doctor", "vaccine", "virus", "epidemic"}  # health's phrases


def test_min_similarity_keeps_weak_guesses_out() -> None:
    _, tx, _ = small(min_similarity=0.99)
    assert tag("Surgeons and nurses treat patients at the clinic", tx) == []
    _, tx, _ = small()
    assert tag("Nothing here at all", tx) == []  # no phrase near it


def test_one_word_is_overruled_only_by_a_clear_lead() -> None:
    # science leads health by about 0.11 here with the shipped static model
    plain, tx, _ = small(margin=0.05)
    title = "Ransomware virus hits PCs worldwide"
    assert [t for t, _, _ in tag(title, plain)] == ["health"]  # "virus", one word
    got = tag(title, tx)
    assert [t for t, _, _ in got] == ["science", "health"]  # the lexicon's tag stays, second
    assert got[0][1] > got[1][1]
    assert "vs health" in got[0][2][0]
    _, strict, _ = small(margin=1.0)
    assert [t for t, _, _ in tag(title, strict)] == ["health"]


def test_a_topic_with_some_lexicon_evidence_needs_a_smaller_lead() -> None:
    # One title word is two thresholds: a lead of about 0.11 is under two margins of 0.07, so the
    # lexicon's health stays; a weak science word in the title (one threshold) tips it.
    _, tx, embed = small(margin=0.07)
    title = "Ransomware virus hits PCs worldwide"
    assert [t for t, _, _ in tag(title, tx)] == ["health"]
    spec = {"topic": [dict(t) for t in SMALL["topic"]]}
    spec["topic"][2]["weak"] = ["PCs"]
    plain = parse_taxonomy(spec)
    assert [t for t, _, _ in tag(title, plain)] == ["health", "science"]
    tx = dataclasses.replace(plain, embedder=EmbeddingScorer(plain, embed, margin=0.07))
    got = tag(title, tx)
    assert [t for t, _, _ in got] == ["science", "health"]
    assert got[0][2][0].startswith("embedding (static)") and "vs health" in got[0][2][0]


def test_with_a_fixed_margin_the_lead_alone_decides() -> None:
    # MiniLM's rule (weighed=False): the nearest topic must lead the lexicon's by the margin,
    # whatever lexicon evidence either has.
    title = "Ransomware virus hits PCs worldwide"  # science leads health by about 0.11
    _, tx, _ = small(margin=0.10, weighed=False)
    assert [t for t, _, _ in tag(title, tx)] == ["science", "health"]
    _, tx, _ = small(margin=0.15, weighed=False)
    assert [t for t, _, _ in tag(title, tx)] == ["health"]
    _, tx, _ = small(margin=0.10)  # weighed: 0.11 is not two margins
    assert [t for t, _, _ in tag(title, tx)] == ["health"]


def test_a_sure_lexicon_is_left_alone_and_costs_no_embedding() -> None:
    plain, tx, embed = small()
    before = len(embed.texts)
    title = "Doctors say the vaccine stopped the epidemic at the hospital"
    assert tag(title, tx) == tag(title, plain)
    assert len(embed.texts) == before


def seed(prefix: str) -> tuple[str, str]:
    text = next((ROOT / "sources" / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return title.strip(), body.strip()


@pytest.mark.parametrize("prefix", ["000", "003"])
def test_seed_tags_are_unchanged(taxonomy: Taxonomy, lexicon_embedded: Taxonomy, prefix: str) -> None:
    title, body = seed(prefix)
    art = headline_article(title)
    art.body, art.word_count = body, len(body.split())
    assert lexicon_embedded.embedder is not None
    assert tag_article(art, lexicon_embedded) == tag_article(art, taxonomy)


def test_setting_is_validated_and_none_turns_it_off(tmp_path: Path) -> None:
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('[topics]\nembeddings = "word2vec"\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(cfg)
    off = load_configured(
        TopicSettings(taxonomy=ROOT / "sources" / "topics.toml", classifier="none", embeddings="none")
    )
    assert off.embedder is None


def test_margin_and_floor_default_to_the_models_own_and_settings_override_them() -> None:
    path = ROOT / "sources" / "topics.toml"
    scorer = load_configured(TopicSettings(taxonomy=path, classifier="none")).embedder
    assert (scorer.margin, scorer.min_similarity) == MODEL_DEFAULTS["static"]
    own = TopicSettings(taxonomy=path, classifier="none", embedding_margin=0.3, embedding_min_similarity=0.6)
    scorer = load_configured(own).embedder
    assert (scorer.margin, scorer.min_similarity) == (0.3, 0.6)


def test_a_taxonomy_without_phrases_is_left_to_its_rules() -> None:
    plain = parse_taxonomy({"topic": [{"id": "money", "regex": [r"\bprofit\b"]}]})
    tx = dataclasses.replace(plain, embedder=EmbeddingScorer(plain, Counting()))
    assert tag("Surgeons and nurses treat patients at the clinic", tx) == []
    assert [t for t, _, _ in tag("Record profit", tx)] == ["money"]


def test_articles_in_other_languages_are_left_to_the_lexicon() -> None:
    _, tx, embed = small()
    before = len(embed.texts)
    art = headline_article("Surgeons and nurses treat patients at the clinic")
    art.language = "es"
    assert tag_article(art, tx) == []
    assert len(embed.texts) == before


def test_static_vectors_are_centred_unit_rows() -> None:
    plain, _, embed = small()
    scorer = EmbeddingScorer(plain, embed, centred=True)
    assert scorer.mean is not None
    assert np.allclose(np.linalg.norm(scorer.vectors, axis=1), 1.0, atol=1e-5)
    assert scorer.score("An epidemic fills the hospital").best() == "health"


def test_no_known_word_no_opinion() -> None:
    plain, _, embed = small()
    scorer = EmbeddingScorer(plain, embed, centred=True)
    tx = dataclasses.replace(plain, embedder=scorer)
    assert not np.isfinite(scorer.score("").scores).any()
    assert tag("", tx) == [] and tag("§§§ ¤¤¤", tx) == []


def test_a_topic_without_phrases_is_not_overruled() -> None:
    science = {"id": "science", "terms": ["computer*", "software", "malware", "hacker*", "laptop*"]}
    plain = parse_taxonomy({"topic": [{"id": "money", "regex": [r"\bvirus\b"]}, science]})
    tx = dataclasses.replace(plain, embedder=EmbeddingScorer(plain, Counting(), margin=1e-6))
    title = "Malicious virus"
    assert [t for t, _, _ in tag(title, plain)] == ["money"]  # one match: the scorer is asked
    assert tag(title, tx) == tag(title, plain)  # but "money" has no phrases to weigh it against
