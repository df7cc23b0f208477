"""Named-entity candidates: capitalised names in running text, normalised within an article.

A name is a run of capitalised words (with inner connectors like "of", "bin", "al-"), or an
acronym. Sentence-initial function words and months are not names. Within one article a short
form that ends a longer name ("Dar" after "Ishaq Dar") counts as the longer name. Stories use these
as evidence; the topics stage may add kinds and aliases from a gazetteer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from newswatch.text import fold, regex_literal_prefix

if TYPE_CHECKING:
    from newswatch.entities.gazetteer import Place

_NAME = re.compile(
    # By definition (?<![\w'’])((?:[A-Z][\w'’\-]*[\w]|[A-Z]{2,}|[A-Z])(?:...)*): the same, written
    # to open with the capital (the lookbehind then checks the character before it) so that the
    # regex engine jumps from capital to capital instead of trying the lookbehind at every
    # character; the three alternatives share their first capital. About 4x faster than the
    # definition, a third faster than opening with a (?=[A-Z]) lookahead.
    r"([A-Z](?<![\w'’].)(?:[\w'’\-]*[\w]|[A-Z]+|)"
    r"(?:\s+(?:(?:of|the|de|del|la|al|bin|van|von|der|da)\s+)?(?:[A-Z][\w'’\-]*[\w]|[A-Z]{2,}))*)"
)
# Capitalised because they start a sentence or are calendar words, not because they are names.
_NOT_NAMES = frozenset(
    """a an the this that these those it its in on at by for from to of and or but if as with
    while when where which who whom whose what why how after before during despite although
    though both each every all any some many most more several other another such no not nor
    yet so also he she they we you i his her their our your my me him them us there here
    then thus however meanwhile moreover furthermore according since until unless because
    again still even only just mr mrs ms dr prof sir monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september
    october november december today yesterday tomorrow read more share comments comment
    photo image video advertisement update updated
    """.split()
)
_POSSESSIVE = re.compile(r"['’]s$")
# Titles and roles before a person's name: "Chinese Foreign Minister Wang Yi" names Wang Yi.
_ROLES = frozenset(
    """minister prime deputy foreign interior defence defense finance president vice secretary
    general chairman chairwoman chair spokesman spokeswoman spokesperson chief senator
    governor mayor king queen prince princess ambassador envoy commander lieutenant colonel
    major captain judge justice leader premier chancellor sheikh emir pope bishop director
    ceo professor mr mrs ms dr sir lord lady gen col capt sgt rep sen gov
    """.split()
)
_MAX_WORDS = 6


# Memoised: the same capitalised runs recur within an article and across a batch, and both
# ``extract_names`` and the places pass of ``extract_entities`` clean every one of them. The
# memoised name steps below keep 8-16k recent names each (a few MB at most).
@lru_cache(maxsize=16384)
def _clean_name(raw: str) -> str | None:
    name = _POSSESSIVE.sub("", raw.strip(" -'’"))
    parts = name.split()
    while parts and parts[0].lower() in _NOT_NAMES:
        parts = parts[1:]
    while parts and parts[-1].lower() in {"of", "the", "and", "de", "al"}:
        parts = parts[:-1]
    roles = [i for i, p in enumerate(parts) if p.lower().rstrip(".") in _ROLES]
    if roles and roles[-1] < len(parts) - 1:
        parts = parts[roles[-1] + 1 :]
    elif roles:  # a role alone ("Foreign Minister") is not a name
        return None
    if not parts or len(parts) > _MAX_WORDS:
        return None
    name = " ".join(parts)
    if len(name) < 2 or name.lower() in _NOT_NAMES or name.isdigit():
        return None
    return name


_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n\s*)$")
_SPLIT_POSSESSIVE = re.compile(r"['’]s\s+")


def extract_names(text: str) -> Counter[str]:
    """Counts of candidate names in ``text``, short forms merged into the longer names they end.

    A single word seen only at the start of sentences ("Reiterating", "Satisfaction") is not a
    name; a short form merges into a longer name only when the longer one came first ("Ishaq
    Dar ... Dar"), as writers introduce people.
    """
    counts: Counter[str] = Counter()
    first_at: dict[str, int] = {}
    mid_sentence: set[str] = set()
    for m in _NAME.finditer(text):
        for offset, name in _names_in(m.group(1)):
            start = m.start(1) + offset
            counts[name] += 1
            first_at.setdefault(name, start)
            if name not in mid_sentence and (
                offset or not _SENTENCE_START.search(text[max(0, start - 3) : start])
            ):
                mid_sentence.add(name)
    for name in list(counts):
        if " " not in name and not name.isupper() and name not in mid_sentence:
            del counts[name]
    # Names of two or three words by their last word, in order of first mention.
    ending: dict[str, list[str]] = {}
    for n in counts:
        if " " in n:
            parts = n.split()
            if len(parts) <= 3:
                ending.setdefault(parts[-1], []).append(n)
    for short in [n for n in counts if " " not in n]:
        longer = [n for n in ending.get(short, ()) if first_at[n] < first_at[short]]
        if len(longer) == 1:
            counts[longer[0]] += counts.pop(short)
    return counts


@lru_cache(maxsize=16384)
def _names_in(raw: str) -> tuple[tuple[int, str], ...]:
    """The names in a capitalised run (cleaned ``_pieces``), with offsets."""
    return tuple((offset, name) for offset, piece in _pieces(raw) if (name := _clean_name(piece)))


@lru_cache(maxsize=16384)
def _pieces(raw: str) -> tuple[tuple[int, str], ...]:
    """Split "China’s Xinjiang" into "China" and "Xinjiang", with offsets."""
    if "s" not in raw:  # no possessive to split at
        return ((0, raw),)
    out, pos = [], 0
    for m in _SPLIT_POSSESSIVE.finditer(raw):
        out.append((pos, raw[pos : m.start()]))
        pos = m.end()
    out.append((pos, raw[pos:]))
    return tuple(out)


_KEY_SPACES = re.compile(r"[\s\-]+")


@lru_cache(maxsize=16384)
def entity_key(name: str) -> str:
    """The matching form of a name: folded, hyphens and spaces alike."""
    return _KEY_SPACES.sub(" ", fold(name)).strip()


# ---- entities: one name per person, organisation or place, with aliases ----

KINDS = ("person", "organisation", "place", "other")
# Words that make a capitalised name an organisation rather than a person.
_ORG_WORDS = frozenset(
    """party ministry council bank inc corp corporation company co ltd plc llc university
    organisation organization army forces force navy group committee agency association union league
    front movement department office court assembly parliament senate congress commission institute
    foundation federation authority board times news post tribune network airlines airways fund nations
    club college school service services command police corridor corps brigade jamaat lashkar
    tehreek tehrik government administration bureau centre center council directorate
    """.split()
)


@dataclass(frozen=True, slots=True)
class EntityRule:
    """A watchlist entity: its one name, kind, country and the other names writers use."""

    entity_id: str
    name: str
    kind: str
    country_code: str | None = None
    aliases: tuple[str, ...] = ()

    def patterns(self) -> list[tuple[int, re.Pattern[str], bool]]:
        return _rule_patterns(self.name, self.kind, self.aliases)


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity found in an article, with how often it is mentioned."""

    entity_id: str
    name: str
    kind: str  # person | organisation | place | other
    mentions: int
    country_code: str | None = None
    aliases: tuple[str, ...] = ()


_NON_WORD = re.compile(r"[^\w]+")


def slug(name: str) -> str:
    return _NON_WORD.sub("-", entity_key(name)).strip("-")


@lru_cache(maxsize=4096)
def _rule_patterns(name: str, kind: str, aliases: tuple[str, ...]) -> list[tuple[int, re.Pattern[str], bool]]:
    """(length, pattern, lone) for a rule's name and aliases; ``lone`` marks a person's bare surname.

    All-capital aliases ("TTP") match case-sensitively, other names ignore case, quotes and dashes.
    """
    out = []
    for alias in sorted({name, *aliases}, key=len, reverse=True):
        words = [re.escape(w) for w in re.split(r"[\s\-]+", alias) if w]
        body = r"[\s\-]+".join(words)
        flags = 0 if alias.isupper() else re.IGNORECASE
        pat = re.compile(rf"(?<![\w\-]){body}(?:['’]s)?(?![\w\-])", flags)
        lone = kind == "person" and len(words) == 1 and " " in name
        out.append((len(alias), pat, lone))
    return out


# The only characters that match an ASCII letter case-insensitively in ``re``: "İ", "ı", "ſ" and
# the Kelvin sign. A text without them contains an ASCII name (any case) only if its lower-case
# form contains the name's lower-case form, so a substring test can skip the regex safely.
_FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")
_FOLDS_TO_ASCII_CHAR = re.compile("[" + "".join(sorted(_FOLDS_TO_ASCII)) + "]")
_ALIAS_START = r"(?<![\w\-])"


@lru_cache(maxsize=65536)
def _leading_literal(pattern: re.Pattern[str]) -> str:
    """The text every match of an alias pattern starts with (its first word; "" when unknown)."""
    if not pattern.pattern.startswith(_ALIAS_START):
        return ""
    return regex_literal_prefix(pattern.pattern.removeprefix(_ALIAS_START))


def parse_entity_rules(raw: Any, *, text: str = "", path: str | None = None) -> tuple[EntityRule, ...]:
    """Validate ``[[entity]]`` tables (name, kind, country, aliases); errors name file and line."""
    from newswatch.errors import ConfigError
    from newswatch.settings import locate_key

    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError("entity must be an array of tables: [[entity]]", path=path)
    rules: list[EntityRule] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):

        def fail(key: str | None, reason: str, i: int = i) -> ConfigError:
            loc: tuple[Any, ...] = ("entity", i, key) if key else ("entity", i)
            return ConfigError(reason, path=path, line=locate_key(text, loc) if text else None)

        unknown = sorted(set(item) - {"name", "kind", "country", "aliases", "id"})
        if unknown:
            raise fail(unknown[0], f"unknown key {unknown[0]!r} in [[entity]]")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail("name", "entity name must be a non-empty string")
        kind = item.get("kind", "other")
        if kind not in KINDS:
            raise fail("kind", f"entity kind must be one of {', '.join(KINDS)}: {kind!r}")
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise fail("aliases", "aliases must be a list of non-empty strings")
        code = item.get("country")
        if code is not None:
            from newswatch.entities.gazetteer import country

            if not isinstance(code, str) or country(code) is None:
                raise fail("country", f"country must be an ISO 3166 alpha-2 code like 'PK': {code!r}")
            code = code.upper()
        if kind == "place" and code and item.get("id") is None and len(name.split()) <= 3:
            from newswatch.entities.gazetteer import lookup

            place = lookup(name)
            entity_id = place.entity_id if place and place.country_code == code else f"place:{slug(name)}"
        else:
            entity_id = str(item.get("id") or f"{kind}:{slug(name)}")
        if entity_id in seen:
            raise fail("name", f"entity {name!r} is defined twice")
        seen.add(entity_id)
        rules.append(EntityRule(entity_id, name.strip(), kind, code, tuple(a.strip() for a in aliases)))
    return tuple(rules)


