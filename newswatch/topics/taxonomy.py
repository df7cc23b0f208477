"""Topics: a taxonomy of topics (IPTC Media Topic codes where they exist) and rule-based tagging.

A taxonomy is a TOML file of ``[[topic]]`` tables::

    [[topic]]
    id = "terrorism"                      # the name stored in article_topics.topic
    label = "act of terror"
    iptc = "medtop:20000053"              # optional IPTC Media Topic code
    parent = "conflict"                   # optional; a tag on a subtopic implies its parent
    terms = ["terrorism", "terrorist*", "counter-terrorism"]   # phrases; '*' ends a word stem
    weak = ["attack*"]                    # optional: ambiguous phrases, half weight
    regex = ['\\bsuicide (?:car )?bomb(?:ing|er)s?\\b']         # optional, on the folded text
    require = ["pakistan", "china"]       # optional: at least one must also occur
    exclude = ["war on drugs"]            # optional: any of these vetoes the tag

    [[entity]]                            # watchlist people, organisations, places (entities.py)
    name = "Tehrik-e-Taliban Pakistan"    # the one name stored
    kind = "organisation"                 # person | organisation | place | other
    country = "PK"                        # optional ISO 3166 alpha-2 code
    aliases = ["TTP", "Pakistani Taliban"]

Matching runs on the folded text (case, quotes and dashes do not matter). Scoring weighs where a
match sits (title and deck over body), repetition (sublinear) and article length; a tag is stored
when its score reaches the threshold, with its evidence: the matched terms in context.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from newswatch.entities.names import EntityRule, parse_entity_rules
from newswatch.errors import ConfigError, not_utf8
from newswatch.language import reads_english
from newswatch.records import Article, TopicTag
from newswatch.settings import TopicSettings, locate_key
from newswatch.text import fold, regex_literal_prefix, top_level_alternatives
from newswatch.topics.iptc import descendant_terms, read_vocabulary, words_by_root
from newswatch.topics.iptc import resolve as resolve_iptc
from newswatch.topics.lazy import LazyPattern, Pattern

TITLE_WEIGHT = 2.0
DECK_WEIGHT = 1.5
WEAK_WEIGHT = 0.5  # a weak term alone in a title (2.0 x 0.5) stays below the default threshold
BODY_REFERENCE_WORDS = 400  # body scores are scaled down for articles longer than this
# A headline alone (a feed entry without text) has one zone to collect evidence from, not three:
# its threshold is scaled by this, so one clear word in it is enough.
TITLE_ONLY_FACTOR = 0.5
_CONTEXT = 40


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    label: str
    iptc: str | None = None
    parent: str | None = None
    description: str | None = None
    threshold: float | None = None  # overrides the taxonomy's threshold (watchlists: any mention)
    patterns: tuple[Pattern, ...] = ()  # terms compiled on first use (newswatch.topics.lazy)
    weak: tuple[Pattern, ...] = ()  # ambiguous terms, WEAK_WEIGHT each
    require: tuple[Pattern, ...] = ()
    exclude: tuple[Pattern, ...] = ()
    phrases: tuple[str, ...] = ()  # its terms and weak terms as written (the embedding scorer's prototypes)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    path: str | None = None
    threshold: float = 2.0
    by_id: dict[str, Topic] = field(default_factory=dict)
    entities: tuple[EntityRule, ...] = ()  # the watchlist's people, organisations and places
    # Optional second opinion on top-level topics (newswatch.topics.embed.EmbeddingScorer).
    embedder: Any = field(default=None, compare=False, repr=False)
    # The top-level topic classifier (newswatch.topics.model.TopicClassifier), when attached.
    classifier: Any = field(default=None, compare=False, repr=False)
    # With the classifier: the lexicon taxonomy (with its embedding scorer) whose tags, read with the
    # classifier's, tag articles with no body, a headline alone (TopicClassifier.headline_tags).
    headlines: Taxonomy | None = field(default=None, compare=False, repr=False)
    # Built on first use by _term_index (not an init field: dataclasses.replace starts it afresh).
    _index: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def ancestors(self, topic_id: str) -> list[str]:
        out: list[str] = []
        cur = self.by_id[topic_id].parent
        while cur and cur not in out:
            out.append(cur)
            cur = self.by_id[cur].parent
        return out

    def top_level(self, topic_id: str) -> str:
        """The top-level topic ``topic_id`` is under (itself for a top-level topic)."""
        chain = self.ancestors(topic_id)
        return chain[-1] if chain else topic_id


def _inflections(word: str) -> str:
    """A word with its regular English endings: plural, possessive, past and -ing forms."""
    w = re.escape(word)
    if not word.isalpha() or len(word) < 3:
        return w + r"(?:s|es|'s)?"
    if word.endswith("y") and word[-2] not in "aeiou":
        return re.escape(word[:-1]) + r"(?:y|ies|ied|ying|y's)"
    if word.endswith("e"):
        return re.escape(word[:-1]) + r"(?:e|es|ed|ing|e's)"
    if word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
        # a short final syllable doubles its consonant: "ship" -> "shipped", "shipping"
        return w + rf"(?:s|es|'s|ed|ing|{re.escape(word[-1])}ed|{re.escape(word[-1])}ing)?"
    return w + r"(?:s|es|'s|ed|ing)?"


# A match may not run on into a word, nor into an apostrophe and letters ("won" is not in
# "won't"); a possessive is part of the match.
_END = r"(?![\w]|'\w)"
# Marks a pattern that runs on the text as written, not on the folded text (see term_pattern).
CASED = "(?#cased)"


def term_pattern(term: str) -> LazyPattern:
    """A phrase as a pattern over folded text: whole words, flexible spaces and hyphens.

    A trailing ``*`` matches any word ending ("terroris*" finds terrorism and terrorists); otherwise
    the last word's regular endings are allowed (plural, possessive, -ed, -ing: "recall" finds
    "recalled", "company" finds "companies"). A word inside a hyphenated compound counts
    ("Google-owned"). A term written in capitals ("WHO", "AIDS", "GM") is an acronym: it matches
    only in capitals, so "who" and "aids" in running text do not count. The pattern is compiled on
    first use: a run tries few of a taxonomy's thousands of terms (newswatch.topics.lazy).
    """
    cased = _is_acronym(term)
    term = term.strip() if cased else fold(term).strip()
    stem = term.endswith("*")
    term = term.rstrip("*").strip()
    words = [p for p in re.split(r"[\s\-]+", term) if p]
    parts = [re.escape(p) for p in words[:-1]]
    if cased:
        last = re.escape(words[-1]) + (r"\w*" if stem else r"(?:s|'s)?")
    else:
        last = re.escape(words[-1]) + r"\w*(?:'s)?" if stem else _inflections(words[-1])
    body = r"[\s\-]+".join([*parts, last])
    source = rf"(?<![\w]){body}{_END}" + (CASED if cased else "")
    if len(words) > 1:
        _PHRASE_WORDS[source] = (*words[:-1], regex_literal_prefix(last))
    return LazyPattern(source)


# The words every match of a multi-word term contains, by pattern source (the last word as far as
# its endings leave it fixed): "the[\s\-]+street..." needs "the" and "street" in the text. Keyed by
# source, so a regex written the same way anywhere else means the same and may use it too.
_PHRASE_WORDS: dict[str, tuple[str, ...]] = {}


def _is_acronym(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def load_taxonomy(path: str | Path, *, threshold: float | None = None) -> Taxonomy:
    """Read and validate a taxonomy file; errors name the file, the line and the reason."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"cannot read taxonomy: {exc.strerror or exc}", path=str(p)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(not_utf8(exc), path=str(p)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=str(p)) from exc
    return parse_taxonomy(data, text=text, path=str(p), threshold=threshold)


