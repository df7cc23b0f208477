"""The batch MinHash path (newswatch.copies.signatures_of) must give datasketch's own signature for
any text: shingles encoded word by word, and the minimum taken per permutation row."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.copies.minhash import _shingle_bytes, signature, signatures_of
from newswatch.settings import CopySettings
from newswatch.text import shingles

WORDS = st.lists(st.text(alphabet="abcé中ßİ'-1", min_size=1, max_size=6), max_size=30)


def assert_one_at_a_time(bodies: list[tuple[str, str]], cfg: CopySettings, batch: dict) -> None:
    """Each body's batch signature is ``signature`` of the body alone (None for a short one)."""
    for key, body in bodies:
        one = signature(body, cfg)
        assert (one is None) == (batch[key] is None)
        if one is not None:
            assert np.array_equal(one, batch[key])


@given(WORDS, st.integers(min_value=1, max_value=6))
def test_shingle_bytes_are_the_encoded_shingles(tokens: list[str], size: int) -> None:
    assert _shingle_bytes(tokens, size) == {s.encode("utf-8") for s in shingles(tokens, size)}


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from("naïve café 中文 zero one two three four five six".split()), max_size=90),
        max_size=6,
    ),
    st.integers(min_value=2, max_value=6),
)
def test_batch_signatures_are_datasketch_signatures(texts: list[list[str]], size: int) -> None:
    cfg = CopySettings(shingle_size=size)
    bodies = [(f"a{i}", " ".join(t)) for i, t in enumerate(texts)]
    bodies.append(("long", " ".join(f"w{i % 17} naïve 中文{i % 5}" for i in range(40))))  # always signed
    assert_one_at_a_time(bodies, cfg, signatures_of(bodies, cfg))


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=140), min_size=1, max_size=8),
    st.integers(min_value=16, max_value=40),
)
def test_batch_signatures_across_chunks_and_partial_blocks(lengths: list[int], num_perm: int) -> None:
    """Small chunks of shingles and permutation counts that are no multiple of the block's rows."""
    from unittest import mock

    cfg = CopySettings(num_perm=num_perm)
    bodies = [(f"a{i}", " ".join(f"w{(i * 7 + k) % 61}" for k in range(n))) for i, n in enumerate(lengths)]
    with mock.patch("newswatch.copies.minhash._CHUNK", 60):
        assert_one_at_a_time(bodies, cfg, signatures_of(bodies, cfg))
