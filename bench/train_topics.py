"""Train the shipped top-level topic classifier (newswatch/topics/model.py), offline.

    PYTHONPATH=$PWD python bench/train_topics.py [--out newswatch/models/topics/model.npz]

Training data (all CC BY 4.0; credited in newswatch/models/topics/README.md):

- ``../shared/corpora/huffpost``: 9,999 HuffPost headlines with short descriptions (News Category
  Dataset v3, Rishabh Misra), desks mapped to IPTC top-level topics by ``HUFFPOST`` below; desks
  that mix every topic (U.S. NEWS, WORLD NEWS, IMPACT, the community desks) are left out.
- ``../shared/corpora/stories``: the UCI News Aggregator development headlines, the ``tune`` half
  only (``newswatch.topics.evaluate.split``): the ``held-out`` half reports, it never trains.
- ``sources/iptc/mediatopics_en.tsv``: each IPTC Media Topic in use, as "label. definition" and as
  its label alone, under its top-level ancestor: the only examples for disasters, labour,
  conflict, weather and others no corpus covers.
- ``sources/topics.toml``: the default taxonomy's own phrases (``terms`` and ``weak``), each under
  its topic's top-level ancestor.

The BBC set is never read here. 15% of the HuffPost records (by a hash of their link) are kept out
of the fit to calibrate the probabilities (one temperature, fitted by log loss). Classes are
weighted by the inverse of their number of examples; UCI headlines weigh half (each story has dozens
of near-identical headlines). L2 strengths were chosen on the BBC tune half (docs/benchmarks.md).
Needs scipy (installed with datasketch). Takes a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tomllib
import zlib
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newswatch.topics import model as topic_model  # noqa: E402
from newswatch.topics.evaluate import read_uci, split  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
TOPS = tuple(f"medtop:{i:02d}000000" for i in range(1, 18))
# HuffPost desk -> IPTC top-level topic (its number in medtop:NN000000).
HUFFPOST = {
    "ENTERTAINMENT": 1, "COMEDY": 1, "CULTURE & ARTS": 1, "MEDIA": 1,
    "CRIME": 2,
    "BUSINESS": 4, "MONEY": 4,
    "EDUCATION": 5,
    "ENVIRONMENT": 6,
    "WELLNESS": 7,
    "WEIRD NEWS": 8,
    "STYLE & BEAUTY": 10, "HOME & LIVING": 10, "FOOD & DRINK": 10, "TRAVEL": 10, "WEDDINGS": 10,
    "POLITICS": 11,
    "RELIGION": 12,
    "TECH": 13, "SCIENCE": 13,
    "PARENTING": 14,
    "SPORTS": 15,
}  # fmt: skip
UCI = {"economy-business-finance": 4, "science-technology": 13, "arts-culture-entertainment": 1, "health": 7}
L2_EMBEDDING = 1e-5
L2_WORDS = 1e-4
UCI_WEIGHT = 0.5
CALIBRATION_SHARE = 0.15


def huffpost(path: Path) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(training, calibration) examples of the mapped desks."""
    train: list[tuple[str, int]] = []
    calib: list[tuple[str, int]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["category"] not in HUFFPOST:
                continue
            example = (f"{r['headline']}. {r['short_description']}", HUFFPOST[r["category"]] - 1)
            held = zlib.crc32(r["link"].encode()) % 100 < CALIBRATION_SHARE * 100
            (calib if held else train).append(example)
    return train, calib


def iptc(path: Path) -> list[tuple[str, int]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh, delimiter="\t")}

    def top(code: str) -> str:
        while rows[code]["parent_code"]:
            code = rows[code]["parent_code"]
        return code

    out = []
    for code, r in rows.items():
        if r["retired"] != "no":
            continue
        k = TOPS.index(top(code))
        out += [(f"{r['label']}. {r['definition']}", k), (r["label"], k)]
    return out


