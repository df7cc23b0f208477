"""Derived data kept between processes (newswatch.cache): built once, read back equal, and never
needed: without a writable cache directory everything is built in memory as before."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newswatch import cache
from newswatch.embeddings import STATIC_MODEL, _dequantised, _float_vectors
from newswatch.entities import gazetteer


def test_an_entry_is_built_once_and_renamed_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    built: list[Path] = []

    def build(where: Path) -> None:
        built.append(where)
        (where / "x").write_text("1")

    first = cache.entry("thing", "k1", build)
    again = cache.entry("thing", "k1", build)
    assert first == again == tmp_path / "thing-k1" and (first / "x").read_text() == "1"
    assert len(built) == 1 and built[0] != first  # built elsewhere, then renamed
    assert [p.name for p in tmp_path.iterdir()] == ["thing-k1"]  # no temporary left behind


def test_the_stamp_follows_the_files_it_is_built_from(tmp_path: Path) -> None:
    f = tmp_path / "model.bin"
    f.write_bytes(b"a")
    before = cache.stamp("v1", files=[f])
    assert cache.stamp("v1", files=[f]) == before and cache.stamp("v2", files=[f]) != before
    f.write_bytes(b"ab")
    assert cache.stamp("v1", files=[f]) != before


def test_an_unwritable_cache_directory_means_building_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(cache.ENV, str(blocker / "cache"))
    assert cache.entry("thing", "k", lambda d: None) is None
    config = json.loads((STATIC_MODEL / "config.json").read_text())
    vectors = _float_vectors(STATIC_MODEL, config)
    assert not isinstance(vectors, np.memmap)
    assert np.array_equal(vectors, _dequantised(STATIC_MODEL, config))


def test_cached_static_vectors_and_gazetteer_equal_what_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    config = json.loads((STATIC_MODEL / "config.json").read_text())
    _float_vectors(STATIC_MODEL, config)  # writes the entry
    vectors = _float_vectors(STATIC_MODEL, config)  # reads it back
    # Memory-mapped (a plain array over the mapping, not a copy), so a process reads few rows.
    assert isinstance(vectors.base, np.memmap) and not vectors.flags.owndata
    assert type(vectors) is np.ndarray
    assert np.array_equal(vectors, _dequantised(STATIC_MODEL, config))
    gazetteer.gazetteer.cache_clear()
    try:
        from_cache = gazetteer.gazetteer()  # writes the entry, then reads it back
        assert any(p.name.startswith("gazetteer-") for p in tmp_path.iterdir())
        assert from_cache == gazetteer._build()
    finally:
        gazetteer.gazetteer.cache_clear()


def test_the_language_model_read_from_the_cache_scores_as_the_packaged_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from newswatch.language import _cached_model

    monkeypatch.setenv(cache.ENV, str(tmp_path))
    assert _cached_model(LanguageIdentifier) is not None  # writes the entry
    cached = _cached_model(LanguageIdentifier)
    assert isinstance(cached.nb_ptc, np.memmap)
    packaged = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    for text in (
        "Pakistan and China signed an agreement on the corridor.",
        "La reunión terminó sin acuerdo.",
        "",
    ):
        assert cached.classify(text) == packaged.classify(text)