_TOPIC_KEYS = {
    "id",
    "label",
    "iptc",
    "parent",
    "description",
    "threshold",
    "terms",
    "weak",
    "regex",
    "require",
    "exclude",
}


def parse_taxonomy(
    data: dict[str, Any], *, text: str = "", path: str | None = None, threshold: float | None = None
) -> Taxonomy:
    raw_topics = data.get("topic", [])
    if not isinstance(raw_topics, list) or not raw_topics:
        raise ConfigError("a taxonomy needs at least one [[topic]] table", path=path)
    topics: list[Topic] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_topics):

        def fail(key: str | None, reason: str, i: int = i) -> ConfigError:
            loc: tuple[Any, ...] = ("topic", i, key) if key else ("topic", i)
            return ConfigError(reason, path=path, line=locate_key(text, loc) if text else None)

        unknown = set(raw) - _TOPIC_KEYS
        if unknown:
            raise fail(sorted(unknown)[0], f"unknown key {sorted(unknown)[0]!r} in [[topic]]")
        tid = raw.get("id")
        if not isinstance(tid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_\-.]*", tid):
            raise fail("id", f"topic id must be lower-case letters, digits, '-', '_' or '.': {tid!r}")
        if tid in seen:
            raise fail("id", f"topic id {tid!r} is defined twice")
        seen[tid] = i
        iptc = raw.get("iptc")
        if iptc is not None and not re.fullmatch(r"medtop:\d{8}", str(iptc)):
            raise fail("iptc", f"iptc code must look like 'medtop:20000053': {iptc!r}")
        label = raw.get("label") or tid
        own_threshold = raw.get("threshold")
        if own_threshold is not None and (
            not isinstance(own_threshold, int | float) or isinstance(own_threshold, bool) or own_threshold < 0
        ):
            raise fail("threshold", f"threshold must be a number >= 0: {own_threshold!r}")
        compiled: dict[str, tuple[Pattern, ...]] = {}
        for key in ("terms", "weak", "regex", "require", "exclude"):
            values = raw.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                raise fail(key, f"{key} must be a list of non-empty strings")
            pats: list[Pattern] = []
            for v in values:
                if key == "regex":
                    try:
                        pats.append(re.compile(v))
                    except re.error as exc:
                        raise fail(key, f"invalid regex {v!r}: {exc}") from exc
                else:
                    pats.append(term_pattern(v))
            compiled[key] = tuple(pats)
        topics.append(
            Topic(
                id=tid,
                label=str(label),
                iptc=str(iptc) if iptc else None,
                parent=raw.get("parent"),
                description=raw.get("description"),
                threshold=float(own_threshold) if own_threshold is not None else None,
                patterns=compiled["terms"] + compiled["regex"],
                weak=compiled["weak"],
                require=compiled["require"],
                exclude=compiled["exclude"],
                phrases=tuple(raw.get("terms", [])) + tuple(raw.get("weak", [])),
            )
        )
    by_id = {t.id: t for t in topics}
    for i, t in enumerate(topics):
        if t.parent is not None and t.parent not in by_id:
            line = locate_key(text, ("topic", i, "parent")) if text else None
            raise ConfigError(f"topic {t.id!r} has unknown parent {t.parent!r}", path=path, line=line)
    for t in topics:  # cycles
        cur, hops = t.parent, 0
        while cur:
            hops += 1
            if cur == t.id or hops > len(topics):
                raise ConfigError(f"topic {t.id!r} is its own ancestor", path=path)
            cur = by_id[cur].parent
    unknown_tables = sorted(set(data) - {"topic", "entity", "settings"})
    if unknown_tables:
        raise ConfigError(
            f"unknown table {unknown_tables[0]!r} (expected [[topic]], [[entity]], [settings])",
            path=path,
            line=_table_line(text, unknown_tables[0]),
        )
    entities = parse_entity_rules(data.get("entity"), text=text, path=path)
    settings = data.get("settings", {})
    unknown_settings = sorted(set(settings) - {"threshold", "iptc_vocabulary"})
    if unknown_settings:
        raise ConfigError(
            f"unknown key {unknown_settings[0]!r} in [settings]",
            path=path,
            line=locate_key(text, ("settings", unknown_settings[0])) if text else None,
        )
    if settings.get("iptc_vocabulary"):
        topics = _with_iptc_terms(topics, settings["iptc_vocabulary"], text=text, path=path)
        by_id = {t.id: t for t in topics}
    thr = threshold if threshold is not None else float(settings.get("threshold", 2.0))
    return Taxonomy(topics=tuple(topics), path=path, threshold=thr, by_id=by_id, entities=entities)


