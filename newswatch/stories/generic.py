"""Generic words: the most frequent words of English, which two unrelated texts share by chance.

A story is one event; "good", "record", "day" or "police" shared by two texts says nothing about
which event. Story matching therefore lets an article join a story only on *specific* evidence:
a shared name, a shared figure, or a shared word outside this list (``newswatch.stories``).

The list is not written by hand (nor picked from any benchmark): it is the whole words among the
first ``GENERIC_RANK`` entries of the word-piece vocabulary shipped with the static embedding model
(``newswatch/models/minilm_static/tokenizer.json``, BERT's uncased vocabulary, Apache-2.0). That
vocabulary was built by frequency on English books and Wikipedia, so its order is roughly the words'
frequency rank: after ~1,000 special tokens and single characters come "the", "of", "and"... and by
entry 2,000 "good", "record", "government". Folded to the form story terms take (plural "s" off).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

VOCABULARY = Path(__file__).parents[1] / "models" / "minilm_static" / "tokenizer.json"
# Entries of the vocabulary counted generic: about the 1,000 most frequent English words.
GENERIC_RANK = 2000


@cache
def generic_words(path: Path = VOCABULARY, rank: int = GENERIC_RANK) -> frozenset[str]:
    """Lower-case words (and their folded forms) among the vocabulary's first ``rank`` entries."""
    from newswatch.stories.assign import _stem  # the fold story terms use

    vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    words = {
        w for w, i in vocab.items() if i < rank and w.isalpha() and len(w) > 1 and not w.startswith("##")
    }
    return frozenset(words | {_stem(w) for w in words})
