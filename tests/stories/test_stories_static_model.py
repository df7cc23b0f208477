"""The shipped static embedding model loads offline, without torch, and tells events apart."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from newswatch.embeddings import STATIC_MODEL, load_embedder, load_static


def test_the_shipped_model_is_small_and_licensed() -> None:
    files = {p.name: p.stat().st_size for p in STATIC_MODEL.iterdir()}
    assert {"vectors.npy", "tokenizer.json", "config.json", "LICENSE.md"} <= set(files)
    assert sum(files.values()) < 10 * 1024 * 1024
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
    assert v.shape == (4, 128) and v.dtype == np.float32
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
        "assert v.shape == (1, 128) and abs(float((v * v).sum()) - 1) < 1e-4\n"
        "assert 'torch' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
    )
    env = {"HF_HUB_OFFLINE": "1", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