def load_configured(section: TopicSettings) -> Taxonomy:
    """The taxonomy a ``[topics]`` settings section names, with its threshold and the top-level
    topic classifier (newswatch/topics/model.py) attached; with ``classifier = "none"`` (or a
    taxonomy without IPTC top-level codes), the embedding scorer (newswatch/topics/embed.py) unless
    ``embeddings = "none"``."""
    taxonomy = load_taxonomy(section.taxonomy, threshold=section.threshold)
    if section.classifier != "none":
        from newswatch.topics.model import attach  # numpy and the model only when asked for

        model, second = None, section.classifier_probability
        if section.classifier == "minilm":  # the embeddings extra (newswatch/topics/minilm.py)
            from newswatch.topics import minilm

            model, second = minilm.load_minilm_model(), second or minilm.SECOND_PROBABILITY
        attached = attach(taxonomy, second, model=model)  # a copy: ``taxonomy`` stays whole
        if attached.classifier is not None:
            return replace(attached, headlines=_lexicon(taxonomy, section))
    return _lexicon(taxonomy, section)


def _lexicon(taxonomy: Taxonomy, section: TopicSettings) -> Taxonomy:
    """The taxonomy tagging by its terms, with the embedding scorer unless ``embeddings = "none"``."""
    if section.embeddings == "none":
        return taxonomy
    from newswatch.topics.embed import with_embeddings  # numpy and a model only when asked for

    return with_embeddings(taxonomy, section)


