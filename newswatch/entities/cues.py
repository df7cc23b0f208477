"""Cues from the text around a capitalised name: whether it is a name at all, and its kind.

- Demonyms ("Chinese", "Israeli", "Somali American") are adjectives of a place, not entities: a
  word is one when a suffix rule turns it back into a country, continent or US state of the
  gazetteer ("Indonesian" is Indonesia + "n"), or it is a country's demonym in the packaged table
  (peoples.tsv: "Norwegian", "Cypriot", "New Zealander"), or one of the few irregular ones. The
  people of a city are named so too, in the plural ("New Yorkers", "Chicagoans"). A language's
  name ("Urdu", "Tagalog") names no entity alone either.
- Title-case lines (a headline or a heading written "Pregnant Women and Infants", no sentence)
  capitalise every word, so a capitalised word there is no evidence of a name: such lines are
  found here, and a name only they contain does not count.
- "the Indus River", "Sindh province", "the province of Sindh": a name followed (or preceded) by
  a word for a kind of place names a place wherever the article uses it.
- A dateline ("KHAN YOUNIS, Gaza — ...", "ST CATHERINE, Jamaica —") opens a line with a place in
  capitals, then a comma or a dash.
- "the company Showa Denko K.K.", "the militant group Hamas", "and The Intercept": a name right
  after a noun for a kind of organisation, or after "The" capitalised inside a sentence, names an
  organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from newswatch.entities.gazetteer import gazetteer, lookup, not_city_keys
from newswatch.entities.rules import word_finder

PEOPLES = Path(__file__).with_name("peoples.tsv")
GIVEN_NAMES = Path(__file__).with_name("given_names.txt")

# Adjectives of countries that no suffix rule derives from the country's name.
_IRREGULAR_DEMONYMS = frozenset(
    """french dutch swiss welsh irish scottish scots english greek thai spanish danish swedish
    finnish polish portuguese filipino british saudi saudis emirati emiratis kiwi kiwis lao""".split()
)
# Adjectives and nouns of faiths and of peoples that no country or region names: group adjectives,
# which the names guideline counts no more than demonyms ("Muslim", "Catholics", "Arab").
_GROUP_WORDS = frozenset(
    """muslim muslims christian christians catholic catholics jewish jews hindu hindus sikh sikhs
    buddhist buddhists protestant protestants islamic sunni sunnis shia shias shiite shiites
    evangelical evangelicals arab arabs latino latinos latina latinas hispanic hispanics kurdish
    kurds uyghur uyghurs uighur uighurs pashtun pashtuns soviet britons""".split()
)
# (suffix of the adjective, endings of the place name that replace it), tried in order.
_DEMONYM_RULES = (
    ("ians", ("ia", "", "e", "a", "y", "ium")),
    ("ian", ("ia", "", "e", "a", "y", "ium")),
    ("ines", ("ina",)),
    ("ine", ("ina",)),
    ("eses", ("", "a")),
    ("ese", ("", "a")),
    ("ans", ("a", "", "ia", "o", "as", "any")),
    ("an", ("a", "", "ia", "o", "as", "any")),
    ("is", ("", "istan")),
    ("i", ("", "istan", "ia", "a")),
    ("ish", ("ey", "", "ain", "and")),
    ("n", ("",)),
    ("s", ("",)),
    ("", ("istan", "stan")),
)

# The rules whose suffix a word's last letter may end, in order ("" ends every word).
_DEMONYM_RULES_ANY = tuple(rule for rule in _DEMONYM_RULES if not rule[0])
_DEMONYM_RULES_ENDING = {
    suffix[-1]: tuple(rule for rule in _DEMONYM_RULES if rule[0].endswith(suffix[-1]) or not rule[0])
    for suffix, _ in _DEMONYM_RULES
    if suffix
}


@lru_cache(maxsize=8192)
def is_demonym(word: str) -> bool:
    """Whether ``word`` ("Japanese", "Iraqis", "Afghan") is the adjective or people of a country,
    continent or US state (the gazetteer's, not its cities: "Susan" is not of Susa)."""
    w = word.strip(".'’")
    if len(w) < 4 or not w[:1].isupper() or not w.isalpha():
        return False
    # Letters only: the lookup form (``place_key``) of ``w``, and of a stem of it with an ending,
    # is the word case-folded; the gazetteer is read directly (``_is_demonym_by_lookup`` in the
    # tests is the same rule written with ``lookup``).
    low = w.casefold()
    if low in _IRREGULAR_DEMONYMS:
        return True
    if low in gazetteer():
        return False  # a place itself ("Oman", "Sudan")
    if low in _peoples().demonyms:  # "Norwegian", "Peruvians", "Korean" (of "South Korean")
        return True
    regions = not_city_keys()
    for suffix, endings in _DEMONYM_RULES_ENDING.get(low[-1], _DEMONYM_RULES_ANY):
        if not low.endswith(suffix) or len(low) - len(suffix) < 3:
            continue
        stem = w[: len(w) - len(suffix)].casefold()
        for ending in endings:
            if stem + ending in regions:
                return True
    return False


def all_demonyms(name: str, *, groups: bool = False) -> bool:
    """Whether every word of ``name`` is a demonym ("Somali American", "African Americans"), after a
    compass word that may open it ("South African", "North Korean"), or with ``groups`` also a group
    adjective of a faith or a people ("British Muslim", "Arabs"; not for a word that may be a given
    name: "Christian Eriksen")."""
    if name.isalpha():  # one word, no hyphen (most names): what the rest reads of it
        return is_demonym(name) or (groups and name.casefold() in _GROUP_WORDS)
    words = name.replace("-", " ").split()
    if len(words) > 1 and words[0].casefold() in _COMPASS_WORDS:
        words = words[1:]
    if len(words) > 1 and " ".join(words).casefold() in _peoples().demonyms:  # "Sri Lankan", "New Zealanders"
        return True
    for w in words:  # (a loop, not ``all`` over a generator: most names stop at their first word)
        if not (is_demonym(w) or (groups and w.strip(".'’").casefold() in _GROUP_WORDS)):
            return False
    return bool(words)


class _Peoples(NamedTuple):
    demonyms: frozenset[str]  # folded, singular and plural, of one word or more ("new zealanders")
    languages: frozenset[str]  # folded


@lru_cache(maxsize=1)
def _peoples() -> _Peoples:
    """The packaged table of countries' demonyms and languages' names (bench/build_peoples.py). A
    demonym counts in the plural too, and the last word of one that a compass word opens counts
    alone ("South Korean": "Korean", as "North Korean" is read without its "North")."""
    demonyms: set[str] = set()
    languages: set[str] = set()
    for line in PEOPLES.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        kind, _, word = line.split("\t")
        folded = word.casefold()
        if kind == "language":
            languages.add(folded)
            continue
        first, _, rest = folded.partition(" ")
        for form in [folded] + ([rest] if rest and first in _COMPASS_WORDS else []):
            demonyms.update((form, form + "s"))
    return _Peoples(frozenset(demonyms), frozenset(languages))


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """The packaged given names (bench/build_given_names.py), as written ("John", "Jean-Pierre")."""
    lines = GIVEN_NAMES.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def load_tables() -> None:
    """Read the packaged tables now (a few ms, once a process), so that the first article that needs
    one does not pay for it: ``extract_entities`` calls this first."""
    _peoples()
    _given_names()


def is_given_name(word: str) -> bool:
    """Whether ``word`` is a given name in the packaged table ("John", "Julie"), as written."""
    return word in _given_names()


def is_language(word: str) -> bool:
    """Whether ``word`` is the English name of a language with an ISO 639-1 code ("Urdu",
    "Tagalog"); places the gazetteer knows ("Tonga") are not in the table."""
    return word.casefold() in _peoples().languages


# Compass words that open a demonym as they open a country's name ("South African", "East Timorese").
_COMPASS_WORDS = frozenset("north south east west northern southern eastern western central".split())


# Suffixes that make the people of a city from its whole name ("Chicago" + "ans"); other endings
# ("Atlantans") are left out: they reach small places ("Republicans" of a "Republica").
_PEOPLE_SUFFIXES = ("ians", "ans", "ers", "ites")


@lru_cache(maxsize=8192)
def people_of_place(name: str) -> bool:
    """Whether ``name`` ("New Yorkers", "Chicagoans", "Londoners") is the people of a place of the
    gazetteer, a city included: a plural, so "Susan" is not of Susa."""
    if not name.endswith("s") or lookup(name) is not None:
        return False
    return any(
        name.endswith(suffix) and len(name) - len(suffix) >= 3 and lookup(name[: -len(suffix)]) is not None
        for suffix in _PEOPLE_SUFFIXES
    )


_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# Short words a title-case line may leave in lower case ("Birth in Gaza", "Pregnant Women and").
_SMALL = frozenset("a an and as at but by for from in into nor of on or per the to vs via with".split())
_MIN_TITLE_WORDS = 3


# A byline or a credit line ("By Nada Tawfik, BBC News, New York", "Source: CDC, ...") names people
# and organisations: capitals there are names, not a heading's.
_CREDIT_LINE = re.compile(
    r"(?:By|Source|Sources|Credit|Credits|Photo|Photos|Reporting|Written by):?[ \t]+[A-Z]"
)


_SENTENCE_END = ".!?,;:"


def is_title_case(line: str, *, headline: bool = False) -> bool:
    """Whether ``line`` is a heading in title case: at least three words that are not small words,
    all capitalised but at most one, and no sentence punctuation at its end (a ``headline`` may end
    with a full stop: the title is joined to the body with one). A byline or credit line is none."""
    text = line.strip()
    if headline:
        text = text.removesuffix(".")
    if not text or text[-1] in _SENTENCE_END or ". " in text or len(text) > 160 or _CREDIT_LINE.match(text):
        return False
    words = [w for w in _WORD.findall(text) if w.casefold() not in _SMALL]
    if len(words) < _MIN_TITLE_WORDS:
        return False
    return sum(not w[:1].isupper() for w in words) <= 1


# A quoted title inside a sentence: "implement the 'Action Plan to Foster an Even Closer ...'".
# The quote mark after a space or at the start: written to open with the mark (the lookbehind
# then checks the character before it), so the engine jumps from mark to mark (5x faster).
_QUOTED = re.compile(r"""['‘"“](?<![^\s]['‘"“])([A-Z][^'‘’"“”\n]{8,158})['’"”](?=[\s.,;:)]|$)""")


def title_case_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each title-case line of ``text``, whose first line is a headline, and of
    each title in title case quoted inside a line (the title of a plan, a report, a book)."""
    spans = []
    at = 0
    for i, line in enumerate(text.split("\n")):
        # (Most lines are sentences: one that ends with their punctuation is no heading at once.)
        if (i == 0 or line.rstrip()[-1:] not in _SENTENCE_END) and is_title_case(line, headline=i == 0):
            spans.append((at, at + len(line)))
        at += len(line) + 1
    if "'" in text or "‘" in text or '"' in text or "“" in text:
        quoted = [m.span(1) for m in _QUOTED.finditer(text) if is_title_case(m.group(1))]
        # A title quoted in a title-case line is in that line's span already.
        spans += [q for q in quoted if not any(a <= q[0] and q[1] <= b for a, b in spans)]
        spans.sort()
    return spans


# Words for kinds of place that writers put after a name ("Sindh province", "the Indus River") or
# before it with "of" ("the province of Sindh"), in either case; those that are also verbs or common
# words in lower case ("state", "pass", "port") count only capitalised.
_KIND_ANY_CASE = """province region district county prefecture governorate oblast territory river lake
    valley mountains hills desert island islands peninsula plateau gulf strait canal glacier city town
    village area""".split()
_KIND_CAPITALISED = "state pass port sea bay dam delta basin division mountain".split()
_KINDS = tuple((w, False) for w in _KIND_ANY_CASE) + tuple((w, True) for w in _KIND_CAPITALISED)
# (word, (word, whether it counts only capitalised)): what a finder of the words holds
PLACE_KIND_WORDS = tuple((kind[0], kind) for kind in _KINDS)
_KIND_FINDER = word_finder(PLACE_KIND_WORDS)
_CAP_WORD = r"(?:[A-Z][\w'’\-]*|(?:al|el|ad)-[A-Z][\w'’\-]*)"
_MAX_CUED_WORDS = 3
# The capitalised words right before a kind word (matched on the text before it, up to its end).
_WORDS_BEFORE = re.compile(rf"(?<![\w\-])((?:{_CAP_WORD}[ \t]+){{1,{_MAX_CUED_WORDS}}})$")
_WORDS_AFTER_OF = re.compile(
    rf"[ \t]+of[ \t]+(?:the[ \t]+)?({_CAP_WORD}(?:[ \t]+{_CAP_WORD}){{0,{_MAX_CUED_WORDS - 1}}})"
)
_LOOK_BACK = 80


def place_cued_names(
    text: str, lowered: str | None = None, found: Iterable[tuple[int, tuple[str, bool]]] | None = None
) -> frozenset[str]:
    """The names ``text`` calls places, case-folded: every run of one to three capitalised words
    that ends right before a word for a kind of place ("Sindh province", "Indus River": "sindh",
    "indus") or starts right after one and "of" ("the province of Sindh"). ``lowered``:
    ``text.lower()``, when the caller has it; ``found``: what a finder of ``PLACE_KIND_WORDS``
    finds in it, when the caller has it (``lowered`` as long as ``text``)."""
    out: set[str] = set()
    if found is None:
        if lowered is None:
            lowered = text.lower()
        # The kind words found in one Aho-Corasick pass: a substring search per word scanned the
        # text 34 times, and a regex alternation of them cost more than the rest of the stage.
        if len(lowered) != len(text):  # a character that lower-cases to two: positions would shift
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        found = _KIND_FINDER.iter(lowered)
    for last, (word, capitalised) in found:
        at, end = last - len(word) + 1, last + 1
        if (
            (not at or not _joins(text[at - 1]))
            and (end == len(text) or not _joins(text[end]))
            and (not capitalised or text[at].isupper())
        ):
            _cued_at(text, at, end, out)
    return frozenset(out)


# Nouns for kinds of organisation that writers put before a name ("Japanese company Showa Denko",
# "the militant group Hamas", "the broadcaster RTÉ").
_ORG_NOUNS = frozenset(
    """company firm group maker manufacturer retailer startup start-up bank lender insurer agency
    newspaper magazine website platform network broadcaster carrier airline publisher charity
    conglomerate""".split()
)
# Nouns for what an organisation has and a person or a place has not, right after its name
# ("Seagate shares", "Altria's subsidiary"); and, after its possessive only ("Facebook's users",
# "Apple's products"), nouns that a capitalised adjective may also take ("Muslim users",
# "Ayurvedic products"). Not words a person's name takes ("website", "officials", "members").
_ORG_AFTER = frozenset("shares shareholders subsidiary subsidiaries headquarters".split())
# Nouns for a kind of organisation right after a name that is a person's by its words, no possessive
# between ("the Emergency Lawyers group"): the name is the organisation's. Only for such names: after
# a place they say where an organisation is ("a Nairobi charity", "a Basel firm"), after other words
# what it is about ("an Aids charity"). Not "party" ("a Christmas party") nor "maker" ("the iPhone
# maker").
_KIND_AFTER = frozenset("group company firm agency charity militia conglomerate".split())
_ORG_AFTER_POSSESSIVE = _ORG_AFTER | frozenset(
    """customers subscribers users employees products devices app apps platform brand brands stores
    chairman chairwoman board executives""".split()
)
# Who speaks for an organisation, right after its name ("a Yukos spokesman", "a Uefa
# spokeswoman"); people have them too ("a Blair spokesman"), so this cue is the weakest
# (``org_cued`` says which cue it read).
_SPOKES = frozenset("spokesman spokeswoman spokesperson".split())
# What an investor holds in an organisation, before its name ("shares in Elan", "a stake in
# Solidere").
_HOLDING_BEFORE = re.compile(
    r"(?:shares|stake|stakes|shareholding|holding|holdings)[ \t]+in[ \t]+$", re.IGNORECASE
)
# The word before a name, or "The" capitalised inside a sentence before it ("and The Intercept").
_BEFORE_NAME = re.compile(r"(?:(?<=[\w,)][ \t])(The)|([a-z][a-z\-]*))[ \t]+$")
# The word after a name, past a possessive.
_AFTER_NAME = re.compile(r"(['’]s)?[ \t]+([a-z]+)\b")
_LOOK_BACK_ORG = 24


def org_cued(text: str, name: str, spans: Iterable[tuple[int, int]] | None = None) -> frozenset[str]:
    """How ``text`` calls ``name`` an organisation: {"org"} right after a noun for a kind of
    organisation somewhere ("the company Showa Denko K.K."), after "The" capitalised inside a
    sentence ("and The Intercept": a publication's title), or right before a noun for what an
    organisation has ("Altria's subsidiary", "Facebook's users", "Vivendi's chairman":
    ``_ORG_AFTER``). Else the weaker cues it finds: "shares" right before "shares" ("Seagate
    shares") or after what an investor holds in it ("shares in Elan"), which a city's name also
    takes ("Beirut shares", "shares in London": its market); "spokes" right before the word for who
    speaks for it ("a Yukos spokesman"), which a person's surname also takes. Empty: none.
    ``spans``: ``mention_spans(text, name)``, when the caller has them."""
    weak: set[str] = set()
    for at, end in _mentions(text, name) if spans is None else spans:
        m = _word_before(text, at)
        if m and (m[0] or m[1] in _ORG_NOUNS):
            return _ORG
        if m and m[1] == "in" and _holding_before(text, at):
            weak.add("shares")
        after = _word_after(text, end)
        if not after:
            continue
        word = after.group(2)
        if after.group(1):
            if word in _ORG_AFTER_POSSESSIVE:
                return _ORG
        elif word == "shares":
            weak.add("shares")
        elif word in _ORG_AFTER:
            return _ORG
        elif word in _SPOKES:
            weak.add("spokes")
    return frozenset(weak)


_ORG = frozenset({"org"})


def kind_after(text: str, name: str) -> bool:
    """Whether ``text`` writes a noun for a kind of organisation right after ``name``, no possessive
    between ("the Emergency Lawyers group"): for a name whose words make a person's, the name is an
    organisation's."""
    for _, end in _mentions(text, name):
        after = _word_after(text, end)
        if after and not after.group(1) and after.group(2) in _KIND_AFTER:
            return True
    return False


# Nouns after a place's name that make it a disease's ("Marburg virus", "Lassa fever", "Lyme disease").
_DISEASE_AFTER = ("virus", "fever", "disease")


def names_a_disease(text: str, name: str) -> bool:
    """Whether ``text`` writes a disease's noun right after ``name`` ("an outbreak of Marburg
    virus"): there, and in the text's other mentions ("no vaccine for Marburg"), the name is the
    disease's, not the town's."""
    for _, end in _mentions(text, name):
        after = text[end : end + 9].lower()
        if after[:1] == " " and after[1:].startswith(_DISEASE_AFTER):
            return True
    return False


def after_the(text: str, name: str) -> bool:
    """Whether ``text`` writes "The" capitalised inside a sentence right before ``name`` ("published
    in The Lancet Oncology", "a hit for The Rolling Stones"): the title of a publication or a band,
    which no person's name takes (``org_cued`` reads the same cue)."""
    if "The " + name not in text:  # most names, at once
        return False
    for at, _ in _mentions(text, name):
        m = _word_before(text, at)
        if m and m[0]:
            return True
    return False


# What a match of a pattern ending in ``[ \t]+$`` ends with (``$`` may stand before a line break).
_ENDS_A_SPACE = " \t\n"


_LOWER_WORD = "abcdefghijklmnopqrstuvwxyz-"  # what ``_BEFORE_NAME``'s lower-case word is made of


def _word_before(text: str, at: int) -> tuple[str | None, str | None] | None:
    """The groups of ``_BEFORE_NAME`` searched right before ``at`` ("The" capitalised inside a
    sentence, else the word in lower case), or None where it does not match; read with string
    methods, not the search, which tried every start in its window (a third of ``org_cued``)."""
    if not at or text[at - 1] not in _ENDS_A_SPACE:
        return None
    lo = max(0, at - _LOOK_BACK_ORG)
    end = at - 1 if text[at - 1] == "\n" else at  # ``$`` stands at the end or before a final line break
    k = lo + len(text[lo:end].rstrip(" \t"))  # where the spaces ending at ``end`` start
    if k in (end, lo):
        return None  # no space there, or no word before it in the window
    if k - 3 >= lo and k >= 5 and text.startswith("The", k - 3) and text[k - 4] in " \t":
        c = text[k - 5]
        if c.isalnum() or c in "_,)":  # (what ``\w`` matches, a comma or a bracket)
            return "The", None
    word = text[lo:k]
    word = word[len(word.rstrip(_LOWER_WORD)) :].lstrip("-")  # the search's leftmost start: a letter
    return (None, word) if word else None


def _word_after(text: str, end: int) -> re.Match[str] | None:
    """``_AFTER_NAME`` right after ``end``; at once None where no space, tab or apostrophe is there."""
    if end >= len(text) or text[end] not in " \t'’":
        return None
    return _AFTER_NAME.match(text, end)


def _holding_before(text: str, at: int) -> bool:
    """Whether "shares in", "a stake in" and the like end right before ``at``."""
    return _HOLDING_BEFORE.search(text, max(0, at - _LOOK_BACK_ORG), at) is not None


def _mentions(text: str, name: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each place ``text`` writes ``name`` not followed by more of a word."""
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if end == len(text) or not _joins(text[end]):
            yield at, end
        at = text.find(name, end)


def mention_spans(text: str, name: str) -> tuple[tuple[int, int], ...]:
    """``_mentions`` of ``name``, all of them: one scan of the text for the cues that read the same
    name's mentions one after the other (``org_cued``, then ``person_titled``)."""
    return tuple(_mentions(text, name))


# Titles that stand before a person's surname alone ("President Bush", "Mr Blair", "Dr Vogt"):
# not the words that also open organisations' or offices' names ("Foreign", "General", "Chief").
_PERSON_TITLES = frozenset(
    """mr mrs ms miss dr sir dame lord lady president senator sen governor gov mayor king queen
    prince princess pope bishop archbishop cardinal rabbi imam sheikh emir judge chancellor
    premier minister secretary ambassador commissioner detective inspector sergeant sgt professor
    prof coach gen col capt rep congressman congresswoman""".split()
)
_TITLE_BEFORE = re.compile(r"([A-Z][a-z]+)\.?[ \t]+$")  # capitalised: "miss England", "vice president Boeing"
_LOOK_BACK_TITLE = 16


def person_titled(text: str, name: str, spans: Iterable[tuple[int, int]] | None = None) -> bool:
    """Whether ``text`` writes ``name`` right after a person's title, capitalised, somewhere
    ("President Bush", "Mr. Blair", "Lord Falconer"). ``spans``: ``mention_spans(text, name)``,
    when the caller has them."""
    for at, _ in _mentions(text, name) if spans is None else spans:
        if at and text[at - 1] in _ENDS_A_SPACE:  # (no title ends right before, without a space)
            m = _TITLE_BEFORE.search(text, max(0, at - _LOOK_BACK_TITLE), at)
            if m and m.group(1).casefold() in _PERSON_TITLES:
                return True
    return False


def _joins(char: str) -> bool:
    return char.isalnum() or char in "_-"


def _cued_at(text: str, start: int, end: int, out: set[str]) -> None:
    """Add to ``out`` the names around the kind word at ``start:end`` of ``text``."""
    before = _WORDS_BEFORE.search(text, max(0, start - _LOOK_BACK), start)
    if before is not None:
        words = before.group(1).split()
        out.update(" ".join(words[-k:]).casefold() for k in range(1, len(words) + 1))
    after = _WORDS_AFTER_OF.match(text, end)
    if after is not None:
        words = after.group(1).split()
        out.update(" ".join(words[:k]).casefold() for k in range(1, len(words) + 1))


# A line opening with one to four words in capitals, then a comma or a dash: a wire dateline.
_DATELINE = re.compile(
    r"^[ \t]*([A-Z][A-Z'’.\-]*(?:[ \t]+[A-Z][A-Z'’.\-]*){0,3})(?=[ \t]*(?:,|[—–]|-[ \t]))", re.MULTILINE
)


def dateline_places(text: str) -> frozenset[str]:
    """The names in capitals that open a line of ``text`` as a dateline does, case-folded."""
    return frozenset(m.group(1).casefold() for m in _DATELINE.finditer(text))
