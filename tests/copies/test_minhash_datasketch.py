"""The MinHash in newswatch.copies.minhash against datasketch's own (a test-only dependency): the same
permutations, the same signatures for any text, the same LSH banding for every setting allowed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.copies.minhash import SCHEME, banding, permutations, signature, signatures_of
from newswatch.settings import CopySettings
from newswatch.text import shingles, words

datasketch = pytest.importorskip("datasketch")


@pytest.mark.parametrize("num_perm", [16, 64, 128, 256, 512])
def test_permutations_are_datasketch_permutations(num_perm: int) -> None:
    a, b = permutations(num_perm)
    ref = datasketch.MinHash(num_perm=num_perm, scheme=SCHEME).permutations
    assert np.array_equal(a, ref[0]) and np.array_equal(b, ref[1])


def _datasketch_signature(text: str, cfg: CopySettings) -> np.ndarray:
    mh = datasketch.MinHash(num_perm=cfg.num_perm, scheme=SCHEME)
    mh.update_batch([s.encode("utf-8") for s in shingles(words(text), cfg.shingle_size)])
    return np.asarray(mh.hashvalues, dtype=np.uint32)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from("naïve café 中文 zero one two three four five six İß".split()),
        min_size=40,
        max_size=120,
    ),
    st.integers(min_value=1, max_value=6),
    st.sampled_from([16, 128, 200]),
)
def test_signatures_are_datasketch_signatures(tokens: list[str], size: int, num_perm: int) -> None:
    cfg = CopySettings(shingle_size=size, num_perm=num_perm)
    text = " ".join(tokens)
    ref = _datasketch_signature(text, cfg)
    one = signature(text, cfg)
    assert one is not None and np.array_equal(one, ref)
    batch = signatures_of([("x", text)], cfg)["x"]
    assert batch is not None and np.array_equal(batch, ref)


@pytest.mark.parametrize("num_perm", [16, 32, 64, 100, 128, 256, 512])
def test_banding_is_datasketch_banding(num_perm: int) -> None:
    for threshold in [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0]:
        try:
            lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=num_perm)
        except ValueError:  # too few bands: refused by both
            with pytest.raises(ValueError):
                banding(threshold, num_perm)
            continue
        assert banding(threshold, num_perm) == (lsh.b, lsh.r), (threshold, num_perm)