def _with_iptc_terms(topics: list[Topic], vocab_path: Any, *, text: str, path: str | None) -> list[Topic]:
    """Add the labels of each IPTC-coded topic's IPTC descendants as weak terms."""
    base = Path(path).parent if path else Path.cwd()
    where = resolve_iptc(str(vocab_path), base)
    try:
        vocab = read_vocabulary(str(where))
    except (OSError, ValueError, KeyError) as exc:
        line = locate_key(text, ("settings", "iptc_vocabulary")) if text else None
        raise ConfigError(f"iptc_vocabulary {str(where)!r}: {exc}", path=path, line=line) from exc
    listed = {t.iptc for t in topics if t.iptc}
    roots = words_by_root(vocab)
    out = []
    for t in topics:
        if t.iptc and t.iptc in vocab:
            extra = tuple(term_pattern(w) for w in descendant_terms(vocab, t.iptc, skip=listed, roots=roots))
            t = dataclasses.replace(t, weak=t.weak + extra)
        out.append(t)
    return out


def _table_line(text: str, name: str) -> int | None:
    """The line of a ``[name]`` or ``[[name]]`` header (or ``name =`` key) in TOML text."""
    pat = re.compile(rf"^\s*(?:\[\[?\s*{re.escape(name)}\s*\]|{re.escape(name)}\s*=)")
    return next((i + 1 for i, line in enumerate(text.splitlines()) if pat.match(line)), None)


