"""Language detection walks py3langid's byte automaton in numpy (newswatch.language._identifier): the
scores must be py3langid's own, to the bit, on any text."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.language import _DFA_DEPTH, _identifier

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "news_html"


@pytest.fixture(scope="module")
def library() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_the_pinned_model_gets_the_numpy_walk() -> None:
    assert _identifier()._steps is not None


def test_no_automaton_state_is_deeper_than_the_window() -> None:
    """The window covers the longest byte string a state stands for (its depth from the start)."""
    ident = _identifier()
    nextmove, rowbase, *_ = ident._steps
    depth = np.full(len(rowbase), -1)
    depth[0] = 0
    frontier, level = np.array([0]), 0
    while len(frontier):
        level += 1
        reached = np.unique(nextmove[(rowbase[frontier][:, None] + np.arange(256)).ravel()])
        frontier = reached[depth[reached] < 0]
        depth[frontier] = level
    assert depth.min() >= 0
    assert depth.max() == _DFA_DEPTH


def test_real_pages_score_as_the_library_scores_them(library: Any) -> None:
    ident = _identifier()
    pages = sorted(FIXTURES.glob("*.html.gz"))
    assert len(pages) >= 80
    for page in pages:
        html = gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace")
        for text in (html[:1], html[:5], html[-1000:], html[len(html) // 2 : len(html) // 2 + 3000]):
            assert np.array_equal(ident._decide(text), library._decide(text)), page.name
            assert ident.classify(text) == library.classify(text)


SCRIPTS = "abc xyz ÄÖÜßéñç 中文日本語 русский عربي हिन्दी ελληνικά .,!?'\"-\n0123456789"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(SCRIPTS)) | st.text() | st.binary().map(lambda b: b.decode("latin-1"))
)
def test_any_text_scores_as_the_library_scores_it(library: Any, text: str) -> None:
    ident = _identifier()
    assert np.array_equal(ident._decide(text), library._decide(text))
