"""The top-level topic classifier: which of the 17 IPTC top-level Media Topics an article is about.

A multinomial logistic regression over two kinds of features of a piece of text: the shipped static
embedding (newswatch/models/minilm_static, the mean of its tokens' vectors) and hashed words and
word pairs (``HASH_BUCKETS`` buckets, binary, L2-normalised). It is trained offline by
``bench/train_topics.py`` on headlines and short descriptions (HuffPost News Category, UCI News
Aggregator, the IPTC Media Topics labels and definitions and the taxonomy's own phrases), on runs of
``PASSAGE_WORDS`` words of the HuffPost texts, and on the passages of other outlets' pages it was
sure about (self-training; the model card in newswatch/models/topics/README.md says what, under
which licence and how), and shipped as one small ``.npz`` file read with numpy: nothing is
downloaded.

An article is longer than anything the model saw in training, so it is read as passages: the
headline with the standfirst, then the body in runs of ``PASSAGE_WORDS`` words (the first
``MAX_PASSAGES``). Each passage gets calibrated probabilities (the logits divided by a temperature
fitted on a held-out part of the training data); the article's probability of a topic is their
mean, each passage weighed by its confidence (one minus its normalised entropy). Averaging
probabilities (not features) keeps one topical paragraph from being drowned by a long text, and
one odd word from deciding; the confidence weight lets a passage that is clearly about something
outweigh boilerplate and small talk, whose distributions are flat. The passage
length was chosen on the tune half of the BBC development set (docs/benchmarks.md, "Topics").

The hashed words are read in the headline passage only: the body's passages are read by the
embedding alone. On the full text of an outlet the model never saw, the body's hashed words changed
no result (BBC tune 0.868 with and without them) and cost about a fifth of tagging's CPU.

Evidence for a topic: its probability, the article's words that pull most towards it (each word's
share of the passages' scores for the topic above their mean over topics: its tokens' vectors
through the embedding's weights, and in the headline its hashed weight), and the passage that is
most about it.

A headline alone (no body) is read with the lexicon's tags (``TopicClassifier.headline_tags``): a
clear subtopic, watchlist or own topic decides; otherwise the lexicon's scores are added to the
classifier's log-probabilities.
"""

from __future__ import annotations

import dataclasses
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate, chain, count, pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from newswatch.embeddings import Embedder, load_embedder, static_parts
from newswatch.language import reads_english
from newswatch.records import Article, TopicTag

if TYPE_CHECKING:
    from newswatch.topics.taxonomy import Taxonomy

MODEL_PATH = Path(__file__).parents[1] / "models" / "topics" / "model.npz"
HASH_BUCKETS = 1 << 16
PASSAGE_WORDS = 20  # chosen on the BBC tune half: 20 words 0.838; 30: 0.808; 60: 0.781; whole text 0.70
MAX_PASSAGES = 20  # the headline and the first 380 words (BBC tune: 0.818 at 20, 0.824 at 40, 0.794 at 12)
FEATURES_VERSION = 1  # bump when the featuriser changes: a model trained on other features is refused

# Function words carry no topic; leaving them out keeps word pairs to content words.
_STOP = frozenset(
    """a an the and or but of to in on at by for from with as is are was were be been it its this that
    these those he she they we you i his her their our your them us not no do does did has have had
    will would can could should may might s t said says say after before over into than then there
    here what which who whom whose when where why how also just about up out new more most""".split()
)
_WORD = re.compile(r"[a-z][a-z0-9'\-]*[a-z0-9]|[a-z]")
# Not shown as evidence (``Prediction.top_words``): NLTK's English stop words beyond ``_STOP``
# (but "won", a result in news).
_FUNCTION_WORDS = _STOP | frozenset(
    """if now d me my myself ours ourselves yours yourself yourselves him himself hers herself itself
    theirs themselves am being having doing because until while against between through during
    above below down off under again further once all any both each few other some such nor only
    own same so too very don don't should've ll m o re ve y ain aren aren't couldn couldn't didn
    didn't doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma mightn mightn't
    mustn mustn't needn needn't shan shan't shouldn shouldn't wasn wasn't weren weren't won't
    wouldn wouldn't it's you're you've you'll you'd she's that'll""".split()
)