def _snippet(text: str, start: int, end: int) -> str:
    a = max(0, start - _CONTEXT)
    b = min(len(text), end + _CONTEXT)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def tag_article(article: Article, taxonomy: Taxonomy) -> list[TopicTag]:
    """Score every topic on one article; return tags at or above the threshold, parents implied."""
    if taxonomy.headlines is not None and not article.body.strip():
        read = tag_article(article, taxonomy.headlines)
        return taxonomy.classifier.headline_tags(article, read, taxonomy.headlines)
    raw_zones = [
        (TITLE_WEIGHT, article.title, "title"),
        (DECK_WEIGHT, article.deck or "", "deck"),
        (1.0, article.body, "body"),
    ]
    all_zones = [(w, fold(t), where, t) for w, t, where in raw_zones]
    body_scale = math.sqrt(BODY_REFERENCE_WORDS / max(BODY_REFERENCE_WORDS, article.word_count))
    full = " \n ".join(z[1] for z in all_zones)
    full_raw = " \n ".join(z[3] for z in all_zones)
    zones = [z for z in all_zones if z[1]]  # headlines without a body: skip the empty zones
    index = _term_index(taxonomy)
    # Per zone, per topic: the terms that can match there at all (see _TermIndex).
    zone_terms = [index.candidates(zone, raw) for _, zone, _, raw in zones]
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    # (distinct terms, full-term matches): equal scores go to the broader, then the more specific
    # evidence ("parents ... kids ... study" over "smartphones ... study").
    strength: dict[str, tuple[int, int]] = {}
    # Only a topic with a candidate term in some zone can score (the others would be skipped below).
    with_terms = set().union(*zone_terms)
    for ti, topic in enumerate(taxonomy.topics):
        if ti not in with_terms:
            continue
        if topic.exclude and any(_search(p, full, full_raw) for p in topic.exclude):
            continue
        if topic.require and not any(_search(p, full, full_raw) for p in topic.require):
            continue
        score = 0.0
        found: list[str] = []
        weighted, cased = index.weighted[ti], index.cased[ti]
        # Weak terms alone in a long body are noise ("released", "data"): a tag needs a full term
        # somewhere, or a weak one in the title or deck.
        strong = False
        n_strong = 0
        n_terms = 0
        for (weight, zone, where, raw), terms in zip(zones, zone_terms, strict=True):
            # Each stretch of text counts once per topic, for its strongest and then longest term:
            # "marketing" is not three matches because market*, marketing and a label contain it.
            cands: list[tuple[float, int, int, int, int]] = []
            for k, starts in terms.get(ti, {}).items():
                pattern, term_weight = weighted[k]
                text = raw if cased[k] else zone
                for m in _matches(pattern, text, starts):
                    cands.append((-term_weight, m.start() - m.end(), m.start(), m.end(), k))
            if not cands:
                continue
            covered: set[int] = set()  # characters already counted for this topic in this zone
            hits: dict[int, list[tuple[int, int]]] = {}
            for _, _, a, b, k in sorted(cands):
                span = range(a, b)
                if not covered.isdisjoint(span):
                    continue
                covered.update(span)
                hits.setdefault(k, []).append((a, b))
            scale = body_scale if weight == 1.0 else 1.0
            for k in sorted(hits):
                term_weight = weighted[k][1]
                spans = sorted(hits[k])
                strong = strong or term_weight == 1.0 or weight != 1.0
                n_strong += len(spans) if term_weight == 1.0 else 0
                n_terms += 1
                score += term_weight * weight * scale * (1.0 + math.log(len(spans)))
                text = raw if cased[k] else zone
                a, b = spans[0]
                found.append(f"{where}: {text[a:b]} ×{len(spans)}: {_snippet(text, a, b)}")
        if score > 0 and (strong or not topic.patterns):
            scores[topic.id] = score
            evidence[topic.id] = found
            strength[topic.id] = (n_terms, n_strong)
    prediction = None
    if taxonomy.classifier is not None and reads_english(article.language):
        prediction = taxonomy.classifier.predict(article)
        _gate_subtopics(taxonomy, scores, prediction)
    # A subtopic implies its parents with at least the child's score. With the classifier, a
    # tagged subtopic (a watchlist's own threshold) implies its parents whatever theirs: their own
    # single words no longer count, so the child's evidence is theirs.
    floor: dict[str, float] = {}
    for tid in list(scores):
        if prediction is not None and scores[tid] >= _threshold(taxonomy, tid):
            for parent in taxonomy.ancestors(tid):
                floor[parent] = min(floor.get(parent, math.inf), _threshold(taxonomy, tid))
        for parent in taxonomy.ancestors(tid):
            if scores.get(parent, 0.0) < scores[tid]:
                scores[parent] = scores[tid]
                strength[parent] = max(strength.get(parent, (0, 0)), strength[tid])
                evidence.setdefault(parent, [])
            evidence[parent].append(f"implied by {tid}")
    factor = TITLE_ONLY_FACTOR if len(zones) == 1 and zones[0][2] == "title" else 1.0
    # Equal scores: more distinct terms first, then more full-term matches, then the taxonomy's order.
    order = {t.id: i for i, t in enumerate(taxonomy.topics)}
    ranked = sorted(
        scores.items(),
        key=lambda kv: (-round(kv[1], 6), -strength[kv[0]][0], -strength[kv[0]][1], order[kv[0]]),
    )
    tags = [
        TopicTag(article.article_id, tid, round(score, 4), tuple(evidence[tid][:8]))
        for tid, score in ranked
        if score >= min(_threshold(taxonomy, tid), floor.get(tid, math.inf)) * factor
    ]
    if prediction is not None:  # the classifier's top-level topics first, then the lexicon's tags
        model_tags = taxonomy.classifier.tags(article, prediction)
        lexical = {t.topic: t for t in tags}
        merged = [
            dataclasses.replace(t, evidence=(*t.evidence, *lexical[t.topic].evidence)[:8])
            if t.topic in lexical
            else t
            for t in model_tags
        ]
        chosen = {t.topic for t in merged}
        return merged + [t for t in tags if t.topic not in chosen]
    if taxonomy.classifier is not None:  # another language: the classifier reads English only
        return taxonomy.classifier.explicit(tags, taxonomy)
    if taxonomy.embedder is not None:  # the lexicon found nothing, or only one word: a second opinion
        tags = taxonomy.embedder.refine(article, tags, taxonomy, factor)
    return tags


def _gate_subtopics(taxonomy: Taxonomy, scores: dict[str, float], prediction: Any) -> None:
    """Drop the IPTC subtopics (those with a code, under a top-level topic the classifier decides)
    that rest on little lexicon evidence and whose top-level topic the classifier finds unlikely; a
    user's own topics and watchlists (no IPTC code) stand on their rules."""
    from newswatch.topics.model import SUBTOPIC_PROBABILITY

    classifier = taxonomy.classifier
    for tid in list(scores):
        top = weakly_held(taxonomy, classifier.covered, tid, scores[tid])
        if (
            top is not None
            and (p := classifier.prob_of(prediction, top)) is not None
            and p < SUBTOPIC_PROBABILITY
        ):
            del scores[tid]


def weakly_held(taxonomy: Taxonomy, covered: Collection[str], tid: str, score: float) -> str | None:
    """The top-level topic of ``tid`` when it is an IPTC subtopic under a top-level topic the
    classifier decides (one of ``covered``) that rests on little lexicon evidence, below twice its
    threshold, so that the classifier's reading must allow it; else None. Several matches stand on
    their own: a dialogue of foreign ministers that spends a paragraph on space cooperation is about
    space exploration too."""
    chain = taxonomy.ancestors(tid)
    if not taxonomy.by_id[tid].iptc or not chain or chain[-1] not in covered:
        return None
    return chain[-1] if score < 2 * _threshold(taxonomy, tid) else None


