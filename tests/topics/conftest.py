"""Fixtures for the topics and entities tests: the default taxonomy and the IPTC vocabulary."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from newswatch.settings import TopicSettings
from newswatch.topics import Taxonomy, load_configured, load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "topics"


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy(ROOT / "sources" / "topics.toml")


@pytest.fixture(scope="session")
def iptc() -> dict[str, dict[str, str]]:
    with open(ROOT / "sources" / "iptc" / "mediatopics_en.tsv", encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh, delimiter="\t")}


@pytest.fixture(scope="session")
def configured() -> Taxonomy:
    """The default taxonomy as ``newswatch run`` loads it: with the default [topics] settings,
    so with the top-level topic classifier."""
    return load_configured(TopicSettings(taxonomy=ROOT / "sources" / "topics.toml"))


@pytest.fixture(scope="session")
def lexicon_embedded() -> Taxonomy:
    """The default taxonomy without the classifier: the lexicon with the embedding scorer."""
    return load_configured(TopicSettings(taxonomy=ROOT / "sources" / "topics.toml", classifier="none"))
