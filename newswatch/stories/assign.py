"""Stories: different outlets' articles about the same event, grouped under one ``story_id``.

Articles are assigned one by one in event-time order (published, else first seen). Each is compared
with the *stories* still open within ``window_days`` (their pooled terms, names and numbers, not
every member), found through an inverted index of their rarest terms, so the cost of a new article
depends on how many stories share its distinctive words, not on how much history is kept. It joins
the best story when the score reaches ``threshold``, else it opens a new story whose id derives from
its own id, so ids never change once given. Copies join their original's story without being scored.
When an article matches a second story almost as well as the first (``merge_threshold``), it shows
the two are one event: the younger story merges into the older, whose id stays; the merge is recorded.

The score, stored with the assignment as evidence so a user can see why:
- lexical: cosine of sublinear-TF x IDF vectors of the article (title weighted up, so headline-only
  and full-text articles both work) and of the story's pooled terms;
- names: IDF-weighted share of the article's named entities (people, places, organisations) that
  the story also names, damped when fewer than two are shared: one shared name is topic, not event;
- numbers: shared figures and dates add a little; they are rarely shared by accident;
- time: the score decays with the hours since the story was last seen, so the same topic a month
  later (another meeting of the same two countries) opens a new story.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from math import fsum

import numpy as np

from newswatch.embeddings import Embedder
from newswatch.entities.names import entity_key, extract_names
from newswatch.records import Article, StoryAssignment, StoryMerge, stable_id
from newswatch.settings import StorySettings
from newswatch.stories.counts import conflicting_counts, counts_of
from newswatch.stories.generic import generic_words
from newswatch.stories.roles import conflicting_roles, role_holders
from newswatch.stories.when import TextTime, When, gap_hours, text_time
from newswatch.text import fold, words

TITLE_WEIGHT = 3.0
# How much of the score each kind of evidence carries when both sides name entities.
ENTITY_WEIGHT = 0.35
NUMBER_BONUS = 0.05
MIN_SHARED_NAMES = 2
# Terms pooled per story: the story's strongest terms are what identify it; the tail is noise and memory.
STORY_TERMS = 48
# Names and figures pooled per story, the most often stated first: like terms, so a story's state
# (and the cost of scoring it) stays bounded however many articles it gathers.
STORY_ENTITIES = 32
STORY_NUMBERS = 32
STORY_ROLES = 16
# Two sides giving one role to different people (neither naming the other's) are two events: the
# score is multiplied by this (a minister and her successor, the same club's two coaches). Two
# accounts of one event rarely score above 0.7, so this keeps such a pair under the 0.30 threshold.
ROLE_CONFLICT = 0.4
# The same thing counted with other figures ("seven dead" against "forty dead"): weaker than a role,
# since a toll rises within one event; it tips a look-alike under the threshold, not a close account.
COUNT_CONFLICT = 0.7
STORY_COUNTS = 16
# Both sides name at least MIN_APART_NAMES people, places or organisations and share none of them:
# two accounts of one event nearly always share a name, two events on one subject need not (a day
# with hundreds of stories on one subject joined them on its words alone). Chosen on dev half A
# (0.8 against 0.6 and 1.0; docs/benchmarks.md), mild because an outlet may quote other people.
NAMES_APART = 0.8
MIN_APART_NAMES = 2
# Below this many body words an article is a headline (and summary): it is scored as one.
HEADLINE_WORDS = 40
# Candidate stories per article are found through its rarest terms and names.
PROBE_TERMS = 8
MAX_CANDIDATES = 40
# Probes filed under more open stories than this are skipped: it bounds the cost per article.
MAX_POSTING = 500
# Unrelated news still has embedding cosines around this: it counts as nothing. The static model is
# fitted to MiniLM's sentence geometry (bench/distill_static.py), so one floor serves both (chosen
# on one half of the dev stories, checked on the other: docs/benchmarks.md).
EMBEDDING_FLOORS = {"static": 0.2, "minilm": 0.2}
# Of the whole window, how much the score may lose to time (linearly with hours apart).
TIME_DECAY = 0.35

_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each even
    ever every few for from further had has have having he her here hers herself him himself
    his how i if in into is it its itself just last like made make many may me might more
    most much must my new no nor not now of off on once one only or other our ours out over
    own per said same say says she should since so some such than that the their theirs them
    then there these they this those through to too two under until up upon us very was we
    were what when where which while who whom why will with within would year years yet you
    your week day days time told including according get gets got see sees via amid report
    reports update news first back still report video watch live top big
    """.split()
)
_NUMBER = re.compile(r"^\d[\d.,]*$")
_YEARLIKE = re.compile(r"^(19|20)\d\d$")


