"""Shared fixtures: a clean environment, the seeds in tmp_path, Prefect's real engine, the default
taxonomy and the IPTC vocabulary (topics and entities tests)."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from nwtest import SEEDS

from newswatch.settings import TopicSettings
from newswatch.topics.taxonomy import Taxonomy, load_configured, load_taxonomy


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's NEWSWATCH_* variables must not leak into tests."""
    for key in [k for k in os.environ if k.startswith("NEWSWATCH_")]:
        monkeypatch.delenv(key)


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Prefect's real engine on a temporary database, once per session (slow tests only)."""
    from newswatch.flows.env import configure_prefect

    configure_prefect()
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    storage = tmp_path_factory.mktemp("prefect-storage")
    with (
        temporary_settings({PREFECT_LOCAL_STORAGE_PATH: storage}),
        prefect_test_harness(server_startup_timeout=120),
    ):
        yield


ROOT = Path(__file__).resolve().parents[1]
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
