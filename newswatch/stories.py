"""Stories: different outlets' articles about the same event, grouped under one ``story_id``.

Articles are assigned one by one in event-time order (published, else first seen). Each is compared
with the originals already kept within ``window_days``; it joins the story of its best match when
the score reaches ``threshold``, else it opens a new story whose id derives from its own id, so ids
never change once given. Copies join their original's story without being scored.

The score mixes two kinds of evidence, both stored with the assignment so a user can see why:
- lexical: cosine of sublinear-TF x IDF term vectors of title (weighted up) and body;
- names: IDF-weighted overlap of the two articles' named entities (people, places, organisations),
  relative to the smaller set and damped when fewer than three names are shared.
Two accounts of one event in other words still share most of their names and key terms; an
unrelated article shares few of either.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from newswatch.entities import entity_key, extract_names
from newswatch.records import Article, StoryAssignment, stable_id
from newswatch.settings import StorySettings
from newswatch.text import words

TITLE_WEIGHT = 3.0
LEXICAL_WEIGHT = 0.5
ENTITY_WEIGHT = 0.5
MIN_SHARED_NAMES = 3

_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each even
    ever every few for from further had has have having he her here hers herself him himself
    his how i if in into is it its itself just last like made make many may me might more
    most much must my new no nor not now of off on once one only or other our ours out over
    own per said same say says she should since so some such than that the their theirs them
    then there these they this those through to too two under until up upon us very was we
    were what when where which while who whom why will with within would year years yet you
    your week day days time told including including according
    """.split()
)
_NUMBERLIKE = re.compile(r"^\d")


def story_id_for(article_id: str) -> str:
    return stable_id("s_", article_id)


def terms_of(title: str, body: str) -> Counter[str]:
    """Content words with counts; the title counts ``TITLE_WEIGHT`` times."""
    counts: Counter[str] = Counter()
    for weight, text in ((TITLE_WEIGHT, title), (1.0, body)):
        for w in words(text):
            if len(w) > 2 and w not in _STOPWORDS and not _NUMBERLIKE.match(w):
                counts[w] += weight  # type: ignore[assignment]
    return counts


@dataclass(slots=True)
class StoryFeatures:
    """What story matching needs of one kept original article."""

    article_id: str
    story_id: str
    event_time: datetime
    source: str
    terms: Counter[str]
    entities: dict[str, str]  # key -> display name
    entity_counts: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, article: Article, story_id: str) -> StoryFeatures:
        names = extract_names(f"{article.title}.\n{article.deck or ''}.\n{article.body}")
        entities: dict[str, str] = {}
        counts: Counter[str] = Counter()
        for name, n in names.items():
            key = entity_key(name)
            entities.setdefault(key, name)
            counts[key] += n
        return cls(
            article_id=article.article_id,
            story_id=story_id,
            event_time=article.event_time,
            source=article.source,
            terms=terms_of(article.title, f"{article.deck or ''}\n{article.body}"),
            entities=entities,
            entity_counts=counts,
        )