def taxonomy_phrases(path: Path) -> list[tuple[str, int]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    by_id = {t["id"]: t for t in data["topic"]}

    def top(t: dict) -> dict:
        while t.get("parent"):
            t = by_id[t["parent"]]
        return t

    out = []
    for t in data["topic"]:
        code = top(t).get("iptc")
        if code in TOPS:
            out += [(p.rstrip("*").strip(), TOPS.index(code)) for p in t.get("terms", []) + t.get("weak", [])]
    return out


def features(texts: list[str]):  # -> (dense embedding matrix, sparse hashed matrix)
    import scipy.sparse as sp

    embed = topic_model._static()
    dense = np.vstack([embed(texts[i : i + 512]) for i in range(0, len(texts), 512)])
    ind: list[int] = []
    ptr = [0]
    val: list[float] = []
    for t in texts:
        f = sorted(topic_model.hashed_features(t))
        ind += f
        val += [1 / np.sqrt(len(f))] * len(f) if f else []
        ptr.append(len(ind))
    hashed = sp.csr_matrix(
        (np.array(val, np.float32), np.array(ind, np.int64), np.array(ptr)),
        shape=(len(texts), topic_model.HASH_BUCKETS),
    )
    return dense, hashed


def fit(dense, hashed, y: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted multinomial logistic regression (L-BFGS); returns (embedding W, word W, bias)."""
    import scipy.sparse as sp
    from scipy.optimize import minimize

    n, d = dense.shape
    k = len(TOPS)
    x = sp.hstack([sp.csr_matrix(dense), hashed, sp.csr_matrix(np.ones((n, 1)))]).tocsr()
    xt = x.T.tocsr()
    onehot = np.eye(k)[y]
    w = weights / weights.sum()
    reg = np.concatenate([np.full(d, L2_EMBEDDING), np.full(hashed.shape[1], L2_WORDS), [0.0]])[:, None]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef = theta.reshape(-1, k)
        z = x @ coef
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        value = -(w * np.log(p[np.arange(n), y] + 1e-12)).sum() + 0.5 * (reg * coef * coef).sum()
        grad = xt @ ((p - onehot) * w[:, None]) + reg * coef
        return value, grad.ravel()

    result = minimize(loss, np.zeros(x.shape[1] * k), jac=True, method="L-BFGS-B", options={"maxiter": 400})
    coef = result.x.reshape(-1, k)
    return coef[:d], coef[d:-1], coef[-1]


def temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the log loss of ``logits`` on labels ``y``."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        z = logits / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        return float(-(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(axis=1))).mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-3, 3), method="bounded").x))


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=CORPORA)
    ap.add_argument("--out", type=Path, default=topic_model.MODEL_PATH)
    args = ap.parse_args()
    hp = args.corpora / "huffpost" / "news_category_v3_first10k.jsonl"
    uci_csv = args.corpora / "stories" / "uci_news_aggregator_dev.csv"
    if not hp.exists() or not uci_csv.exists():
        print(f"skipped: training data not found under {args.corpora}")
        return 0
    hp_train, hp_calib = huffpost(hp)
    uci = [(h.title, UCI[h.gold] - 1) for h in split(read_uci(uci_csv), "tune")]
    iptc_ex = iptc(ROOT / "sources" / "iptc" / "mediatopics_en.tsv")
    phrases = taxonomy_phrases(ROOT / "sources" / "topics.toml")
    parts = {"huffpost": hp_train, "uci-tune": uci, "iptc": iptc_ex, "taxonomy": phrases}
    examples = [e for part in parts.values() for e in part]
    y = np.array([k for _, k in examples])
    counts = np.bincount(y, minlength=len(TOPS)).astype(float)
    weights = 1.0 / np.maximum(counts, 1.0)[y]
    weights[len(hp_train) : len(hp_train) + len(uci)] *= UCI_WEIGHT
    print("examples:", {k: len(v) for k, v in parts.items()}, "per class:", counts.astype(int).tolist())
    dense, hashed = features([t for t, _ in examples])
    w_emb, w_words, bias = fit(dense, hashed, y, weights)
    # Calibrate on the held-out HuffPost records, with the inference code's own logits.
    model = topic_model.TopicModel.__new__(topic_model.TopicModel)
    model.classes, model.embedding_weights = TOPS, w_emb.astype(np.float32)
    model.word_weights, model.bias = w_words.astype(np.float16), bias.astype(np.float32)
    model.embed = topic_model._static()
    calib_texts = [t for t, _ in hp_calib]
    logits = model.logits(calib_texts, [topic_model.hashed_features(t) for t in calib_texts])
    calib_y = np.array([k for _, k in hp_calib])
    temp = temperature(logits, calib_y)
    acc = float((logits.argmax(axis=1) == calib_y).mean())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        classes=np.array(TOPS),
        embedding_weights=w_emb.astype(np.float32),
        word_weights=w_words.astype(np.float16),
        bias=bias.astype(np.float32),
        temperature=np.float32(temp),
        hash_buckets=np.int64(topic_model.HASH_BUCKETS),
        features_version=np.int64(topic_model.FEATURES_VERSION),
        trained=np.array(date.today().isoformat()),
    )
    print(f"temperature {temp:.3f}; calibration accuracy {acc:.3f} on {len(hp_calib)} HuffPost records")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