# Last words that make a name a place ("Gwadar Port", "Karakoram Highway", "South China Sea").
_PLACE_WORDS = frozenset(
    """port harbour harbor highway motorway road pass sea ocean gulf bay river lake valley mountain
    mountains hills desert island islands province region district city county state border strait
    airport dam canal peninsula plateau corridor""".split()
)
_COMPASS = frozenset("north south east west northern southern eastern western upper lower central".split())
# Capitalised common nouns of official names: no person is called "Strategic Dialogue".
_COMMON = frozenset(
    """plan dialogue round era future station initiative agreement summit day week year strategy policy
    programme program project vision community forum conference declaration charter treaty accord
    act bill law award prize cup games fund partnership cooperation pact meeting session report index
    """.split()
)


def _kind_of(name: str, common: Container[str] = frozenset()) -> str:
    """Guess a capitalised name's kind from its words; ``common`` holds words the text also uses in
    lower case (so they are ordinary words there, not parts of a person's name)."""
    kind, folded = _kind_by_words(name)
    if folded and any(w in common for w in folded):
        return "other"
    return kind


_ACRONYM = re.compile(r"[A-Z]{2,6}")


@lru_cache(maxsize=8192)
def _kind_by_words(name: str) -> tuple[str, tuple[str, ...]]:
    """``_kind_of`` without the text: the kind, and for a person the folded words that make it
    "other" instead when the text also uses one of them in lower case."""
    words = name.replace("-", " ").split()
    folded = [w.casefold().strip(".") for w in words]
    if len(folded) == 2 and folded[0] in _COMPASS:  # "West Bank", "South Waziristan"
        return "place", ()
    if any(w in _ORG_WORDS for w in folded):
        return "organisation", ()
    if folded and folded[-1] in _PLACE_WORDS:
        return "place", ()
    if _ACRONYM.fullmatch(name.replace(".", "")):  # "TTP", "U.N."; not "COVID-19"
        return "organisation", ()
    if (
        2 <= len(words) <= 3
        and all(w[:1].isupper() and w.replace("'", "").isalpha() for w in words)
        and not any(w in _COMMON for w in folded)
        # Many surnames are also towns ("Warren", "Jackson"): only a country rules a person out.
        and not any((p := _lookup(w)) and p.is_country for w in words)
    ):
        return "person", tuple(folded)
    return "other", ()