class StoryIndex:
    """Kept originals within reach of new articles, with document frequencies for IDF."""

    def __init__(self, settings: StorySettings) -> None:
        self.settings = settings
        self.members: dict[str, StoryFeatures] = {}
        self.story_of: dict[str, str] = {}  # article_id -> story_id, copies included
        self._df: Counter[str] = Counter()
        self._edf: Counter[str] = Counter()

    def add(self, features: StoryFeatures) -> None:
        if features.article_id in self.members:
            return
        self.members[features.article_id] = features
        self.story_of[features.article_id] = features.story_id
        self._df.update(features.terms.keys())
        self._edf.update(features.entities.keys())

    def idf(self, term: str) -> float:
        n = len(self.members) + 1
        return math.log((n + 1) / (self._df.get(term, 0) + 1)) + 1.0

    def eidf(self, key: str) -> float:
        n = len(self.members) + 1
        return math.log((n + 1) / (self._edf.get(key, 0) + 1)) + 1.0

    def candidates(self, when: datetime) -> Iterable[StoryFeatures]:
        window = timedelta(days=self.settings.window_days)
        for f in self.members.values():
            if abs(f.event_time - when) <= window:
                yield f

    def _vector(self, terms: Counter[str]) -> dict[str, float]:
        vec = {t: (1.0 + math.log(c)) * self.idf(t) for t, c in terms.items() if c > 0}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def score(self, new: StoryFeatures, old: StoryFeatures) -> tuple[float, dict[str, object]]:
        """Similarity in [0, 1] and the evidence behind it."""
        a, b = self._vector(new.terms), self._vector(old.terms)
        shared_terms = sorted((t for t in a if t in b), key=lambda t: -(a[t] * b[t]))
        lexical = sum(a[t] * b[t] for t in shared_terms)
        ea = {k: self.eidf(k) for k in new.entities}
        eb = {k: self.eidf(k) for k in old.entities}
        shared_names = sorted((k for k in ea if k in eb), key=lambda k: -ea[k])
        # Overlap relative to the smaller set (a short account names fewer people and places),
        # damped below MIN_SHARED_NAMES: one shared name ("Pakistan") is topic, not event.
        smaller = min(sum(ea.values()), sum(eb.values()))
        names = sum(ea[k] for k in shared_names) / smaller if smaller else 0.0
        names *= min(1.0, len(shared_names) / MIN_SHARED_NAMES)
        total = LEXICAL_WEIGHT * lexical + ENTITY_WEIGHT * names
        evidence: dict[str, object] = {
            "lexical": round(lexical, 4),
            "entities": round(names, 4),
            "shared_entities": [new.entities[k] for k in shared_names[:12]],
            "shared_terms": shared_terms[:12],
            "hours_apart": round(abs((new.event_time - old.event_time).total_seconds()) / 3600, 1),
        }
        return total, evidence


def assign_stories(
    articles: Sequence[Article], index: StoryIndex
) -> tuple[list[StoryAssignment], list[StoryFeatures]]:
    """Give each article of a batch its story, in event-time order; updates ``index``.

    Returns the assignments and the features of the new originals (to be kept with them).
    """
    assignments: list[StoryAssignment] = []
    kept: list[StoryFeatures] = []
    for art in sorted(articles, key=lambda a: (a.event_time, a.article_id)):
        if art.copy_of and art.copy_of in index.story_of:
            sid = index.story_of[art.copy_of]
            art.story_id = sid
            index.story_of[art.article_id] = sid
            assignments.append(
                StoryAssignment(art.article_id, sid, False, 1.0, art.copy_of, {"copy_of": art.copy_of})
            )
            continue
        if art.story_id:  # already placed on an earlier run: ids never change
            feats = StoryFeatures.of(art, art.story_id)
            index.add(feats)
            kept.append(feats)
            continue
        feats = StoryFeatures.of(art, "")
        best: tuple[float, StoryFeatures, dict[str, object]] | None = None
        for cand in index.candidates(art.event_time):
            s, ev = index.score(feats, cand)
            if best is None or s > best[0]:
                best = (s, cand, ev)
        if best is not None and best[0] >= index.settings.threshold:
            score, match, evidence = best
            feats.story_id = match.story_id
            assignment = StoryAssignment(
                art.article_id, match.story_id, False, round(score, 4), match.article_id, evidence
            )
        else:
            feats.story_id = story_id_for(art.article_id)
            evidence = dict(best[2]) if best else {}
            if best:
                evidence["best_other"] = best[1].article_id
            assignment = StoryAssignment(
                art.article_id,
                feats.story_id,
                True,
                round(best[0], 4) if best else 0.0,
                None,
                evidence,
            )
        art.story_id = feats.story_id
        index.add(feats)
        kept.append(feats)
        assignments.append(assignment)
    return assignments, kept