def _is_cased(pattern: Pattern) -> bool:
    return pattern.pattern.endswith(CASED)


def _search(pattern: Pattern, folded: str, raw: str) -> bool:
    text = raw if _is_cased(pattern) else folded
    lit = _literal(pattern)
    return (not lit or lit in text) and pattern.search(text) is not None


_WORDS = re.compile(r"\w+")
# The ASCII characters ``\w`` does not match (all but letters, digits and "_") -> a space: then
# ``str.split`` cuts ASCII text into the runs ``\w+`` finds.
_ASCII_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")})


class _TermIndex:
    """Which of a taxonomy's thousands of terms can match in a text, and where, in one pass over it.

    A term's pattern starts with a lookbehind for a non-word character and then its literal (see
    ``_literal``); when the literal starts with a word, a match can only begin where a word of the
    text begins with that word. So terms are indexed by their literal's leading word, and a term is
    tried only at the starts of the words that lead to it: scanning the whole text once per term was
    most of tagging's cost. Two kinds of leading word:

    - the literal is that word alone ("terrorist" of ``terrorist*``): any text word it begins can
      start a match, so each distinct text word looks up its prefixes;
    - more follows it ("the" of "the fed", "e" of "e-commerce"): the next character is not a word
      character, so the text word must be that word exactly, and the whole literal must occur in
      the text (one substring test) before its positions are tried. Without this, every "the" and
      every word beginning with "e" was a place to try a dozen regexes.

    Terms without such a literal (a user's regex) are tried everywhere. The regex still decides
    every match, so tags, scores and evidence are the same as scanning every term over the whole
    text.
    """

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.weighted: list[list[tuple[Pattern, float]]] = []
        self.cased: list[list[bool]] = []  # per term of ``weighted``: matched on the raw text
        self.always: dict[int, list[int]] = {}
        # Per casing (folded text, raw text): leading word -> (topic index, term index, the texts a
        # match contains: its literal, or each word of a phrase).
        Entries = dict[str, list[tuple[int, int, tuple[tuple[str, ...], str, str]]]]
        self.stems: tuple[Entries, Entries] = ({}, {})
        self.exact: tuple[Entries, Entries] = ({}, {})
        for ti, topic in enumerate(taxonomy.topics):
            weighted = [(p, 1.0) for p in topic.patterns] + [(p, WEAK_WEIGHT) for p in topic.weak]
            self.weighted.append(weighted)
            self.cased.append([_is_cased(p) for p, _ in weighted])
            for k, (pattern, _) in enumerate(weighted):
                literal = _literal(pattern)
                lead = _WORDS.match(literal)
                if lead is None or _alternates(pattern.pattern):
                    self.always.setdefault(ti, []).append(k)
                    continue
                words = _PHRASE_WORDS.get(pattern.pattern, ())
                one_word = lead.end() == len(literal) and not words
                # An exact entry's other words: whole words of the text, and a literal the text
                # contains (the last word, as far as its endings leave it fixed).
                middle = tuple(w for w in words[1:-1] if _WORDS.fullmatch(w))
                last = words[-1] if words else literal
                # A last word of word characters only begins a word of the text; else a substring.
                begins = last if _WORDS.fullmatch(last) else ""
                anywhere = "" if begins else last
                kind = self.stems if one_word else self.exact
                kind[_is_cased(pattern)].setdefault(lead.group(), []).append(
                    (ti, k, (middle, begins, anywhere))
                )
        # Per casing, the text words worth looking up: those whose first characters begin some
        # leading word or another word an exact entry needs (in the text as written, only the
        # capitals of the acronyms, mostly), as one capturing group: ``findall`` returns them.
        splitters = tuple(
            _words_starting(
                {*s, *e, *(w for es in e.values() for _, _, (m, b, _) in es for w in (*m, b) if w)}
            )
            for s, e in zip(self.stems, self.exact, strict=True)
        )
        # Then the same patterns for ASCII text (``\w`` is the same there, and cheaper to test).
        self.splitters = (*splitters, *(re.compile(p.pattern, re.ASCII) for p in splitters))
        # The literals an exact entry needs a text word to begin with (``begins``), per casing.
        self.begins = tuple({entry[2][1] for es in e.values() for entry in es} - {""} for e in self.exact)
        # Per casing, the stems and the ``begins`` literals as a tree of their characters: a text
        # word is walked one character at a time, only while its prefix begins one of them (most
        # words leave after a letter or two); see _word_entries.
        self.tries = tuple(_prefix_trie(s, b) for s, b in zip(self.stems, self.begins, strict=True))
        # Per casing: text word -> (the stem entries it leads to, the ``begins`` literals it
        # begins with); see candidates.
        self._memo: list[_Memo] = [_Memo(), _Memo()]
        # The exact entries' leading words as sets: intersecting a set with a dict walks the dict.
        self.exact_words = tuple(frozenset(e) for e in self.exact)

    def _word_entries(self, word: str, cased: bool) -> tuple[tuple[Any, ...], tuple[str, ...]]:
        """The stem entries a text word leads to (those of each of its prefixes that is a stem),
        and the ``begins`` literals of exact entries that it begins with, shortest prefix first.

        A walk down ``tries``, one character of the word a level: a word's characters (shared
        strings with their hash kept, for Latin-1) are looked up where each prefix cut off the
        word was a new string to hash (a test holds the walk equal to looking up every prefix)."""
        node = self.tries[cased]
        found: list[tuple[int, int, Any]] = []
        starts: list[str] = []
        for char in word:
            child = node[0].get(char)
            if child is None:
                break
            node = child
            if node[1]:
                found.extend(node[1])
            if node[2]:
                starts.append(node[2])
        return tuple(found), tuple(starts)

    def candidates(self, folded: str, raw: str) -> dict[int, dict[int, list[int] | None]]:
        """Topic index -> term index (in ``weighted``) -> where a match may start (None: anywhere)."""
        out: dict[int, dict[int, list[int] | None]] = {
            ti: dict.fromkeys(ks) for ti, ks in self.always.items()
        }
        for cased, text in ((False, folded), (True, raw)):
            exact = self.exact[cased]
            if not self.stems[cased] and not exact:
                continue
            # The distinct text words worth looking up, each a whole run of word characters (on
            # ASCII text by the ASCII form of the pattern: the same runs, with a cheaper test of
            # what a word character is).
            ascii = text.isascii()
            if ascii and not cased:
                # Folded ASCII text: all its runs, cut at the other characters by str.translate
                # and str.split at about half the pattern's cost (0.05 against 0.09 ms a bench
                # page); the pattern keeps nearly all of them there anyway, and a run it leaves
                # out begins no leading word: no entry, no change.
                distinct = set(text.translate(_ASCII_NON_WORD).split())
            else:
                distinct = set(self.splitters[cased + 2 if ascii else cased].findall(text))
            # A word's stem entries depend on the word alone: worked out once per distinct word
            # and kept (most words of an article were in earlier ones). Walking each word's
            # prefixes was the biggest part of tagging.
            memo = self._memo[cased]  # this call's memo, even if another thread replaces it
            new = distinct.difference(memo.seen)
            for word in new:
                stems, literals = self._word_entries(word, cased)
                if stems:
                    memo.stems[word] = stems
                if literals:
                    memo.begins[word] = literals
            memo.seen.update(new)  # last: a word seen is one whose entries are in place
            if len(memo.seen) > _MEMO_WORDS:
                self._memo[cased] = _Memo()  # a bound on a long run's vocabulary
            # (``filter`` with the dict's ``__contains__``: ``set.intersection`` would walk the dict.)
            leads: dict[str, list[tuple[int, int, tuple[tuple[str, ...], str, str]]]] = {
                word: list(memo.stems[word]) for word in filter(memo.stems.__contains__, distinct)
            }
            heads = distinct.intersection(self.exact_words[cased])
            # The ``begins`` literals some text word begins with.
            begun: set[str] = set()
            if heads:
                begun.update(*map(memo.begins.__getitem__, filter(memo.begins.__contains__, distinct)))
            for word in heads:
                for entry in exact[word]:
                    middle, begins, anywhere = entry[2]
                    if (begins and begins not in begun) or not distinct.issuperset(middle):
                        continue
                    if anywhere and anywhere not in text:
                        continue
                    leads.setdefault(word, []).append(entry)
            if not leads:
                continue
            # Where the leading words are: a zone has one or two of them, so each is found with
            # ``str.find`` rather than every word's position worked out.
            for word, terms in leads.items():
                at = _whole_word_starts(text, word)
                for ti, k, _ in terms:
                    where = out.setdefault(ti, {}).setdefault(k, [])
                    assert where is not None  # indexed terms are never in ``always``
                    where.extend(at)
        return out