@lru_cache(maxsize=16384)
def _lookup(name: str) -> Place | None:
    """``gazetteer.lookup``, memoised: an article asks for the same names many times."""
    from newswatch.entities.gazetteer import lookup

    return lookup(name)


@lru_cache(maxsize=16384)
def _places_named(piece: str) -> tuple[str, tuple[Place, ...]] | None:
    """The places a capitalised run names ("Gwadar Port" is Gwadar, "China-Pakistan" both), with
    the cleaned name, or None when it names none."""
    name = _clean_name(piece)
    if not name:
        return None
    words = name.split()
    if _lookup(name):
        parts = [name]
    elif len(words) > 1 and words[-1].casefold() in _PLACE_WORDS and _lookup(" ".join(words[:-1])):
        parts = [" ".join(words[:-1])]  # "Gwadar Port" is a mention of Gwadar
    else:
        parts = name.split("-")  # "China-Pakistan": both, when both are places
    places = [_lookup(p) for p in parts]
    if not all(places):
        return None
    return name, tuple(p for p in places if p is not None)


# (rule index, pattern, lone, ignores case, lead, lead in lower case when it is ASCII else None)
_Alias = tuple[int, re.Pattern[str], bool, bool, str, str | None]
# The last rules' table: a run passes the same taxonomy's rules for every article.
_last_table: tuple[Sequence[EntityRule], tuple[_Alias, ...]] = ((), ())