def _name_words(names: Iterable[str]) -> set[str]:
    return {w for n in names for w in fold(n).lower().split()}


def embedding_text(article: Article) -> str:
    """What is embedded: the headline and standfirst, else the body's first words."""
    lead = article.deck or " ".join(article.body.split()[:40])
    return f"{article.title}. {lead}".strip()


def story_id_for(article_id: str) -> str:
    return stable_id("s_", article_id)


def _stem(word: str) -> str:
    """A light, language-agnostic-enough plural and possessive fold ("talks"/"talk", "fed's")."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=32768)
def _term(word: str) -> str:
    """The term a word counts as, or "" when it is no term (a stopword, a number, one letter)."""
    if len(word) > 1 and word not in _STOPWORDS and not word[0].isdigit():
        return _stem(word)
    return ""


def terms_of(title: str, body: str) -> Counter[str]:
    """Content words with counts; the title counts ``TITLE_WEIGHT`` times. Numbers are kept apart."""
    counts: dict[str, float] = {}
    for weight, text in ((TITLE_WEIGHT, title), (1.0, body)):
        # Each distinct word once, in order of first use: the terms come out in the order a
        # word-by-word pass gives them, and weight x uses is the sum it adds up (whole numbers,
        # exact in floating point).
        for w, n in Counter(words(text)).items():
            t = _term(w)
            if t:
                counts[t] = counts.get(t, 0) + weight * n
    return Counter(counts)


def numbers_of(text: str) -> set[str]:
    """Figures worth sharing: multi-digit numbers, not bare years (every story has those)."""
    # (``isdigit`` accepts every character ``\d`` does: it only skips the regex for most words.)
    return {
        w
        for w in words(text)
        if w[0].isdigit() and _NUMBER.match(w) and len(w) >= 2 and not _YEARLIKE.match(w)
    }


def _title_cased(title: str) -> bool:
    """Headline Case Capitalises Every Word, so capitals there say nothing about names."""
    ws = [w for w in title.split() if w[:1].isalpha() and len(w) > 3]
    return len(ws) >= 3 and sum(w[0].isupper() for w in ws) / len(ws) > 0.7


def names_of(title: str, body: str) -> Counter[str]:
    text = body if _title_cased(title) else f"{title}.\n{body}"
    return extract_names(text)


@dataclass(slots=True)
class TextFeatures:
    """What story matching reads from an article's text alone (title, standfirst, body).

    Nothing here depends on when the article was seen or which story it joins, so the extraction
    pool's workers compute it with the article (``newswatch.derive``)."""

    terms: Counter[str]
    entities: dict[str, str]  # key -> display name
    entity_counts: Counter[str]
    numbers: set[str]
    time: TextTime = field(default_factory=TextTime)  # its dateline and stated dates
    roles: dict[str, frozenset[str]] = field(default_factory=dict)  # role -> surnames (stories.roles)
    counts: dict[str, frozenset[str]] = field(
        default_factory=dict
    )  # counted word -> figures (stories.counts)


def text_features(article: Article) -> TextFeatures:
    """The article's terms, names and figures (title and standfirst included)."""
    body = f"{article.deck or ''}\n{article.body}"
    entities: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for name, n in names_of(article.title, body).items():
        key = entity_key(name)
        entities.setdefault(key, name)
        counts[key] += n
    return TextFeatures(
        terms=terms_of(article.title, body),
        entities=entities,
        entity_counts=counts,
        numbers=numbers_of(f"{article.title}\n{body}"),
        time=text_time(article.title, body),
        roles=role_holders(f"{article.title}.\n{body}"),
        counts=counts_of(f"{article.title}.\n{body}"),
    )