def _whole_word_starts(text: str, word: str) -> list[int]:
    """Where ``word`` (word characters) stands in ``text`` as a whole run of word characters (as
    ``re``'s ``\\w`` has them: letters, digits and ``_``), in order."""
    out = []
    end = len(text)
    at = text.find(word)
    while at >= 0:
        after = at + len(word)
        if (at == 0 or not _word_char(text[at - 1])) and (after == end or not _word_char(text[after])):
            out.append(at)
        at = text.find(word, at + 1)
    return out


def _word_char(char: str) -> bool:
    """Whether ``re`` takes ``char`` for ``\\w`` (its test: alphanumeric, or ``_``)."""
    return char.isalnum() or char == "_"


# A node of a term index's prefix tree: the next character -> its node; the stem entries of the
# prefix that leads to it (() for none); the ``begins`` literal that prefix is ("" for none).
_Node = tuple[dict[str, "_Node"], tuple[Any, ...], str]


def _prefix_trie(stems: dict[str, list[Any]], begins: Collection[str]) -> _Node:
    """The tree of every prefix of ``stems`` (leading words -> their entries) and ``begins``."""
    root: _Node = ({}, (), "")
    for key in (*stems, *begins):
        node = root
        for n, char in enumerate(key, 1):
            child = node[0].get(char)
            if child is None:
                prefix = key[:n]
                child = node[0][char] = ({}, tuple(stems.get(prefix, ())), prefix if prefix in begins else "")
            node = child
    return root