def _alias_table(rules: Sequence[EntityRule]) -> tuple[_Alias, ...]:
    """Every alias pattern of ``rules``, longest first (ties in rule order), with what the match
    loop tests per pattern worked out once per set of rules instead of once per article."""
    global _last_table
    cached = _last_table  # one read: another thread may replace it meanwhile
    if cached[0] is rules and isinstance(rules, tuple):  # a list could have changed since
        return cached[1]
    # Longest alias first across all rules: "Tehrik-e-Taliban Pakistan" is not also "Taliban".
    every = sorted(
        ((length, i, pat, lone) for i, r in enumerate(rules) for length, pat, lone in r.patterns()),
        key=lambda t: (-t[0], t[1]),
    )
    table = []
    for _, i, pat, lone in every:
        lead = _leading_literal(pat)
        table.append(
            (i, pat, lone, bool(pat.flags & re.IGNORECASE), lead, lead.lower() if lead.isascii() else None)
        )
    out = tuple(table)
    _last_table = (rules, out)
    return out


def _finditer(pat: re.Pattern[str], text: str, where: tuple[str, str] | None) -> list[re.Match[str]]:
    """``pat.finditer(text)``, trying only where ``where`` = (text or its lower-case form, lead)
    finds the lead every match starts with: a regex that opens with a lookbehind cannot skip ahead
    on its own, and scanning a body with each alias was most of this stage's cost."""
    if where is None or not where[1]:
        return list(pat.finditer(text))
    haystack, lead = where
    out: list[re.Match[str]] = []
    end = 0
    at = haystack.find(lead)
    while at >= 0:
        if at >= end:  # finditer resumes after a match
            m = pat.match(text, at)  # the lookbehind still sees the text before ``at``
            if m is not None:
                out.append(m)
                end = m.end()
        at = haystack.find(lead, at + 1)
    return out