# Whitespace word -> its known token ids (TopicModel.embed_passages), cleared past _WORD_MEMO words.
_WORD_IDS: dict[str, tuple[int, ...]] = {}
_WORD_MEMO = 200_000
# Whitespace word -> itself in lower case without the punctuation around it (``_Tokens.pulls``).
_PLAIN_WORD: dict[str, str] = {}
_EDGES = "\"'‘’“”()[]{}<>.,;:!?-—–*/|"
# A word the static model's tokenizer (BERT normaliser and pre-tokeniser, WordPiece) would cut into
# ASCII letter-and-digit runs and single punctuation marks, each then cut by WordPiece from its lower
# case (``_word_ids``). Brackets are left to the tokenizer: "[UNK]" in a text is its special token.
# ASCII control characters (which it drops) are not in the class.
_PIECES = re.compile(r"[A-Za-z0-9]+|[!-/:-@\\^-`{-~‘’“”]")
_WORDPIECE_MAX = 100  # the tokenizer's max_input_chars_per_word
# The words ``_PIECES`` cuts whole, as one class: ``(?:[A-Za-z0-9]+|...)+`` backtracked through
# every way of cutting a letter run before failing (a long one took minutes).
_PLAIN = re.compile(r"[A-Za-z0-9!-/:-@\\^-`{-~‘’“”]+")


def words(text: str) -> list[str]:
    """The content words of ``text``, lower-cased, in order."""
    return [w for w in _WORD.findall(text.lower().replace("’", "'")) if w not in _STOP]


def hashed_features(text: str) -> dict[int, str]:
    """Bucket -> the word or word pair of ``text`` that falls in it (words and adjacent pairs)."""
    ws = words(text)
    features = ws + list(map(" ".join, pairwise(ws)))
    features.reverse()  # so that of two features in one bucket the first one's word is kept
    if len(_BUCKETS) > _BUCKET_MEMO:
        _BUCKETS.clear()
    return dict(zip(map(_BUCKETS.__getitem__, features), features, strict=True))


class _Buckets(dict[str, int]):
    """Feature -> its bucket, computed on first sight (a plain dict's look-up is cheaper than an
    ``lru_cache`` call, and the classifier looks up some 400 features an article)."""

    def __missing__(self, feature: str) -> int:
        # crc32, not hash(): the same bucket in every process, as in training.
        bucket = self[feature] = zlib.crc32(feature.encode()) % HASH_BUCKETS
        return bucket


_BUCKETS = _Buckets()
_BUCKET_MEMO = 200_000  # features remembered, then forgotten all at once


def _headline(title: str, deck: str | None) -> str:
    """The headline passage: the headline with the standfirst ("" when both are empty)."""
    return ". ".join(p for p in (title, deck or "") if p.strip())


def passages(title: str, deck: str | None, body: str) -> list[str]:
    """The texts an article is read as: headline with standfirst, then runs of body words. The
    body's last words, short of a run, join the run before them: a fragment ("would cost jobs.")
    is read with its context, not as a passage of its own that weighs as much as a whole one."""
    return _passage_texts(*_passage_words(title, deck, body))


def _passage_texts(head: str, runs: list[list[str]]) -> list[str]:
    """The passages of ``_passage_words``' headline and runs of words."""
    return ([head] if head else []) + list(map(" ".join, runs))


def _passage_words(title: str, deck: str | None, body: str) -> tuple[str, list[list[str]]]:
    """The headline passage, and the words of each run of body words ``passages`` reads: the body is
    split only as far as one run past the last of them (a long page is read for its first few
    hundred words; the run past them tells whether the body ends in a short run to join)."""
    head = _headline(title, deck)
    keep = MAX_PASSAGES - 1 if head else MAX_PASSAGES
    n = (keep + 1) * PASSAGE_WORDS
    ws = body.split(None, n)[:n]  # past the n-th word, the rest of the body in one piece
    runs = [ws[i : i + PASSAGE_WORDS] for i in range(0, len(ws), PASSAGE_WORDS)]
    if len(runs) > 1 and len(runs[-1]) < PASSAGE_WORDS:
        tail = runs.pop()
        runs[-1] = runs[-1] + tail
    return head, runs[:keep]


