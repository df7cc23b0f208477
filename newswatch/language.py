"""Language: the ISO 639-1 code of an article's text (py3langid), or None when it is unclear."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from newswatch.text import has_words

log = logging.getLogger("newswatch.language")

# py3langid finds its features by walking a byte automaton over the text, one Python step per byte
# (about two thirds of its time). The automaton is an Aho-Corasick one over byte strings of at most
# ``_DFA_DEPTH`` bytes: its state after a byte is the longest such string ending there, so it depends
# only on the last ``_DFA_DEPTH`` bytes and every position's state can be found at once, in
# ``_DFA_DEPTH`` numpy steps over the whole text. For the pinned model (0.4.0, recognised by its state
# and transition counts below) this was checked for every state and byte when written (each
# transition leads to the longest suffix of the state's string plus the byte), and
# tests/extract/test_extraction_language.py checks the depth and the scores; any other model
# keeps the library's own walk.
_DFA_DEPTH = 6
_DFA_SHAPE = (104_583, 9_816_576)  # states, transition table entries


@lru_cache(maxsize=1)
def _identifier() -> Any:
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    class Identifier(LanguageIdentifier):
        """py3langid's identifier with the feature walk done in numpy: the same features, counts
        and order, so the same scores to the bit."""

        __slots__ = ("_steps",)

        def _raw_score(self, text: bytes) -> Any:
            if self._steps is None or not text:
                return super()._raw_score(text)
            nextmove, rowbase, output, table16, to_float32 = self._steps
            data = np.frombuffer(text, dtype=np.uint8)
            n = len(data)
            state = np.zeros(n, dtype=np.intp)
            # The state after byte i: the walk from the start state over bytes i-5 .. i.
            for k in range(min(_DFA_DEPTH, n) - 1, -1, -1):
                state[k:] = nextmove[rowbase[state[k:]] + data[: n - k]]
            found = output[state]
            found = found[found >= 0]
            if not len(found):
                return super()._raw_score(text)
            # Features in order of first occurrence, as the library's Counter has them: the
            # weighted sum below adds them up in that order.
            features, first, counts = np.unique(found, return_index=True, return_counts=True)
            order = np.argsort(first)
            idx = features[order].astype(np.intp)
            weights = np.log1p(counts[order].astype(np.float32))
            # ``weights @ self.nb_ptc[idx]``: numpy's own float16 -> float32 cast of the rows costs
            # more than the rest together; a table of all 65536 conversions gives the same values.
            rows = np.take(to_float32, np.take(table16, idx, axis=0))
            return weights @ rows + self.nb_pc

    ident = _cached_model(Identifier)
    if ident is None:
        ident = Identifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident._steps = None
    if (len(ident._rowbase), len(ident.tk_nextmove)) == _DFA_SHAPE and ident.nb_ptc.dtype == np.float16:
        nextmove = ident.tk_nextmove
        ident._steps = (
            nextmove if isinstance(nextmove, np.ndarray) else np.frombuffer(nextmove, nextmove.typecode),
            np.asarray(ident._rowbase, dtype=np.intp),
            np.asarray(ident.tk_output, dtype=np.intp),
            ident.nb_ptc.view(np.uint16),
            np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32),
        )
    return ident


# The model's arrays as py3langid's loader returns them, kept decompressed in newswatch's cache
# (newswatch.cache): decompressing the packaged file is most of the identifier's start-up, paid by
# every process that extracts (each extraction worker too). The two big ones, the per-feature
# weights and the transition rows, are memory-mapped: a page is read when a feature needs it.
_MODEL_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def _cached_model(cls: Any) -> Any:
    """The identifier built from the cached arrays (written on first use), or None without a cache."""
    import numpy as np
    import py3langid
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    from newswatch import cache

    source = MODEL_DIR / MODEL_FILE

    def build(where: Path) -> None:
        import lzma
        import shutil

        archive = where / "model.npz"
        with lzma.open(source) as src, archive.open("wb") as out:
            shutil.copyfileobj(src, out, length=1 << 20)
        with np.load(archive, allow_pickle=False) as data:
            for name in _MODEL_ARRAYS:
                np.save(where / f"{name}.npy", data[name], allow_pickle=False)
        archive.unlink()

    key = cache.stamp(py3langid.__version__, files=[source, __file__])
    where = cache.entry("langid", key, build)
    if where is None:
        return None
    try:
        a = {
            name: np.load(where / f"{name}.npy", mmap_mode="r" if name in ("ptc", "nextmove") else None)
            for name in _MODEL_ARRAYS
        }
    except (OSError, ValueError):  # a damaged entry: the packaged model, and a note
        log.warning("language model cache %s unreadable; using the packaged model", where)
        return None
    # As py3langid's from_model_file builds it; the rows as Python ints (their offsets are shifted).
    return cls(
        a["ptc"],
        a["pc"],
        a["classes"].tolist(),
        a["nextmove"],
        a["out_feat"].tolist(),
        norm_probs=True,
        tk_row=a["nextmove_row"].tolist(),
    )


# Characters of the text the language is detected on. The library's classifier reads its input byte
# by byte in Python (about 1.3 ms for the 5000 characters it used to get); its answer does not change after
# a paragraph or two: on the 85 real pages of the quality gate (Spanish ones that claim English
# among them) 600 characters already gave the answers 5000 did.
LANGUAGE_SAMPLE_CHARS = 1000


def detect_language(text: str, *, min_words: int = 5, min_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short or unclear.

    Read from the first ``LANGUAGE_SAMPLE_CHARS`` characters (cut at a space).
    """
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if len(text) > LANGUAGE_SAMPLE_CHARS and " " in sample:
        sample = sample.rsplit(" ", 1)[0]  # no half word at the end
    if not has_words(sample, min_words):
        return None
    lang, confidence = _identifier().classify(sample)
    return str(lang) if confidence >= min_confidence else None


def reads_english(language: str | None) -> bool:
    """Whether models of English text may read a text of ``language`` (an ISO 639-1 code, or None):
    English, or no language detected (a headline, a text too short or too mixed to tell)."""
    return not language or language.startswith("en")