class _LowerWords:
    r"""The words written in lower case in a text (runs of a-z between characters that are not word
    characters, apostrophes or hyphens), as a container: ``set(re.findall(r"(?<![\w'’\-])[a-z]+
    (?![\w'’\-])", text))`` for the few words an article asks about, without splitting the text."""

    __slots__ = ("_known", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._known: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = (
                word.isascii() and word.isalpha() and word.islower() and self._stands(word)
            )
        return known

    def _stands(self, word: str) -> bool:
        text, n = self._text, len(word)
        at = text.find(word)
        while at >= 0:
            if not (at and _joins(text[at - 1])) and not (at + n < len(text) and _joins(text[at + n])):
                return True
            at = text.find(word, at + 1)
        return False


def _joins(char: str) -> bool:
    """Whether ``char`` continues a word for ``_LowerWords``: a word character (what ``\\w``
    matches: alphanumeric or "_"), an apostrophe or a hyphen."""
    return char.isalnum() or char in "_'’-"


def extract_entities(title: str, body: str, rules: Sequence[EntityRule] = ()) -> list[Entity]:
    """People, organisations and places in an article, one row per entity with its mention count.

    Watchlist rules match first (longest alias first, each span counted once; a person's bare
    surname counts only when the full name is also there). Remaining capitalised names are
    resolved against the gazetteer (places, with their country) or typed by their words.
    """
    text = f"{title}.\n{body}"
    masked: list[str] | None = None  # the text's characters, once a pattern masks some
    found: dict[str, Entity] = {}
    counts: Counter[str] = Counter()
    meta: dict[str, tuple[str, str, str | None, tuple[str, ...]]] = {}

    hits: Counter[int] = Counter()
    lone_hits: Counter[int] = Counter()
    current = text  # "".join(masked), rebuilt only when a pattern masked something
    lowered = text.lower()
    # (A regex finds the few characters faster than a set intersection walks the text.)
    plain = (text.isascii() or not _FOLDS_TO_ASCII_CHAR.search(text)) and len(lowered) == len(text)
    current_lowered = lowered
    in_lowered: dict[str, bool] = {}  # aliases share leads ("Islamic", "Taliban"): one scan each
    for i, pat, lone, ignore_case, lead, lead_lower in _alias_table(rules):
        if ignore_case:
            if plain and lead_lower is not None:
                there = in_lowered.get(lead_lower)
                if there is None:
                    there = in_lowered[lead_lower] = lead_lower in lowered
                if not there:
                    continue
            # Where the lead occurs, case aside: a plain text's lower-case form has the same
            # positions (no character there lower-cases to two or to an ASCII letter).
            where = (current_lowered, lead_lower) if plain and lead_lower is not None else None
        elif lead not in text:
            continue
        else:
            where = (current, lead)
        changed = False
        for m in _finditer(pat, current, where):
            if masked is None:
                masked = list(text)
            masked[m.start() : m.end()] = "|" * (m.end() - m.start())
            hits[i] += 1
            lone_hits[i] += lone
            changed = True
        if changed and masked is not None:
            current = "".join(masked)
            current_lowered = current.lower()
    for i, n in hits.items():
        if n > lone_hits[i]:  # a bare surname alone does not name the person
            rule = rules[i]
            counts[rule.entity_id] += n
            meta[rule.entity_id] = (rule.name, rule.kind, rule.country_code, rule.aliases)
    rest = "".join(masked) if masked is not None else text

    # Places anywhere (sentence starts included): the gazetteer is the evidence, not the position.
    sure: set[str] = set()
    for m in _NAME.finditer(rest):
        for offset, piece in _pieces(m.group(1)):
            named = _places_named(piece)
            if named is not None:
                places = named[1]
                a = m.start(1) + offset
                # "Reading the report", "Nice try": a one-word city opening a body sentence may be
                # an ordinary word; it counts when it is also named elsewhere.
                opening = a > len(title) and bool(_SENTENCE_START.search(rest[max(0, a - 3) : a]))
                for place in places:
                    counts[place.entity_id] += 1
                    meta[place.entity_id] = (place.name, "place", place.country_code or None, ())
                    if not opening or not place.is_city or " " in place.name:
                        sure.add(place.entity_id)
                # Blank it so the name pass below does not count it again.
                masked_rest = rest[:a] + "|" * len(piece) + rest[a + len(piece) :]
                rest = masked_rest
    for eid in [e for e in counts if e.startswith("geonames:") and e not in sure]:
        del counts[eid]
    lower = _LowerWords(rest)
    for name, n in extract_names(rest).items():
        if "|" in name:
            continue
        kind = _kind_of(name, lower)
        if kind == "other" and " " not in name and name.casefold() in lower:
            continue  # "Ministers", "Plan": a common word of this text, capitalised in a heading
        eid = f"{kind}:{slug(name)}"
        code = None
        if kind == "place":  # "Gwadar Port" is in the country Gwadar is in
            first = _lookup(name.split()[0])
            code = first.country_code if first else None
        if eid in meta and meta[eid][0] != name:  # same slug, other spelling: keep the first
            name = meta[eid][0]
        counts[eid] += n
        meta[eid] = (name, kind, code, ())
    for eid, n in counts.items():
        name, kind, code, aliases = meta[eid]
        found[eid] = Entity(eid, name, kind, n, code, aliases)
    return sorted(found.values(), key=lambda e: (-e.mentions, e.name))
