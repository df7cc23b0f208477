"""A second opinion on an article's top-level topic from sentence embeddings, for when the lexicon
finds nothing or only one word.

Prototypes: every phrase the taxonomy lists (each topic's ``terms`` and ``weak``, as written) is
embedded once at start-up and stands for its topic's top-level ancestor ("box office" for arts,
culture, entertainment and media; "vaccine" for health). An article (its headline, standfirst and
first words) is embedded the same way; a top-level topic scores the mean cosine of its k nearest
phrases (``MODEL_TOP_K``). Nothing from any evaluation set goes in: the phrases are the taxonomy's.

The scorer only speaks when the lexicon is unsure, and a margin keeps weak guesses out:

- the lexicon tagged nothing: the nearest top-level topic is tagged if its score reaches
  ``[topics] embedding_min_similarity``, at the threshold score;
- the lexicon's best tag rests on one word (score at most ``WEAK_FACTOR`` times the threshold):
  with the static model, each top-level topic weighs its lexicon evidence (its best tag's score,
  in thresholds) plus its cosine below the nearest topic's, counted in ``[topics]
  embedding_margin``s, so a cosine lead of one margin outweighs one threshold of lexicon score:
  one title word (two thresholds) yields to a topic whose phrases are two margins nearer, and a
  topic with some lexicon evidence of its own needs less. With MiniLM the nearest topic must
  simply lead the best tag's by the margin (``WEIGHED``: each model's rule was chosen on tune).
  The winning topic, when it is not the best tag's, is tagged first, with the lexicon's best
  score plus its cosine lead, and the lexicon's tags stay after it.

Articles not in English are left to the lexicon. Either way the tag's evidence says so
("embedding (static): nearest phrases ..."), so every tag stays explainable.
``embeddings = "static"`` uses the model newswatch ships (numpy + tokenizers, well under a
millisecond an article); ``"minilm"`` the MiniLM model of the embeddings extra.
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np

from newswatch.embeddings import Embedder, load_embedder
from newswatch.errors import ConfigError
from newswatch.language import reads_english
from newswatch.records import Article, TopicTag
from newswatch.settings import TopicSettings
from newswatch.topics.taxonomy import Taxonomy

TOP_K = 5  # a topic's score: the mean cosine of its k nearest phrases (MODEL_TOP_K per model)
# The lexicon is "weak" when its best score is at most this many times the threshold: one term in
# a headline scores 2.0 against a headline's threshold of 1.0.
WEAK_FACTOR = 2.0
LEAD_WORDS = 60  # of the body: a long text's mean token vector drifts towards nothing in particular
_SHOW = 3  # nearest phrases quoted in the evidence
# Per model, (margin, min_similarity) when [topics] leaves them unset, k, and whether the vectors are
# centred: each model has its own scale of cosines. Chosen on the tune half of the headline
# benchmark only (docs/benchmarks.md, "Topics"); the static values with the static model fitted to
# MiniLM's sentence geometry (256 dims, int8), which replaced the first one.
MODEL_DEFAULTS = {"static": (0.125, 0.20), "minilm": (0.10, 0.20)}
MODEL_TOP_K = {"static": 15, "minilm": 5}
# The first static model's vectors shared a large common direction: a long text's mean vector
# drifted towards it and towards short generic phrases ("imf", "OMB" for a story about a prison),
# and taking out the phrases' mean fixed that. The refitted model does not need it: uncentred
# scores as well or better on tune for every k, and changes no tag on the 85 real pages either
# way. The option stays (``centred=True``) for models that do. Not measured for MiniLM.
CENTRED = {"static": False, "minilm": False}
# How a one-word lexicon tag meets the embedding, per model, chosen on tune: weighed (lexicon
# evidence in thresholds against cosine leads in margins; static: tune 0.838 -> 0.841) or a fixed
# margin (the nearest topic must lead the lexicon's by ``margin``; MiniLM: tune 0.853, weighed 0.845).
WEIGHED = {"static": True, "minilm": False}


@dataclasses.dataclass(frozen=True, slots=True)
class TopicScores:
    roots: tuple[str, ...]  # top-level topic ids, in the taxonomy's order
    scores: np.ndarray  # per root: mean cosine of its top_k nearest phrases (-inf without phrases)
    sims: np.ndarray  # per phrase: its cosine with the text
    scorer: EmbeddingScorer

    def best(self) -> str:
        return self.roots[int(np.argmax(self.scores))]

    def of(self, root: str) -> float:
        return float(self.scores[self.roots.index(root)]) if root in self.roots else float("-inf")

    def nearest(self, root: str, n: int = _SHOW) -> list[tuple[str, float]]:
        """The phrases of ``root`` nearest to the text, with their cosines (for the evidence)."""
        a, b = self.scorer.slices[self.roots.index(root)]
        order = a + np.argsort(-self.sims[a:b])[:n]
        return [(self.scorer.phrases[int(i)], float(self.sims[i])) for i in order]


class EmbeddingScorer:
    """Top-level topic scores of a text against the taxonomy's phrases (see the module docstring)."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        embed: Embedder,
        *,
        name: str = "static",
        margin: float = 0.125,
        min_similarity: float = 0.30,
        centred: bool = False,
        top_k: int = TOP_K,
        weighed: bool = True,
    ) -> None:
        if margin <= 0:
            raise ValueError(f"embedding margin must be positive, not {margin}")
        self.embed = embed
        self.top_k = top_k
        self.weighed = weighed
        self.name = name
        self.margin = margin
        self.min_similarity = min_similarity
        self.root_of = {t.id: (taxonomy.ancestors(t.id) or [t.id])[-1] for t in taxonomy.topics}
        pairs: dict[tuple[str, str], None] = {}
        for t in taxonomy.topics:
            for phrase in t.phrases:
                text = phrase.rstrip("*").strip()
                if text:
                    pairs[(text, self.root_of[t.id])] = None
        roots = [t.id for t in taxonomy.topics if self.root_of[t.id] == t.id]
        self.roots = tuple(roots)
        ordered = sorted(pairs, key=lambda p: roots.index(p[1]))
        self.phrases = [p for p, _ in ordered]
        labels = np.array([roots.index(r) for _, r in ordered], dtype=np.int64)
        # The phrases are embedded when the scorer is first asked (``vectors``): thousands of them
        # cost a run's start-up ~0.25 s, and most runs never ask (the lexicon is sure of full texts;
        # with the classifier, this scorer only serves headline-only articles).
        self._centred = centred
        self._prototypes: tuple[np.ndarray, np.ndarray | None] | None = None
        self._lock = threading.Lock()
        # Phrases are grouped by root: each root is a slice of the matrix.
        self.slices = [
            (int(np.searchsorted(labels, j, "left")), int(np.searchsorted(labels, j, "right")))
            for j in range(len(roots))
        ]
        # One row per root of indices into its phrases' cosines, padded with an index past the
        # end (a -inf cosine): the top k of every root in one np.partition, not a loop per root.
        counts = np.array([b - a for a, b in self.slices], dtype=np.int64)
        width = max(top_k, int(counts.max()) if len(counts) else 0)
        self.grid = np.full((len(roots), width), len(self.phrases), dtype=np.int64)
        for j, (a, b) in enumerate(self.slices):
            self.grid[j, : b - a] = np.arange(a, b)
        self.kept = np.minimum(counts, top_k)  # phrases averaged per root

    def _embedded(self) -> tuple[np.ndarray, np.ndarray | None]:
        with self._lock:  # tasks tag in threads: the phrases are embedded once
            if self._prototypes is None:
                vectors = self.embed(self.phrases) if self.phrases else np.zeros((0, 0), dtype=np.float32)
                mean = None
                if self._centred and self.phrases:
                    mean = vectors.mean(axis=0)
                    vectors = _unit(vectors - mean)
                self._prototypes = (vectors, mean)
            return self._prototypes

    @property
    def vectors(self) -> np.ndarray:
        """The phrases' embeddings, one unit row each (centred when the model asks for it)."""
        return self._embedded()[0]

    @property
    def mean(self) -> np.ndarray | None:
        """The phrases' mean vector that texts are centred on, when the model is centred."""
        return self._embedded()[1]

    def score(self, text: str) -> TopicScores:
        """Each top-level topic's score for ``text``."""
        # einsum, not ``@``: a matrix-vector product this small is slower through a multi-threaded
        # BLAS on a busy machine (1-10 ms) than in one thread (0.1 ms).
        vector = self.embed([text])
        if not vector.any():  # no known word: no opinion (centring would invent one)
            empty = np.full(len(self.roots), -np.inf)
            return TopicScores(self.roots, empty, np.zeros(len(self.phrases), dtype=np.float32), self)
        vectors, mean = self._embedded()
        if mean is not None:
            vector = _unit(vector - mean)
        sims = np.einsum("ij,j->i", vectors, vector[0])
        padded = np.append(sims, -np.inf)[self.grid]
        k = min(self.top_k, padded.shape[1])
        top = -np.partition(-padded, k - 1, axis=1)[:, :k] if k else padded
        total = np.where(np.isfinite(top), top, 0.0).sum(axis=1)
        scores = np.where(self.kept > 0, total / np.maximum(self.kept, 1), -np.inf)
        return TopicScores(self.roots, scores, sims, self)

    def refine(
        self, article: Article, tags: list[TopicTag], taxonomy: Taxonomy, factor: float
    ) -> list[TopicTag]:
        """``tags`` (the lexicon's, best first) with the embedding's top-level topic added first when
        the lexicon found nothing or one word only and the embedding is clearly surer."""
        if not self.phrases:
            return tags  # a taxonomy of regexes only: nothing to compare with
        if not reads_english(article.language):
            return tags  # the models and, mostly, the phrases are English
        if tags and tags[0].score > WEAK_FACTOR * _threshold(taxonomy, tags[0].topic) * factor:
            return tags  # the lexicon is sure: most full texts stop here, at no cost
        s = self.score(article_text(article))
        best = s.best()
        top = float(s.scores.max())
        if not np.isfinite(top):
            return tags
        threshold = _threshold(taxonomy, best) * factor
        if not tags:
            if top < self.min_similarity:
                return tags
            return [TopicTag(article.article_id, best, round(threshold, 4), (self._evidence(s, best),))]
        lexical = self.root_of.get(tags[0].topic, tags[0].topic)
        if not np.isfinite(s.of(lexical)):
            return tags  # a topic without phrases (regexes only): nothing to weigh it against
        if self.weighed:
            # Each top-level topic: its lexicon evidence in thresholds, plus its cosine (below the
            # nearest topic's) in margins. A cosine lead of one margin outweighs one threshold.
            evidence_of = np.zeros(len(self.roots))
            for t in tags:
                j = self.roots.index(self.root_of.get(t.topic, t.topic))
                evidence_of[j] = max(evidence_of[j], t.score / (_threshold(taxonomy, t.topic) * factor))
            best = self.roots[int(np.argmax(evidence_of + (s.scores - top) / self.margin))]
        elif top - s.of(lexical) < self.margin:
            return tags  # the nearest topic must lead the lexicon's by the margin
        if best == lexical:
            return tags
        lead = s.of(best) - s.of(lexical)
        own = next((t for t in tags if t.topic == best), None)
        evidence = (self._evidence(s, best, lexical), *(own.evidence if own else ()))
        tag = TopicTag(article.article_id, best, round(tags[0].score + lead, 4), evidence[:8])
        return [tag, *(t for t in tags if t.topic != best)]

    def _evidence(self, s: TopicScores, root: str, versus: str | None = None) -> str:
        near = ", ".join(f"{p!r} {c:.2f}" for p, c in s.nearest(root))
        out = f"embedding ({self.name}): nearest phrases {near}; score {s.of(root):.3f}"
        if versus is not None:
            out += f" vs {versus} {s.of(versus):.3f}"
        return out


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def article_text(article: Article) -> str:
    """What the scorer embeds: headline, standfirst and the first words of the body."""
    lead = " ".join(article.body.split()[:LEAD_WORDS])
    return ". ".join(p for p in (article.title, article.deck or "", lead) if p)


def _threshold(taxonomy: Taxonomy, topic_id: str) -> float:
    own = taxonomy.by_id[topic_id].threshold if topic_id in taxonomy.by_id else None
    return taxonomy.threshold if own is None else own


def with_embeddings(taxonomy: Taxonomy, section: TopicSettings) -> Taxonomy:
    """``taxonomy`` with the embedding scorer ``section.embeddings`` names attached."""
    try:
        embed = load_embedder(section.embeddings)
    except ConfigError as exc:
        raise ConfigError(str(exc).replace("stories.embeddings", "topics.embeddings")) from exc
    if embed is None:
        return taxonomy
    margin, floor = MODEL_DEFAULTS[section.embeddings]
    scorer = EmbeddingScorer(
        taxonomy,
        embed,
        name=section.embeddings,
        margin=margin if section.embedding_margin is None else section.embedding_margin,
        min_similarity=floor
        if section.embedding_min_similarity is None
        else section.embedding_min_similarity,
        centred=CENTRED[section.embeddings],
        top_k=MODEL_TOP_K[section.embeddings],
        weighed=WEIGHED[section.embeddings],
    )
    return dataclasses.replace(taxonomy, embedder=scorer)