@dataclass(slots=True)
class StoryFeatures:
    """What story matching needs of one article."""

    article_id: str
    story_id: str
    event_time: datetime
    source: str
    terms: Counter[str]
    entities: dict[str, str]  # key -> display name
    entity_counts: Counter[str] = field(default_factory=Counter)
    numbers: set[str] = field(default_factory=set)
    title: str = ""
    vector: np.ndarray | None = None  # unit sentence embedding, when embeddings are on
    # Scored as a headline (fewer than HEADLINE_WORDS body words): only then does the embedding
    # count. Measured on headlines; on full texts a lead's generic words make unrelated articles'
    # embeddings close (a synthetic full-text stream merged into a handful of stories), while names
    # and figures already separate full texts.
    headline: bool = False
    # Its time as matching sees it: published, else what the text says (newswatch.stories.when).
    when: When | None = None
    roles: dict[str, frozenset[str]] = field(default_factory=dict)
    counts: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, article: Article, story_id: str, text: TextFeatures | None = None) -> StoryFeatures:
        """The article's features in ``story_id``; ``text`` is its ``text_features`` when already
        computed (they are read, never changed)."""
        if text is None:
            text = text_features(article)
        return cls(
            article_id=article.article_id,
            story_id=story_id,
            event_time=article.event_time,
            source=article.source,
            terms=text.terms,
            entities=text.entities,
            entity_counts=text.entity_counts,
            numbers=text.numbers,
            title=article.title,
            when=When(article.published_at, article.event_time, text.time),
            roles=text.roles,
            counts=text.counts,
        )

    def time(self) -> When:
        return self.when or When(self.event_time, self.event_time, TextTime())


@dataclass(slots=True)
class Story:
    """A story's pooled evidence: what new articles are compared with."""

    story_id: str
    first_time: datetime
    last_time: datetime
    size: int = 0
    terms: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    numbers: Counter[str] = field(default_factory=Counter)
    probes: set[str] = field(default_factory=set)  # keys it is filed under in the inverted index
    embedding: np.ndarray | None = None  # sum of the members' unit embeddings
    norm: float = 1.0  # cached: see StoryIndex._refresh_norms
    tf: dict[str, float] = field(default_factory=dict)
    embedding_norm: float = 1.0
    ent_total: float = 0.0
    figures: set[str] = field(default_factory=set)  # cached with the norms: _story_figures
    stamp: int = -1  # articles counted when the cache was filled; -1 when the story changed
    # The span of its members with a publication time; None while it has none, when its time is
    # that of its founding article's text (``founder``): see newswatch.stories.when.
    span_first: datetime | None = None
    span_last: datetime | None = None
    founder: When | None = None
    roles: dict[str, set[str]] = field(default_factory=dict)  # role -> its holders' surnames
    name_words: set[str] = field(default_factory=set)  # folded words of its names (for roles)
    counts: dict[str, set[str]] = field(default_factory=dict)  # counted word -> figures stated

    def gap_hours(self, when: When) -> float:
        """Hours between an article's time and this story's (0 when compatible)."""
        return gap_hours(when, self.span_first, self.span_last, self.founder)

    def dated(self) -> bool:
        return self.span_last is not None


@dataclass(frozen=True, slots=True)
class Probe:
    """An article's side of scoring (``StoryIndex.probe``): its weights, its time, and the figures
    and name words the conflict checks read, computed once for all its candidate stories."""

    features: StoryFeatures
    weights: dict[str, float]  # StoryIndex.query_vector: term -> weight
    names_idf: dict[str, float]  # entity key -> IDF
    names_total: float
    when: When
    figures: set[str]  # _figures of its numbers and counts (empty without counts)
    name_words: set[str]  # folded words of its names (empty without roles)


