"""Watchlist entities: ``[[entity]]`` rules (one name, kind, country, aliases), their validation,
and the alias patterns ``extract_entities`` matches first (longest alias first)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ahocorasick

from newswatch.text import fold, regex_literal_prefix

KINDS = ("person", "organisation", "place", "other")

_KEY_SPACES = re.compile(r"[\s\-]+")


@lru_cache(maxsize=16384)
def entity_key(name: str) -> str:
    """The matching form of a name: folded, hyphens and spaces alike."""
    return _KEY_SPACES.sub(" ", fold(name)).strip()


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


_NON_WORD = re.compile(r"[^\w]+")


def slug(name: str) -> str:
    if name.isascii() and name.replace(" ", "").isalnum() and "  " not in name and name.strip() == name:
        # ASCII letters and digits, one space between words (most names): what the substitutions
        # below make of them, at once
        return name.lower().replace(" ", "-")
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


# (rule index, pattern, lone, ignores case, lead, lead in lower case when it is ASCII else None)
_Alias = tuple[int, re.Pattern[str], bool, bool, str, str | None]


@dataclass(frozen=True, slots=True)
class AliasTable:
    """Every alias pattern of a set of rules, longest first, and an Aho-Corasick automaton of their
    leads in lower case and of the caller's other words (``lead_starts``)."""

    aliases: tuple[_Alias, ...]
    # ahocorasick.Automaton: word -> (the lead it is, else None; the caller's value for it, else
    # None); None when there are no words
    leads: Any
    # ASCII lead -> the indices in ``aliases`` of the aliases it leads; the indices of those
    # without one (``lead_starts`` cannot place them)
    by_lead: dict[str, tuple[int, ...]] = field(default_factory=dict)
    unplaced: tuple[int, ...] = ()

    def tried(self, starts: dict[str, list[int]] | None) -> Iterable[_Alias]:
        """The aliases worth trying on a text whose leads are at ``starts`` (``lead_starts``; None:
        not placed, all of them), in table order: an alias whose lead the text lacks cannot match."""
        if starts is None:
            return self.aliases
        at = sorted([*self.unplaced, *(i for lead in starts for i in self.by_lead.get(lead, ()))])
        return [self.aliases[i] for i in at]


# The last rules' table: a run passes the same taxonomy's rules for every article.
_last_table: tuple[Sequence[EntityRule], tuple[tuple[str, Any], ...], AliasTable] = (
    (),
    (),
    AliasTable((), None),
)


def _alias_table(rules: Sequence[EntityRule], also: tuple[tuple[str, Any], ...] = ()) -> AliasTable:
    """Every alias pattern of ``rules``, longest first (ties in rule order), with what the match
    loop tests per pattern worked out once per set of rules instead of once per article.
    ``also``: other (word in lower case, value) pairs that ``lead_starts`` finds in the same pass
    over a text (each pass reads every character of it)."""
    global _last_table
    cached = _last_table  # one read: another thread may replace it meanwhile
    if cached[0] is rules and cached[1] is also and isinstance(rules, tuple):  # a list could have changed
        return cached[2]
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
    words: dict[str, tuple[str | None, Any]] = {
        lead: (lead, None) for lead in sorted({t[5] for t in table if t[5]})
    }
    for word, value in also:
        words[word] = (words.get(word, (None, None))[0], value)
    by_lead: dict[str, list[int]] = {}
    for k, t in enumerate(table):
        if t[5]:
            by_lead.setdefault(t[5], []).append(k)
    out = AliasTable(
        tuple(table),
        word_finder(words.items()) if words else None,
        {lead: tuple(ks) for lead, ks in by_lead.items()},
        tuple(k for k, t in enumerate(table) if not t[5]),
    )
    _last_table = (rules, also, out)
    return out


def word_finder(words: Iterable[tuple[str, Any]]) -> Any:
    """An Aho-Corasick automaton of (word, value) pairs: its ``iter(text)`` yields (index of the
    last character, value) for every occurrence of every word, in one pass over ``text``."""
    automaton = ahocorasick.Automaton()
    for word, value in words:
        automaton.add_word(word, value)
    automaton.make_automaton()
    return automaton


def lead_starts(table: AliasTable, lowered: str) -> tuple[dict[str, list[int]], list[tuple[int, Any]]]:
    """Where each ASCII lead of ``table`` occurs in ``lowered`` (a text in lower case), ascending;
    and (index of its last character, value) of each occurrence of the table's ``also`` words, in
    the order the pass meets their ends. One pass over the text for all of them, where a substring
    search per lead scanned it ~45 times an article."""
    out: dict[str, list[int]] = {}
    also: list[tuple[int, Any]] = []
    if table.leads is not None:
        for end, (lead, value) in table.leads.iter(lowered):
            if lead is not None:
                out.setdefault(lead, []).append(end - len(lead) + 1)
            if value is not None:
                also.append((end, value))
    return out, also


def matches_at(pat: re.Pattern[str], text: str, starts: Sequence[int]) -> list[re.Match[str]]:
    """``pat.finditer(text)`` when every match starts at one of ``starts`` (ascending): the pattern
    is tried there only, resuming after each match as finditer does."""
    out: list[re.Match[str]] = []
    end = 0
    for at in starts:
        if at >= end:
            m = pat.match(text, at)  # the lookbehind still sees the text before ``at``
            if m is not None:
                out.append(m)
                end = m.end()
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