@dataclass(frozen=True, slots=True)
class _Tokens:
    """The static model's reading of an article's passages, kept for its word evidence: every
    whitespace word in order, its token ids (``flat``, and ``starts``: where each word's tokens
    begin), the norm of the token sum of the passage it is in (a word's share of a passage's unit
    embedding is its vectors' sum over that norm) and the token vectors the embedding summed."""

    words: list[str]
    flat: np.ndarray  # token ids of every word, in order
    starts: np.ndarray  # per word: index of its first token in ``flat`` (words without tokens too)
    norms: np.ndarray  # per word: the norm of its passage's token sum
    # The static model's vectors of ``flat``, row by row: gathered once, for the embedding and for
    # every topic's evidence.
    vectors: np.ndarray

    def shares(self, direction: np.ndarray) -> np.ndarray:
        """Per whitespace word (``words``), its share of the passage embeddings' dot product with
        ``direction``: summed over the words of a passage, that passage's unit embedding
        times ``direction``."""
        out = np.zeros(len(self.words), dtype=np.float64)
        sizes = np.diff(np.append(self.starts, len(self.flat)))
        has = sizes > 0
        if has.any():
            out[has] = np.add.reduceat(self.vectors @ direction, self.starts[has])
        return out / self.norms

    def pulls(self, direction: np.ndarray) -> tuple[dict[str, int], np.ndarray]:
        """Each word's summed share of ``direction`` over its uses, the word in lower case without
        the punctuation around it ("club," is "club"): the words, each with its index in the
        sums (in the order they first occur), and the sums. ``top_words`` shows a word's content
        words (``words``)."""
        memo = _PLAIN_WORD
        if len(memo) > _WORD_MEMO:
            memo.clear()
        keys = list(map(memo.get, self.words))
        if None in keys:
            new = {w for w, k in zip(self.words, keys, strict=True) if k is None}
            found = {w: w.strip(_EDGES).lower().replace("’", "'") for w in new}
            memo.update(found)
            keys = list(map(found.get, self.words, keys))  # not from the memo: another thread may clear it
        plain = cast("list[str]", keys)  # every word's, now
        index = dict(zip(dict.fromkeys(plain), count()))
        ids = list(map(index.__getitem__, plain))
        return index, np.bincount(ids, weights=self.shares(direction), minlength=len(index))


@dataclass(frozen=True, slots=True)
class Prediction:
    """A text's topic probabilities and what the evidence is drawn from."""

    classes: tuple[str, ...]  # IPTC codes of the top-level topics, the model's order
    probs: np.ndarray  # per class: confidence-weighted mean over passages of calibrated probabilities
    passage_probs: np.ndarray  # (passages, classes)
    texts: tuple[str, ...]  # the passages
    features: dict[int, str]  # bucket -> word of the hashed features that were read
    model: TopicModel
    tokens: _Tokens | None = None  # the static model's tokens of the passages (word evidence)

    def prob(self, code: str) -> float:
        return float(self.probs[self.classes.index(code)]) if code in self.classes else 0.0

    def share(self, code: str) -> float:
        """The plain mean over passages of the probability of ``code``: how much of the text is
        about it, however unsure each passage is (the subtopic gate reads this, as chosen)."""
        if code not in self.classes or not len(self.passage_probs):
            return 0.0
        return float(self.passage_probs[:, self.classes.index(code)].mean())

    def ranked(self) -> list[tuple[str, float]]:
        order = np.argsort(-self.probs)
        return [(self.classes[int(i)], float(self.probs[i])) for i in order]

    def top_words(self, code: str, n: int = 6) -> list[str]:
        """The article's words (and the headline's word pairs) that pull most towards ``code``,
        strongest first: each one's share of the topic's score above the mean over all topics,
        summed over the passages it is in. For the static model that is its tokens' vectors
        through the embedding's weights, in every passage, plus its hashed weight where hashed
        features were read (the headline passage); without tokens, the hashed weights alone.
        Function words ("against", "it's", "very") still count in the model but are not shown: a
        reader takes them for noise, not reasons."""
        j = self.classes.index(code)
        index: dict[str, int] = {}
        pull = np.zeros(0)
        if self.tokens is not None:
            index, pull = self.tokens.pulls(self.model.embedding_pull(j))
        if self.features:
            buckets = np.fromiter(self.features, dtype=np.int64, count=len(self.features))
            hashed = self.model.word_weights[buckets, j] - self.model.word_mean[buckets]
            hashed /= math.sqrt(len(self.features))  # as ``TopicModel.logits`` reads them
            at = [index.setdefault(self.features[b], len(index)) for b in buckets.tolist()]
            pull = np.append(pull, np.zeros(len(index) - len(pull)))
            np.add.at(pull, at, hashed)
        names = list(index)
        out: list[str] = []
        for i in np.argsort(-pull, kind="stable").tolist():
            if pull[i] <= 0 or len(out) == n:
                break
            shown = " ".join(words(names[i]))  # a word as the hashed features write it
            if shown and shown not in out and not _FUNCTION_WORDS.issuperset(shown.split()):
                out.append(shown)
        return out

    def best_passage(self, code: str) -> str:
        j = self.classes.index(code)
        return self.texts[int(np.argmax(self.passage_probs[:, j]))]

    def evidence(self, code: str) -> tuple[str, ...]:
        """Readable reasons for ``code``: probability, the words that weighed most, the passage."""
        out = [f"classifier: p={self.prob(code):.2f} over {len(self.texts)} passage(s)"]
        top = self.top_words(code)
        if top:
            out.append("words: " + ", ".join(top))
        if len(self.texts) > 1:
            passage = self.best_passage(code)
            out.append("passage: " + (passage if len(passage) <= 200 else passage[:199] + "…"))
        return tuple(out)