class StoryIndex:
    """Open stories within reach of new articles, an inverted index over them, and IDF statistics."""

    def __init__(self, settings: StorySettings, embed: Embedder | None = None) -> None:
        self.settings = settings
        self.embed = embed
        self.stories: dict[str, Story] = {}
        self.story_of: dict[str, str] = {}  # article_id -> story_id, copies included
        self.merged_into: dict[str, str] = {}  # merged story -> the story it became part of
        self.merges: list[StoryMerge] = []  # since the last ``drain_merges``
        self._postings: dict[str, set[str]] = {}
        self._df: Counter[str] = Counter()
        self._n = 0
        self._latest: datetime | None = None  # the latest publication time counted
        self._latest_seen: datetime | None = None  # the latest time of an article without one
        self._since_prune = 0
        self._story_of_kept = 0

    @property
    def members(self) -> dict[str, str]:
        return self.story_of

    def __len__(self) -> int:
        return len(self.stories)

    def resolve(self, story_id: str) -> str:
        """The story a (possibly merged) id lives on as."""
        seen = 0
        while story_id in self.merged_into and seen < 64:
            story_id = self.merged_into[story_id]
            seen += 1
        return story_id

    def idf(self, term: str) -> float:
        return math.log((self._n + 2) / (self._df.get(term, 0) + 1)) + 1.0

    def _idfs(self, terms: Iterable[str]) -> dict[str, float]:
        """``idf`` of many terms (the same values, without a method call each)."""
        n, df, log = self._n + 2, self._df, math.log
        return {t: log(n / (df.get(t, 0) + 1)) + 1.0 for t in terms}

    def _rarest(self, terms: Iterable[str]) -> list[str]:
        """The ``PROBE_TERMS`` terms of highest IDF, ties in the given order.

        IDF falls as document frequency grows, and two frequencies below about 10**12 never give
        the same float IDF (their quotients differ far more than a float's precision), so ordering
        by frequency is ordering by IDF, ties included.
        """
        return sorted(terms, key=self._df.__getitem__)[:PROBE_TERMS]

    def query_vector(self, features: StoryFeatures) -> dict[str, float]:
        """The article's unit TF-IDF vector (sublinear TF) times IDF once more: the story side's IDF,
        pre-applied."""
        idfs = self._idfs(features.terms)
        vec = {t: (1.0 + math.log(c)) * idfs[t] for t, c in features.terms.items() if c > 0}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm * idfs[t] for t, v in vec.items()}

    def add(self, features: StoryFeatures) -> None:
        """Count an article into its story (creating the story) and into the statistics."""
        sid = self.resolve(features.story_id)
        self.story_of[features.article_id] = sid
        self._n += 1
        self._df.update(features.terms.keys())
        self._df.update(f"@{k}" for k in features.entities)
        story = self.stories.get(sid)
        when = features.time()
        if story is None:
            story = Story(sid, features.event_time, features.event_time)
            story.founder = when if when.at is None else None
            self.stories[sid] = story
        story.first_time = min(story.first_time, features.event_time)
        story.last_time = max(story.last_time, features.event_time)
        if when.at is not None:
            story.span_first = when.at if story.span_first is None else min(story.span_first, when.at)
            story.span_last = when.at if story.span_last is None else max(story.span_last, when.at)
        story.size += 1
        story.stamp = -1
        terms, log = story.terms, math.log
        for t, c in features.terms.items():
            terms[t] = terms.get(t, 0) + (1.0 + log(c))  # type: ignore[assignment]
        for k in features.entities:
            story.entities[k] += 1
            story.names.setdefault(k, features.entities[k])
        # Sorted: a set's order follows the process's hash seed (and the pool's workers have their
        # own), and the order of equal counts decides which figures ``_cap`` keeps.
        story.numbers.update(sorted(features.numbers))
        if features.roles or story.roles:
            for role, holders in features.roles.items():
                if role in story.roles or len(story.roles) < STORY_ROLES:
                    story.roles.setdefault(role, set()).update(holders)
            story.name_words.update(_name_words(features.entities.values()))
        for unit, values in features.counts.items():
            if unit in story.counts or len(story.counts) < STORY_COUNTS:
                story.counts.setdefault(unit, set()).update(values)
        if features.vector is not None:
            vec = features.vector
            story.embedding = vec.copy() if story.embedding is None else story.embedding + vec
        self._file(story, features)
        self._cap(story)
        # Two clocks: an article without a publication time never ages stories that have one.
        if when.at is not None:
            if self._latest is None or when.at > self._latest:
                self._latest = when.at
        elif self._latest_seen is None or features.event_time > self._latest_seen:
            self._latest_seen = features.event_time
        self._since_prune += 1
        if self._since_prune >= 5000:
            self.prune()

    def _file(self, story: Story, features: StoryFeatures) -> None:
        keys = self._rarest(features.terms)
        keys += [f"@{k}" for k in features.entities]
        for key in keys:
            if key not in story.probes:
                story.probes.add(key)
                self._postings.setdefault(key, set()).add(story.story_id)

    def _cap(self, story: Story) -> None:
        """Keep a story's strongest evidence only, once a kind has grown to twice its cap.

        Terms and names outside the kept ones no longer score, so the story is no longer filed
        under them either: a big story is then probed by its own words, not by every word any
        member ever used (which made it a candidate for, and slowed, most new articles).
        """
        capped = False
        if len(story.terms) > 2 * STORY_TERMS:
            story.terms = Counter(dict(story.terms.most_common(STORY_TERMS)))
            capped = True
        if len(story.entities) > 2 * STORY_ENTITIES:
            story.entities = Counter(dict(story.entities.most_common(STORY_ENTITIES)))
            story.names = {k: story.names[k] for k in story.entities if k in story.names}
            capped = True
        if len(story.numbers) > 2 * STORY_NUMBERS:
            story.numbers = Counter(dict(story.numbers.most_common(STORY_NUMBERS)))
        if capped:
            keep = {k for k in story.probes if k in story.terms or (k[:1] == "@" and k[1:] in story.entities)}
            for key in story.probes - keep:
                posting = self._postings.get(key)
                if posting is not None:
                    posting.discard(story.story_id)
                    if not posting:
                        del self._postings[key]
            story.probes = keep

    def prune(self, now: datetime | None = None) -> int:
        """Forget stories last seen more than the window before ``now``; returns how many."""
        self._since_prune = 0
        window = timedelta(days=self.settings.window_days)
        dated_now = now or self._latest
        undated_now = now or self._latest_seen
        old = [
            s
            for s in self.stories.values()
            if (s.span_last is not None and dated_now is not None and s.span_last < dated_now - window)
            or (s.span_last is None and undated_now is not None and s.last_time < undated_now - window)
        ]
        for story in old:
            self._drop(story)
        return len(old)

    def forget_closed(self) -> int:
        """Drop ``story_of`` entries of articles whose story is no longer open, so a long-running
        index stays bounded by the window (a copy of an older article finds its original's story
        in the warehouse). Call between batches; returns how many were dropped."""
        before = len(self.story_of)
        if before < 2 * self._story_of_kept + 10_000:  # amortised: a scan when it has doubled
            return 0
        self.story_of = {a: s for a, s in self.story_of.items() if self.resolve(s) in self.stories}
        self._story_of_kept = len(self.story_of)
        return before - len(self.story_of)

    def _drop(self, story: Story) -> None:
        for key in story.probes:
            posting = self._postings.get(key)
            if posting is not None:
                posting.discard(story.story_id)
                if not posting:
                    del self._postings[key]
        del self.stories[story.story_id]

    def candidates(self, features: StoryFeatures) -> list[Story]:
        """Open stories that share the article's rarest terms or names, best-sharing first."""
        return [story for story, _ in self.reachable(features, features.time())]

    def reachable(self, features: StoryFeatures, when: When) -> list[tuple[Story, float]]:
        """``candidates`` with each one's hours apart from the article (``Story.gap_hours``)."""
        window_h = self.settings.window_days * 24
        probes = self._rarest(features.terms)
        probes += [f"@{k}" for k in features.entities]
        hits: dict[str, float] = {}
        get, postings = hits.get, self._postings
        n, df, log = self._n + 2, self._df.get, math.log
        for key in probes:
            posting = postings.get(key)
            # A word that many open stories use tells none apart.
            if not posting or len(posting) > MAX_POSTING:
                continue
            w = log(n / (df(key, 0) + 1)) + 1.0  # self.idf(key)
            if hits:
                for sid in posting:
                    hits[sid] = get(sid, 0) + w
            else:  # the first posting read: each of its stories starts at w (0 + w, exactly)
                hits.update(dict.fromkeys(posting, w))
        out = []
        # Ties broken by id, not by set order (which varies with the process's hash seed), so a
        # re-ingest in another process picks the same candidates.
        for _, sid in heapq.nsmallest(MAX_CANDIDATES, [(-w, sid) for sid, w in hits.items()]):
            story = self.stories[sid]
            gap = story.gap_hours(when)
            if gap <= window_h:
                out.append((story, gap))
        return out

    def _refresh_norms(self, story: Story) -> None:
        """Cache the story vector's norm, its names' IDF total, its embedding's norm and its stated
        figures: all change only with the story (add and merge reset the stamp) or with IDF."""
        log = math.log
        tf = story.tf = {t: 1.0 + log(c) for t, c in story.terms.items()}
        # ``idf`` inline (the same values, summed in the same order) without a dict of them.
        n, df = self._n + 2, self._df.get
        weighed = [(w * (log(n / (df(t, 0) + 1)) + 1.0)) ** 2 for t, w in tf.items()]
        story.norm = math.sqrt(sum(weighed)) or 1.0
        story.ent_total = sum([log(n / (df("@" + k, 0) + 1)) + 1.0 for k in story.entities])
        if story.embedding is not None:
            story.embedding_norm = float(np.linalg.norm(story.embedding)) or 1.0
        story.figures = _story_figures(story)
        story.stamp = self._n

    def probe(
        self,
        new: StoryFeatures,
        vector: dict[str, float] | None = None,
        names_idf: dict[str, float] | None = None,
    ) -> Probe:
        """The article's side of ``score``, computed once for all the stories it is scored against."""
        ea = names_idf if names_idf is not None else {k: self.idf(f"@{k}") for k in new.entities}
        a = vector if vector is not None else self.query_vector(new)
        return Probe(
            new,
            a,
            ea,
            sum(ea.values()),
            new.time(),
            _figures(new.numbers, new.counts) if new.counts else set(),
            _name_words(new.entities.values()) if new.roles else set(),
        )

    def score(
        self,
        new: StoryFeatures,
        story: Story,
        vector: dict[str, float] | None = None,
        names_idf: dict[str, float] | None = None,
        *,
        explain: bool = True,
    ) -> tuple[float, dict[str, object]]:
        """Similarity in [0, 1] of an article to a story, and the evidence behind it.

        ``vector`` (``query_vector``) and ``names_idf`` are the article's weights; callers that score
        many stories make a ``probe`` once and call ``score_probe``.
        """
        return self.score_probe(self.probe(new, vector, names_idf), story, explain=explain)

    def score_probe(
        self, p: Probe, story: Story, *, explain: bool = True, gap: float | None = None
    ) -> tuple[float, dict[str, object]]:
        """``score`` from the article's probe; ``gap`` is the story's hours apart when known. With
        ``explain=False`` the evidence is left empty: the same score, cheaper (callers explain only
        the story they pick)."""
        new, ea, a = p.features, p.names_idf, p.weights
        # The story's cached norms predate a change to it, or IDF has drifted since they were
        # computed (by a fifth of the articles counted): refresh them.
        if story.stamp < 0 or self._n > story.stamp * 1.2 + 20:
            self._refresh_norms(story)
        norm, ent_total, tf = story.norm, story.ent_total, story.tf
        # The terms and names both sides have, found by the dicts' own intersection (the smaller
        # side walked, in C); ``fsum`` makes each sum exact, so it does not depend on set order.
        shared = a.keys() & tf.keys()
        lexical = fsum([a[t] * tf[t] for t in shared]) / norm if shared else 0.0
        entities = story.entities
        shared_keys = ea.keys() & entities.keys()
        # Relative to the side that names fewer: a short account names fewer people and places.
        smaller = min(p.names_total, ent_total)
        names = fsum([ea[k] for k in shared_keys]) / smaller if smaller and shared_keys else 0.0
        names *= min(1.0, len(shared_keys) / MIN_SHARED_NAMES)
        # Headlines often name nobody we can recognise: then terms alone decide.
        total = (1 - ENTITY_WEIGHT) * lexical + ENTITY_WEIGHT * names if ea and entities else lexical
        similar = None
        if new.headline and new.vector is not None and story.embedding is not None:
            similar = float(new.vector.dot(story.embedding)) / story.embedding_norm
            w = self.settings.embedding_weight
            floor = EMBEDDING_FLOORS.get(self.settings.embeddings, 0.2)
            total = (1 - w) * total + w * max(0.0, (similar - floor) / (1 - floor))
        # (Most pairs share no figure: ``isdisjoint`` says so without building a set.)
        numbers = story.numbers
        shared_numbers = new.numbers & numbers.keys() if not new.numbers.isdisjoint(numbers) else set()
        if shared_numbers:
            total += NUMBER_BONUS * min(2, len(shared_numbers))
        conflicts = (
            conflicting_roles(new.roles, story.roles, story.name_words, p.name_words)
            if new.roles and story.roles
            else []
        )
        if conflicts:
            total *= ROLE_CONFLICT
        names_apart = not shared_keys and len(ea) >= MIN_APART_NAMES <= len(story.entities)
        if names_apart:
            total *= NAMES_APART
        other_counts = (
            conflicting_counts(new.counts, story.counts, p.figures, story.figures)
            if new.counts and story.counts
            else []
        )
        if other_counts:
            total *= COUNT_CONFLICT
        when = p.when
        if gap is None:
            gap = story.gap_hours(when)
        window_h = self.settings.window_days * 24
        total *= 1.0 - TIME_DECAY * min(1.0, gap / window_h)
        if not explain:
            return min(total, 1.0), {}
        # The evidence lists the article's terms and names in its own order, strongest first.
        products = {t: v * tf[t] / norm for t, v in a.items() if t in shared}
        shared_terms = sorted(products, key=lambda t: -products[t])
        shared_names = sorted((k for k in ea if k in shared_keys), key=lambda k: -ea[k])
        generic = generic_words()
        evidence: dict[str, object] = {
            "lexical": round(lexical, 4),
            "entities": round(names, 4),
            "shared_entities": [new.entities[k] for k in shared_names[:12]],
            "shared_terms": shared_terms[:12],
            "shared_numbers": sorted(shared_numbers)[:8],
            "hours_apart": round(gap, 1),
        }
        if not (shared_names or shared_numbers or any(t not in generic for t in shared_terms)):
            # Nothing but common words in common ("good", "record"): no event evidence.
            evidence["only_common_words"] = True
        if conflicts:  # "health minister: Vondrová, not Hrubeš"
            evidence["other_holders"] = [
                f"{r}: {', '.join(sorted(new.roles[r]))}, not {', '.join(sorted(story.roles[r]))}"
                for r in conflicts
            ]
        if names_apart:  # both name people or places, none in common
            evidence["no_shared_names"] = True
        if other_counts:  # "killed: 7, not 40"
            evidence["other_counts"] = [
                f"{u}: {', '.join(sorted(new.counts[u]))}, not {', '.join(sorted(story.counts[u]))}"
                for u in other_counts
            ]
        if when.at is None:  # say what its time was read from: a dateline, stated dates, or nothing
            evidence["time"] = when.kind()
        if similar is not None:
            evidence["embedding"] = round(similar, 4)
        return min(total, 1.0), evidence

    def merge(self, keep: Story, other: Story, article_id: str, score: float) -> None:
        """Fold ``other`` into ``keep`` (the older story), keeping its id findable."""
        keep.first_time = min(keep.first_time, other.first_time)
        keep.last_time = max(keep.last_time, other.last_time)
        if other.span_first is not None and other.span_last is not None:
            keep.span_first = (
                other.span_first if keep.span_first is None else min(keep.span_first, other.span_first)
            )
            keep.span_last = (
                other.span_last if keep.span_last is None else max(keep.span_last, other.span_last)
            )
        keep.founder = keep.founder or other.founder
        for role, holders in other.roles.items():
            keep.roles.setdefault(role, set()).update(holders)
        keep.name_words |= other.name_words
        for unit, values in other.counts.items():
            keep.counts.setdefault(unit, set()).update(values)
        keep.size += other.size
        keep.stamp = -1
        keep.terms.update(other.terms)
        keep.entities.update(other.entities)
        for k, v in other.names.items():
            keep.names.setdefault(k, v)
        keep.numbers.update(other.numbers)
        if other.embedding is not None:
            keep.embedding = other.embedding if keep.embedding is None else keep.embedding + other.embedding
        for key in other.probes:
            if key not in keep.probes:
                keep.probes.add(key)
                self._postings.setdefault(key, set()).add(keep.story_id)
        self._drop(other)
        self._cap(keep)
        self.merged_into[other.story_id] = keep.story_id  # story_of entries resolve through this
        self.merges.append(StoryMerge(other.story_id, keep.story_id, article_id, round(score, 4)))

    def drain_merges(self) -> list[StoryMerge]:
        out, self.merges = self.merges, []
        return out