@dataclass(slots=True)
class _Memo:
    """What a term index knows of the text words it has met: the stem entries each leads to and
    the ``begins`` literals each begins with (only words that have some), and every word looked at."""

    seen: set[str] = field(default_factory=set)
    stems: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    begins: dict[str, tuple[str, ...]] = field(default_factory=dict)


# Distinct words whose stem entries a term index keeps (a few MB at most).
_MEMO_WORDS = 200_000


def _words_starting(leads: Collection[str]) -> re.Pattern[str]:
    """The text's ``\\w+`` runs that may begin with one of ``leads`` (words), whole, as a group:
    their first character begins a lead, and their second continues a lead when it is longer.

    Written to open with the first character and look behind it afterwards (as ``entities._NAME``
    is), so that the regex engine skips from one such character to the next instead of trying the
    lookbehind at every position: three times faster on the text as written.
    """
    if not leads:
        return re.compile(r"((?!))")

    def chars(cs: Collection[str]) -> str:
        return "[" + "".join(re.escape(c) for c in sorted(cs)) + "]"

    short = {w for w in leads if len(w) == 1}
    longer = {w for w in leads if len(w) > 1 and w[0] not in short}
    first = chars({w[0] for w in leads}) + r"(?<!\w.)"
    if not longer:
        return re.compile(rf"({first}\w*)")
    second = chars({w[1] for w in longer}) + r"\w*"
    if not short:
        return re.compile(rf"({first}{second})")
    # A word whose first character is a one-character lead is read whatever follows it.
    return re.compile(rf"({first}(?:(?<={chars(short)})\w*|{second}))")


def _alternates(src: str) -> bool:
    """Whether a regex has a ``|`` outside any group: then no literal starts every match."""
    return len(top_level_alternatives(src)) > 1


def _matches(pattern: Pattern, text: str, starts: list[int] | None) -> list[re.Match[str]]:
    """``pattern.finditer(text)``, trying only the given start positions when there are some."""
    if starts is None:
        return list(pattern.finditer(text))
    out: list[re.Match[str]] = []
    end = 0
    for at in sorted(starts):
        if at < end:  # inside the previous match: finditer resumes after it
            continue
        m = pattern.match(text, at)  # the lookbehind still sees the text before ``at``
        if m is not None:
            out.append(m)
            end = m.end()
    return out


def _term_index(taxonomy: Taxonomy) -> _TermIndex:
    """The taxonomy's term index, built once (a taxonomy is loaded once per run)."""
    index = taxonomy._index.get("terms")
    if index is None:
        index = taxonomy._index["terms"] = _TermIndex(taxonomy)
    return index


@lru_cache(maxsize=65536)
def _literal(pattern: Pattern) -> str:
    """The plain text every match of ``pattern`` contains at its start ("" when unknown).

    A substring test on it skips most regex searches: a taxonomy has thousands of terms and an
    article mentions few of them.
    """
    prefix = r"(?<![\w])"
    if not pattern.pattern.startswith(prefix) or pattern.flags & re.IGNORECASE:
        return ""  # a user's regex: alternations and flags make any prefix unsafe
    return regex_literal_prefix(pattern.pattern.removeprefix(prefix))


def _threshold(taxonomy: Taxonomy, topic_id: str) -> float:
    own = taxonomy.by_id[topic_id].threshold
    return taxonomy.threshold if own is None else own


def tag_articles(articles: Sequence[Article], taxonomy: Taxonomy) -> list[TopicTag]:
    return [tag for art in articles for tag in tag_article(art, taxonomy)]