class TopicModel:
    """The shipped classifier (see the module docstring); ``predict`` is the whole of inference."""

    def __init__(self, path: Path = MODEL_PATH, embed: Embedder | None = None) -> None:
        with np.load(path, allow_pickle=False) as data:
            version = int(data["features_version"])
            if version != FEATURES_VERSION or int(data["hash_buckets"]) != HASH_BUCKETS:
                raise ValueError(f"{path}: built for other features (version {version}); rebuild it")
            self.classes = tuple(str(c) for c in data["classes"])
            self.embedding_weights = data["embedding_weights"].astype(np.float32)  # (dims, classes)
            self.word_weights = data["word_weights"].astype(np.float32)  # (buckets, classes)
            self.bias = data["bias"].astype(np.float32)
            self.temperature = float(data["temperature"])
        self.fast = embed is None  # the shipped static model: passages embedded in one pass
        self.embed = embed if embed is not None else _static()

    @cached_property
    def word_mean(self) -> np.ndarray:
        """Each word bucket's mean weight over the classes (``Prediction.top_words``), computed
        once: the same float32 means as taking them of the article's rows."""
        return self.word_weights.mean(axis=1)

    @cached_property
    def embedding_mean(self) -> np.ndarray:
        """The embedding weights' mean over the classes (``Prediction.top_words``)."""
        return self.embedding_weights.mean(axis=1)

    def embedding_pull(self, j: int) -> np.ndarray:
        """The direction in the embedding that pulls towards class ``j`` above the others' mean."""
        return self.embedding_weights[:, j] - self.embedding_mean

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """``self.embed(texts)``, for the static model from a memo of each word's tokens
        (``_static_embedding``)."""
        return self._embedding(texts)[0]

    def _embedding(
        self, texts: Sequence[str], split: list[list[str]] | None = None
    ) -> tuple[np.ndarray, _Tokens | None]:
        """``embed_passages``, and the static model's tokens of the texts (None for another
        embedder, or no text); ``split``: each text's ``str.split()``, when the caller has it."""
        if not self.fast or not texts:
            return self.embed(list(texts)), None
        return self._static_embedding(texts, split)

    def _static_embedding(
        self, texts: Sequence[str], split: list[list[str]] | None = None
    ) -> tuple[np.ndarray, _Tokens]:
        """The static model's unit embedding of each text, and the tokens it was read from.

        The tokenizer splits text at whitespace before anything else, so a word's tokens do not
        depend on its neighbours: each distinct word is tokenized once per process (a bounded
        memo) and a passage's vector is the unit sum of its words' token vectors. Tokenizing every
        passage was two thirds of the classifier's cost; a test holds the two ways equal.
        """
        tokenizer, vectors, unk = static_parts()
        memo = _WORD_IDS
        if len(memo) > _WORD_MEMO:
            memo.clear()
        if split is None:
            split = [t.split() for t in texts]
        every = list(chain.from_iterable(split))
        known = list(map(memo.get, every))
        if None in known:
            found = _word_ids(
                list({w for w, i in zip(every, known, strict=True) if i is None}), tokenizer, unk
            )
            memo.update(found)
            known = list(map(found.get, every, known))  # not from the memo: another thread may clear it
        ids = cast("list[tuple[int, ...]]", known)  # every word's, now
        # One gather and one reduceat over all passages' tokens instead of a sum per passage.
        per_word = np.zeros(len(every) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, ids), dtype=np.int64, count=len(ids)), out=per_word[1:])
        counts = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
        bounds = np.zeros(len(split) + 1, dtype=np.int64)  # each passage's first word, and the end
        np.cumsum(counts, out=bounds[1:])
        bounds = per_word[bounds]  # the same in tokens
        starts = bounds[:-1]
        has = bounds[1:] > starts  # passages with tokens
        flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(per_word[-1]))
        gathered = vectors[flat]
        if has.all():  # most articles: no passage to leave out, and none to leave at zero
            out = np.add.reduceat(gathered, starts, axis=0)
        else:
            out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            if has.any():
                out[has] = np.add.reduceat(gathered, starts[has], axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)  # the unit mean is the unit sum
        norms = np.where(norms > 0, norms, 1.0)
        tokens = _Tokens(every, flat, per_word[:-1], np.repeat(norms[:, 0], counts), gathered)
        return out / norms, tokens

    def logits(self, texts: Sequence[str], features: Sequence[dict[int, str]]) -> np.ndarray:
        """Uncalibrated scores, one row per text."""
        return self._logits(texts, features)[0]

    def _logits(
        self, texts: Sequence[str], features: Sequence[dict[int, str]], split: list[list[str]] | None = None
    ) -> tuple[np.ndarray, _Tokens | None]:
        """``logits``, and the static model's tokens of the texts (None for another embedder);
        ``split``: each text's ``str.split()``, when the caller has it."""
        embedded, tokens = self._embedding(texts, split)
        z = embedded @ self.embedding_weights + self.bias
        sizes = np.fromiter(map(len, features), dtype=np.int64, count=len(features))
        if sizes.any():
            buckets = np.fromiter(chain.from_iterable(features), dtype=np.int64, count=int(sizes.sum()))
            firsts = np.cumsum(sizes) - sizes
            has = sizes > 0
            sums = np.add.reduceat(self.word_weights[buckets], firsts[has], axis=0)
            z[has] += sums / np.sqrt(sizes[has])[:, None]  # binary features, unit length
        return z, tokens

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities of each text on its own (a headline, a passage)."""
        return _softmax(self.logits(texts, [hashed_features(t) for t in texts]) / self.temperature)

    def predict(self, title: str, deck: str | None = None, body: str = "") -> Prediction:
        """An article's prediction: its passages each read alone, then pooled (``pool``).

        The hashed words and word pairs are read in the headline passage only; the body's
        passages are read by the embedding alone. On full text of an outlet the model never saw
        the body's hashed words changed nothing (BBC tune 0.868 with or without them) and were
        about a fifth of tagging's CPU (docs/benchmarks.md, "The body is read by the embedding
        alone").
        """
        headline, runs = _passage_words(title, deck, body)
        texts = _passage_texts(headline, runs)
        if not texts:
            empty = np.zeros(len(self.classes), dtype=np.float32)
            return Prediction(self.classes, empty, empty[None, :0].T, (), {}, self)
        head = hashed_features(headline) if headline else {}
        per = [head] + [{}] * (len(texts) - 1)
        # The runs' words as ``str.split`` gives them back from their passages: not split again.
        z, tokens = self._logits(texts, per, ([headline.split()] if headline else []) + runs)
        probs = _softmax(z / self.temperature)
        return Prediction(self.classes, pool(probs), probs, tuple(texts), head, self, tokens)


def _word_ids(words: list[str], tokenizer: Any, unk: int | None) -> dict[str, tuple[int, ...]]:
    """Each whitespace word's token ids (the unknown token left out), as ``tokenizer`` gives them.

    Words of ASCII letters, digits and punctuation (and curly quotes), most of English news, are
    cut here as the tokenizer cuts them (``_PLAIN``, ``_wordpiece``); the rest are tokenized as one
    text, the words joined by spaces, and each token goes to the word its offset falls in (the
    tokenizer splits at whitespace first, so no token spans two words). Tokenizing each new word
    with ``encode_batch`` was most of a cold article's classifier cost (0.75 of ~2.2 ms over the
    bench pages); a test holds the ways equal.
    """
    vocab = _vocabulary(tokenizer)
    out: dict[str, tuple[int, ...]] = {}
    rest = []
    get = vocab.get
    longest = _longest(tokenizer)
    for w in words:
        lower = w.lower()
        if w.isascii() and w.isalnum():  # one pre-token: the word in lower case
            i = get(lower)
            if i is not None:  # most words: one vocabulary entry
                out[w] = (i,) if i != unk else ()
                continue
            ids = _wordpiece(lower, vocab, unk, longest)
        elif _PLAIN.fullmatch(w):
            ids = []
            for piece in _PIECES.findall(lower):
                i = get(piece)  # most pieces ("club", ","): one entry, no WordPiece to run
                if i is not None:
                    ids.append(i)
                else:
                    ids.extend(_wordpiece(piece, vocab, unk, longest))
        else:
            rest.append(w)
            continue
        out[w] = tuple(i for i in ids if i != unk) if unk in ids else tuple(ids)
    if rest:
        pieces: list[list[int]] = [[] for _ in rest]
        ends = list(accumulate(len(w) + 1 for w in rest))  # one past each word's last character
        enc = tokenizer.encode(" ".join(rest), add_special_tokens=False)
        j = 0
        for i, (start, _) in zip(enc.ids, enc.offsets, strict=True):
            while start >= ends[j]:
                j += 1
            if i != unk:
                pieces[j].append(i)
        out.update(zip(rest, map(tuple, pieces), strict=True))
    return out


def _wordpiece(
    piece: str,
    vocab: dict[str, int],
    unk: int | None,
    longest: tuple[int, int] = (_WORDPIECE_MAX, _WORDPIECE_MAX),
) -> list[int]:
    """WordPiece on one pre-token (lower case): the longest vocabulary entry first, then the longest
    "##" continuation, and so on; a pre-token that cannot be cut so, or longer than 100
    characters, is the unknown token, as the tokenizer has it. A cut longer than the vocabulary's
    longest entry of its kind (``longest``: word-initial, "##" continuation) is not looked up: it
    cannot be in it."""
    i = vocab.get(piece)
    if i is not None:
        return [i]
    n = len(piece)
    if n > _WORDPIECE_MAX:
        return [unk] if unk is not None else []
    first, more = longest
    ids = []
    start = 0
    while start < n:
        i = None
        if start == 0:
            for end in range(min(n, first), 0, -1):
                i = vocab.get(piece[:end])
                if i is not None:
                    break
        else:
            for end in range(min(n, start + more), start, -1):
                i = vocab.get("##" + piece[start:end])
                if i is not None:
                    break
        if i is None:
            return [unk] if unk is not None else []
        ids.append(i)
        start = end
    return ids


@lru_cache(maxsize=2)
def _vocabulary(tokenizer: Any) -> dict[str, int]:
    return tokenizer.get_vocab(with_added_tokens=False)


@lru_cache(maxsize=2)
def _longest(tokenizer: Any) -> tuple[int, int]:
    """The length of the vocabulary's longest entry and of its longest "##" continuation without
    the "##" (``_wordpiece`` looks up no longer cut)."""
    vocab = _vocabulary(tokenizer)
    more = [len(k) - 2 for k in vocab if k.startswith("##")]
    return max(map(len, vocab), default=0), max(more, default=0)


def confidence(probs: np.ndarray) -> np.ndarray:
    """Per passage: one minus its distribution's entropy over the entropy of a uniform one (0 for
    a passage that could be anything, 1 for one that is sure)."""
    entropy = -(probs * np.log(np.maximum(probs, 1e-12))).sum(axis=1)
    return np.clip(1.0 - entropy / np.log(probs.shape[1]), 0.0, 1.0)


def pool(probs: np.ndarray) -> np.ndarray:
    """An article's probabilities from its passages': their mean, each passage weighed by its
    confidence, so boilerplate and small talk (flat distributions) count less than a passage that
    is clearly about something (BBC tune: 0.831 against 0.818 for the plain mean)."""
    w = confidence(probs) if len(probs) > 1 else np.ones(len(probs))
    if w.sum() <= 0:
        w = np.ones(len(probs))
    return (probs * w[:, None]).sum(axis=0) / w.sum()


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _static() -> Embedder:
    embed = load_embedder("static")
    assert embed is not None
    return embed


@lru_cache(maxsize=2)
def load_model(path: str = str(MODEL_PATH)) -> TopicModel:
    """The classifier at ``path``, loaded once per process."""
    return TopicModel(Path(path))


# How the classifier's probabilities become tags (chosen on the BBC tune half, docs/benchmarks.md):
# the best top-level topic is tagged when its probability reaches MIN_PROBABILITY, any other when its
# own probability reaches SECOND_PROBABILITY ([topics] classifier_probability).
MIN_PROBABILITY = 0.2
SECOND_PROBABILITY = 0.3
# An IPTC subtopic the lexicon finds (terrorism, election, ...) counts only when the classifier
# gives its top-level topic at least this probability: "vote" in a sports report is no election.
# The gate reads the plain mean over passages (Prediction.share), as when it was chosen; the
# confidence-weighted pooling that ranks topics would drop a short topical paragraph here.
# (BBC tune: 0.05 and 0.15 give the same top-1 and 1.05 against 1.04 top-level topics per article;
# 0.15 drops the seed dialogue's paragraph on space cooperation, whose top level gets 0.052.)
SUBTOPIC_PROBABILITY = 0.05
# A headline alone (no body): a subtopic, watchlist or own topic of the lexicon that reaches the
# taxonomy's threshold decides; otherwise the top-level topic with the highest log-probability plus
# HEADLINE_LEXICON_WEIGHT times its lexicon score in thresholds (at most HEADLINE_LEXICON_CAP), the
# top-level topics' own words counted there as evidence, never alone. Chosen on three outlets'
# headlines (HuffPost held-out records, BBC tune titles, UCI tune headlines read by models trained
# without them): the best mean, and of the rules within 0.002 of it the one losing least on its
# worst set against the lexicon alone (docs/benchmarks.md, "Headlines alone").
HEADLINE_LEXICON_WEIGHT = 2.0
HEADLINE_LEXICON_CAP = 2.0


class TopicClassifier:
    """The classifier as a taxonomy sees it: its classes as the taxonomy's top-level topic ids."""

    def __init__(self, model: TopicModel, topic_of: dict[str, str], second: float = SECOND_PROBABILITY):
        self.model = model
        self.topic_of = topic_of  # IPTC code -> the taxonomy's top-level topic id
        self.covered = frozenset(topic_of.values())
        self.second = second

    def predict(self, article: Article) -> Prediction:
        return self.model.predict(article.title, article.deck, article.body)

    def prob_of(self, prediction: Prediction, topic_id: str) -> float | None:
        """The share of the text about a covered top-level topic (``Prediction.share``); None for a
        topic the model does not know."""
        code = next((c for c, t in self.topic_of.items() if t == topic_id), None)
        return prediction.share(code) if code else None

    def tags(self, article: Article, prediction: Prediction) -> list[TopicTag]:
        """The covered top-level topics the probabilities support, best first."""
        out: list[TopicTag] = []
        for rank, (code, p) in enumerate(prediction.ranked()):
            if code not in self.topic_of or p < (MIN_PROBABILITY if rank == 0 else self.second):
                continue
            topic = self.topic_of[code]
            out.append(TopicTag(article.article_id, topic, round(p, 4), prediction.evidence(code)))
        return out

    def explicit(self, lexical: list[TopicTag], lexicon: Taxonomy) -> list[TopicTag]:
        """Of the lexicon's tags ``lexical``, those an explicit match gives: subtopics, watchlists
        and own topics, and the top-level topics they imply. A top-level topic's own words tag
        nothing: the classifier decides those, and where it cannot read the text (another
        language) they stay untagged."""
        top = lexicon.top_level
        implied = {top(t.topic) for t in lexical if t.topic not in self.covered}
        return [t for t in lexical if t.topic not in self.covered or t.topic in implied]

    def headline_tags(self, article: Article, lexical: list[TopicTag], lexicon: Taxonomy) -> list[TopicTag]:
        """Tags of an article with no body, from the whole lexicon's tags ``lexical`` (best first)
        and, unless one of its subtopics, watchlists or own topics is clear, the classifier's
        reading of the headline (see HEADLINE_LEXICON_WEIGHT). The chosen top-level topic comes
        first; then the lexicon's subtopics, watchlists and own topics and the top-level topics they
        imply. A top-level topic's own words ("banks", "cut") are evidence here, never a tag."""
        top = lexicon.top_level
        if not reads_english(article.language):  # the classifier reads English only
            return self.explicit(lexical, lexicon)
        lexical, prediction = self.gate_headline(article, lexical, lexicon)
        rules = [t for t in lexical if t.topic not in self.covered]
        kept = self.explicit(lexical, lexicon)
        if rules and rules[0].score >= lexicon.threshold:  # an explicit match decides
            winner = top(rules[0].topic)
            lead = next((t for t in lexical if t.topic == winner), rules[0])
            return [lead, *(t for t in kept if t is not lead)]
        prediction = prediction or self.predict(article)
        if not prediction.features:  # no word to read ("", "...", "2024"): nothing to decide
            return kept
        by_top: dict[str, TopicTag] = {}
        for t in lexical:
            by_top.setdefault(top(t.topic), t)

        def score(code: str) -> float:
            own = by_top.get(self.topic_of[code])
            bonus = min(own.score / lexicon.threshold, HEADLINE_LEXICON_CAP) if own else 0.0
            return math.log(prediction.prob(code) + 1e-6) + HEADLINE_LEXICON_WEIGHT * bonus

        code = max(self.topic_of, key=score)
        winner = self.topic_of[code]
        own = by_top.get(winner)
        evidence = prediction.evidence(code) + (own.evidence if own else ())
        lead = TopicTag(article.article_id, winner, round(prediction.prob(code), 4), evidence[:8])
        return [lead, *(t for t in kept if t.topic != winner)]

    def gate_headline(
        self, article: Article, lexical: list[TopicTag], lexicon: Taxonomy
    ) -> tuple[list[TopicTag], Prediction | None]:
        """``lexical`` without the IPTC subtopics that rest on little evidence (below twice their
        threshold: a weak word, "attacks", "blasts") when the classifier gives their top-level
        topic less than SUBTOPIC_PROBABILITY, as full text gates them ("Britney attacks 'false
        tabloids'" is no act of terror), nor the top-level tags only they implied; and the
        classifier's reading when it had to be made."""
        from newswatch.topics.taxonomy import weakly_held

        weak = {
            t.topic: top for t in lexical if (top := weakly_held(lexicon, self.covered, t.topic, t.score))
        }
        if not weak:
            return lexical, None
        prediction = self.predict(article)
        dropped = {
            tid for tid, top in weak.items() if (self.prob_of(prediction, top) or 0.0) < SUBTOPIC_PROBABILITY
        }
        if not dropped:
            return lexical, prediction
        only_implied = {f"implied by {d}" for d in dropped}
        return [
            t
            for t in lexical
            if t.topic not in dropped and not (t.evidence and set(t.evidence) <= only_implied)
        ], prediction


def attach(taxonomy: Taxonomy, second: float | None = None, model: TopicModel | None = None) -> Taxonomy:
    """``taxonomy`` with the shipped classifier deciding its IPTC top-level topics.

    Those topics keep their place in the hierarchy (a subtopic still implies them) but lose their
    own terms: no single word tags a top-level topic any more. A taxonomy without IPTC top-level
    codes (a user's own) is returned as it is. ``model`` replaces the shipped one (the MiniLM head).
    """
    model = load_model() if model is None else model  # another model: [topics] classifier = "minilm"
    topic_of = {t.iptc: t.id for t in taxonomy.topics if t.parent is None and t.iptc in model.classes}
    if not topic_of:
        return taxonomy
    covered = set(topic_of.values())
    topics = tuple(
        dataclasses.replace(t, patterns=(), weak=(), phrases=()) if t.id in covered else t
        for t in taxonomy.topics
    )
    classifier = TopicClassifier(model, topic_of, SECOND_PROBABILITY if second is None else second)
    return dataclasses.replace(
        taxonomy, topics=topics, by_id={t.id: t for t in topics}, classifier=classifier, embedder=None
    )