def _figures(numbers: Iterable[str], counts: Mapping[str, Iterable[str]]) -> set[str]:
    """Every figure a side states: its numbers and its counts' figures ("seven" as "7")."""
    out = set(numbers)
    for values in counts.values():
        out.update(values)
    return out


def _story_figures(story: Story) -> set[str]:
    return _figures(story.numbers, story.counts)


def _older(a: Story, b: Story) -> tuple[Story, Story]:
    return (a, b) if (a.first_time, a.story_id) <= (b.first_time, b.story_id) else (b, a)


def thresholds(cfg: StorySettings, *, headline: bool, embedded: bool) -> tuple[float, float]:
    """(join, merge) thresholds for an article: headlines score lower, embeddings raise all scores."""
    if not headline:
        return cfg.threshold, cfg.merge_threshold
    if embedded:
        return cfg.embedding_headline_threshold, cfg.embedding_headline_merge_threshold
    return cfg.headline_threshold, cfg.headline_merge_threshold


def assign_stories(
    articles: Sequence[Article], index: StoryIndex, texts: Mapping[str, TextFeatures] | None = None
) -> tuple[list[StoryAssignment], list[StoryFeatures]]:
    """Give each article of a batch its story, in event-time order; updates ``index``.

    ``texts`` holds the ``text_features`` of articles (by id) already computed for their current
    text; the others' are computed here. Returns the assignments and the features of the new
    originals. Merges found on the way are in ``index.merges``; articles of this batch already
    reflect them.
    """
    texts = texts or {}
    assignments: list[StoryAssignment] = []
    kept: list[StoryFeatures] = []
    cfg = index.settings
    vectors: dict[str, np.ndarray] = {}
    if index.embed is not None:
        # Copies too: one that sorts before its original in the batch is scored like any article.
        todo = [a for a in articles if not a.story_id]
        if todo:
            embedded = index.embed([embedding_text(a) for a in todo])
            vectors = {a.article_id: v for a, v in zip(todo, embedded, strict=True)}
    ordered = sorted(articles, key=lambda a: (a.event_time, a.article_id))
    # A copy published before its original (the canonical is the most complete text, not always
    # the first) waits for it, so it joins its original's story instead of being scored alone:
    # otherwise the outcome would depend on ids, i.e. on file paths.
    in_batch = {a.article_id for a in articles}
    ordered = [a for a in ordered if a.copy_of not in in_batch] + [
        a for a in ordered if a.copy_of in in_batch
    ]
    for art in ordered:
        if art.copy_of and art.copy_of in index.story_of:
            sid = index.resolve(index.story_of[art.copy_of])
            art.story_id = sid
            index.story_of[art.article_id] = sid
            assignments.append(
                StoryAssignment(art.article_id, sid, False, 1.0, art.copy_of, {"copy_of": art.copy_of})
            )
            continue
        if art.story_id:  # already placed on an earlier run: ids never change
            feats = StoryFeatures.of(art, index.resolve(art.story_id), texts.get(art.article_id))
            index.add(feats)
            kept.append(feats)
            continue
        feats = StoryFeatures.of(art, "", texts.get(art.article_id))
        feats.vector = vectors.get(art.article_id)  # pooled into its story whatever its length
        headline = feats.headline = art.word_count < HEADLINE_WORDS
        threshold, merge_at = thresholds(cfg, headline=headline, embedded=feats.vector is not None)
        scored: list[tuple[float, dict[str, object], Story]] = []
        when = feats.time()
        candidates = index.reachable(feats, when)
        if candidates:  # its weights only score it against stories: the first of a story skips them
            probe = index.probe(feats)
            # the best two (the second decides a merge), ties by id
            scored = heapq.nsmallest(
                2,
                ((*index.score_probe(probe, s, explain=False, gap=g), s) for s, g in candidates),
                key=lambda x: (-x[0], x[2].story_id),
            )
            # the evidence of the one story the article is placed by
            scored[0] = (*index.score_probe(probe, scored[0][2]), scored[0][2])
        if scored and scored[0][0] >= threshold and not scored[0][1].get("only_common_words"):
            score, evidence, story = scored[0]
            if (
                len(scored) > 1
                and scored[1][0] >= merge_at
                and score >= merge_at
                and not index.score_probe(probe, scored[1][2])[1].get("only_common_words")
            ):
                keep, other = _older(story, scored[1][2])
                index.merge(keep, other, art.article_id, scored[1][0])
                for a in articles:  # this batch's earlier members move with their story
                    if a.story_id == other.story_id:
                        a.story_id = keep.story_id
                story = keep
                evidence = {**evidence, "merged": other.story_id}
            feats.story_id = story.story_id
            assignment = StoryAssignment(
                art.article_id, story.story_id, False, round(score, 4), None, evidence
            )
        else:
            feats.story_id = story_id_for(art.article_id)
            evidence = dict(scored[0][1]) if scored else {}
            if scored:
                evidence["best_other_story"] = scored[0][2].story_id
            assignment = StoryAssignment(
                art.article_id,
                feats.story_id,
                True,
                round(scored[0][0], 4) if scored else 0.0,
                None,
                evidence,
            )
        art.story_id = feats.story_id
        index.add(feats)
        kept.append(feats)
        assignments.append(assignment)
    if index.merges:  # assignments made earlier in the batch follow their story
        moved = {m.merged: index.resolve(m.merged) for m in index.merges}
        assignments = [
            StoryAssignment(
                s.article_id, moved.get(s.story_id, s.story_id), s.is_new_story, s.score,
                s.matched_article_id, s.evidence,
            )
            for s in assignments
        ]  # fmt: skip
    return assignments, kept
