"""The shipped static embedding model loads offline, without torch, and tells events apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from newswatch.embeddings import STATIC_MODEL, load_embedder, load_static


def test_the_shipped_model_is_small_and_licensed() -> None:
    files = {p.name: p.stat().st_size for p in STATIC_MODEL.iterdir()}
    assert {"vectors.npy", "tokenizer.json", "config.json", "LICENSE.md"} <= set(files)
    assert sum(files.values()) < 10 * 1024 * 1024
    config = json.loads((STATIC_MODEL / "config.json").read_text(encoding="utf-8"))
    vectors = np.load(STATIC_MODEL / "vectors.npy", mmap_mode="r")
    assert vectors.shape == (config["vocabulary"], config["dims"])
    if config.get("quantization") == "int8":  # one scale per token row
        assert vectors.dtype == np.int8
        assert np.load(STATIC_MODEL / "scales.npy").shape == (config["vocabulary"],)
    assert "Apache" in (STATIC_MODEL / "LICENSE.md").read_text(encoding="utf-8")


def test_it_embeds_unit_vectors_and_same_event_headlines_score_higher() -> None:
    embed = load_static()
    texts = [
        "Pakistan and China call for steps against Afghan-based terror groups",
        "Beijing and Islamabad urge Kabul to act against militants",
        "Apple unveils a larger iPhone with a faster chip",
        "",
    ]
    v = embed(texts)
    dims = json.loads((STATIC_MODEL / "config.json").read_text(encoding="utf-8"))["dims"]
    assert v.shape == (4, dims) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-5)
    assert not v[3].any()  # nothing to embed: a zero vector, not NaN
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    assert load_embedder("static") is load_embedder("static")  # loaded once per process


def test_it_loads_with_no_network_and_no_torch() -> None:
    # A fresh interpreter where importing torch fails and the hub is offline: the model still works.
    code = (
        "import sys; sys.modules['torch'] = None; sys.modules['sentence_transformers'] = None\n"
        "from newswatch.embeddings import load_embedder\n"
        "v = load_embedder('static')(['China and Pakistan hold talks'])\n"
        "assert v.shape[0] == 1 and abs(float((v * v).sum()) - 1) < 1e-4\n"
        "assert 'torch' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
    )
    env = {"HF_HUB_OFFLINE": "1", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_by_default_headlines_carry_embedding_evidence() -> None:
    from datetime import UTC, datetime, timedelta

    from newswatch.clean import clean
    from newswatch.records import Extracted
    from newswatch.settings import Settings
    from newswatch.stories.assign import StoryIndex, assign_stories

    settings = Settings().stories
    assert settings.embeddings == "static"
    t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    heads = [
        "Fed raises interest rates by a quarter point",
        "Federal Reserve lifts rates a quarter point, signals more hikes",
    ]
    arts = [
        clean(Extracted(title=h, body="", published_at=t0 + timedelta(hours=i)), source=f"o{i}",
              url=f"https://o{i}.example/{i}")
        for i, h in enumerate(heads)
    ]  # fmt: skip
    links, _ = assign_stories(arts, StoryIndex(settings, load_embedder(settings.embeddings)))
    assert links[1].story_id == links[0].story_id and not links[1].is_new_story
    assert "embedding" in links[1].evidence


def test_int8_vectors_with_per_token_scales_embed_like_the_float_vectors(tmp_path: Path) -> None:
    # The shipped files are int8 + scales; the loader also reads plain float16 vectors. Both must
    # give the same embeddings for the same numbers, so a rebuilt model may use either.
    config = json.loads((STATIC_MODEL / "config.json").read_text(encoding="utf-8"))
    q = np.load(STATIC_MODEL / "vectors.npy")
    scales = np.load(STATIC_MODEL / "scales.npy") if config.get("quantization") == "int8" else None
    dense = q.astype(np.float32) * (scales.astype(np.float32)[:, None] if scales is not None else 1.0)
    plain = tmp_path / "plain"
    plain.mkdir()
    np.save(plain / "vectors.npy", dense.astype(np.float16))
    (plain / "tokenizer.json").write_bytes((STATIC_MODEL / "tokenizer.json").read_bytes())
    (plain / "config.json").write_text(
        json.dumps({k: v for k, v in config.items() if k != "quantization"}), encoding="utf-8"
    )
    texts = ["Comcast agrees to buy Time Warner Cable", "Mark Carney faces the Treasury committee"]
    a, b = load_static()(texts), load_static(plain)(texts)
    assert np.allclose(a, b, atol=2e-3)
    assert a[0] @ a[1] < 0.5  # two unrelated events stay apart
