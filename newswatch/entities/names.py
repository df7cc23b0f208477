"""Entities: the people, organisations and places of an article, from watchlist rules, the
gazetteer and capitalised names (``find_names``), one row per entity with its kind.

A name is a run of capitalised words on one line (with inner connectors like "of", "bin", "al-",
"and" where the whole is one name), or an acronym. Not names: a word capitalised only because it
opens a sentence, a sentence's first word glued to a name ("Neither Afghanistan"), words that only
title-case headings capitalise, demonyms ("Chinese"), words in capitals that the text also writes
in lower case ("THREE decades"). Within one article a short form that ends a longer name ("Dar"
after "Ishaq Dar") counts as the longer name. Story matching reads ``extract_names``
(``newswatch.entities.basic``), with which its settings were chosen.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from newswatch.entities.basic import extract_names  # noqa: F401  (story matching's names)
from newswatch.entities.cues import (
    _COMPASS_WORDS,
    PLACE_KIND_WORDS,
    after_the,
    all_demonyms,
    dateline_places,
    is_demonym,
    is_given_name,
    is_language,
    kind_after,
    load_tables,
    mention_spans,
    names_a_disease,
    org_cued,
    people_of_place,
    person_titled,
    place_cued_names,
    title_case_spans,
)
from newswatch.entities.gazetteer import gazetteer, place_key

# The watchlist rules live in ``rules``; these names stay importable from here.
from newswatch.entities.rules import (  # noqa: F401
    _FOLDS_TO_ASCII,
    _FOLDS_TO_ASCII_CHAR,
    KINDS,
    EntityRule,
    _alias_table,
    _finditer,
    _leading_literal,
    _rule_patterns,
    entity_key,
    lead_starts,
    matches_at,
    parse_entity_rules,
    slug,
)
from newswatch.language import reads_english

if TYPE_CHECKING:
    from newswatch.entities.gazetteer import Place

_NAME = re.compile(
    # By definition (?<![\w'’])((?:[A-Z][\w'’\-]*[\w]|[A-Z]{2,}|[A-Z])(?:...)*): the same, written
    # to open with the capital (the lookbehind then checks the character before it) so that the
    # regex engine jumps from capital to capital instead of trying the lookbehind at every
    # character; the alternatives share their first capital. About 4x faster than the
    # definition, a third faster than opening with a (?=[A-Z]) lookahead.
    # Words of a name are joined by spaces or tabs, never a line break: a signature line ("Gary
    # Sloane") is not one name with the next line's place or heading. Inside a name: a connector
    # ("of"; "and", "for": ``_pieces`` splits at them unless the whole is one name),
    # Arabic particles written in lower case ("Deir al-Balah"), initials ("George H.W. Bush", and
    # without the full stop before a word, as British style writes them: "George W Bush"; not "A"
    # or "I", an article or a pronoun in a title written in title case: "Room With A View") and
    # dotted abbreviations ("Washington D.C.", "Showa Denko K.K.");
    # a name may open with dotted capitals ("U.S.").
    r"([A-Z](?<![\w'’].)(?:[\w'’\-]*[\w](?:(?<=s)['’](?=[ \t]+[A-Z]))?|[A-Z]+|(?:\.[A-Z])+\.|)"
    r"(?:[ \t]+(?:(?:of|the|de|del|la|al|bin|van|von|der|da|and|&|for)[ \t]+)?"
    r"(?:(?:al|el|ad|ibn|bin|abu)-)?"
    r"(?:[A-Z][\w'’\-]*[\w](?:(?<=s)['’](?=[ \t]+[A-Z]))?|[A-Z]{2,}|(?:[A-Z]\.){2,}"
    r"|[A-Z]\.(?:[A-Z]\.)*(?=[ \t]+[A-Z])|[B-HJ-Z](?=[ \t]+[A-Z][\w'’\-]*[\w])))*)"
)
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# Capitalised because they start a sentence or are calendar words, not because they are names.
_NOT_NAMES = (
    _WEEKDAYS
    | {f"{day}s" for day in _WEEKDAYS}
    | frozenset(
        """a an the this that these those it its in on at by for from to of and or but if as with
    while when where which who whom whose what why how after before during despite although
    though both each every all any some many most more several other another such no not nor
    yet so also he she they we you i his her their our your my me him them us there here
    then thus however meanwhile moreover furthermore according since until unless because
    again still even only just mr mrs ms dr prof sir
    january february march april may june july august september
    october november december today yesterday tomorrow read more share comments comment
    photo image video advertisement update updated neither either under over about into through
    among between against without within across toward towards upon amid are is was were be been
    being has have had do does did will would can could should might must shall whether unlike
    besides beyond behind later earlier now instead separately finally additionally similarly
    currently recently previously initially eventually ultimately nevertheless nonetheless otherwise
    perhaps
    """.split()
    )
)
_POSSESSIVE = re.compile(r"['’]s$")
_TRAILING = (
    _WEEKDAYS
    | {""}
    | frozenset(
        """of the and de al today yesterday
    january february march september october november december""".split()  # not May, June, ...
    )
)
# Abbreviated months ("Jan. 17"), not names on their own (but "Jan Egeland" is).
_MONTH_ABBREVIATIONS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
# Titles and roles before a person's name: "Chinese Foreign Minister Wang Yi" names Wang Yi.
_ROLES = frozenset(
    """minister prime deputy foreign interior defence defense finance president vice secretary
    general chairman chairwoman chair spokesman spokeswoman spokesperson chief senator
    governor mayor king queen prince princess ambassador envoy commander lieutenant colonel
    major captain judge justice leader premier chancellor sheikh emir pope bishop director
    ceo professor mr mrs ms dr sir lord lady gen col capt sgt rep sen gov attorney commissioner
    sheriff superintendent inspector detective councillor councilor councilman councilwoman acting
    congressman congresswoman assemblyman assemblywoman taoiseach tanaiste hon mp mep msp
    founder editor reporter correspondent officer
    actor actress dancer choreographer writer author novelist poet playwright artist
    sculptor composer musician rapper comedian filmmaker photographer architect designer
    scientist historian lawyer activist coach
    """.split()
)
# The planets (and the dwarf planet Pluto) share their names with towns of the gazetteer ("Jupiter",
# Florida; "Mars", Pennsylvania): alone, such a name is the planet's.
_PLANETS = frozenset("mercury venus earth mars jupiter saturn uranus neptune pluto".split())
# Offices in the plural, which stand before the names of those who hold them ("Justices Elena Kagan
# and ...", "Foreign Ministers Wang Yi and ..."); not occupations ("Screen Actors Guild", "Reporters
# Without Borders") nor "Kings" ("Kings Own Scottish Borderers").
_OFFICES = frozenset(
    """ministers presidents senators justices judges governors mayors secretaries ambassadors
    commissioners chancellors premiers envoys congressmen congresswomen councillors councilors""".split()
)
# Words that are a role only right after one ("Chief Executive", "Detective Sergeant").
_ROLES_AFTER_A_ROLE = frozenset("executive constable sergeant".split())
# Common abbreviations in capitals that name no person, organisation or place: units, file formats,
# technologies, time zones, medical and business terms ("25 MB", "a JPEG", "SMS", "GDP", "CEO").
_ABBREVIATIONS = frozenset(
    """kb mb gb tb kbps mbps km kg mg ml cm mm mph kph kwh kw mw gw pdf jpg jpeg png gif tiff svg
    doc docx ppt pptx xls xlsx csv txt html xml json mp3 mp4 avi mov zip apk exe sms mms gps usb cd dvd
    hdmi led lcd oled cpu gpu ram rom ssd hdd pc tv hd uhd vr ar ai api url vpn wifi dns ssl tls
    http https qr os ios gmt utc bst est edt cst cdt mst mdt pst pdt cet cest jst aest am pm dna
    rna hiv aids icu cpr mri ppe ivf bmi adhd ptsd ocd covid sars gdp gnp cpi vat ipo etf ceo cfo
    coo cto hr roi kpi esg faq diy id pin atm vip mvp rsvp asap fyi ok tba tbc lgbt lgbtq lgbtqia
    """.split()
)
# Numbers in words ("Fifty-two families") are no names.
_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion dozen dozens hundreds thousands millions billions""".split()
)
# Ordinals that open a title-case phrase of no kind ("Seventh Round", "Second Session").
_ORDINALS = frozenset(
    """first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth""".split()
)
# A Roman numeral alone ("IV") is no acronym ("Henry VIII" stays a name).
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
# Words a hyphen joins to a name to make an adjective: "a Rutgers-led team", "Beijing-based".
_NAME_ADJECTIVE = re.compile(
    r"-(?:led|based|backed|born|bred|owned|run|funded|made|style|linked|allied|bound|controlled"
    r"|sponsored|affiliated|related|centric|focused|friendly|wide|era)$"
)
_MAX_WORDS = 6
# An organisation's name may run longer: "National Institute of Economic and Social Research".
_MAX_ORGANISATION_WORDS = 9
_CONTRACTION = re.compile(r"[A-Za-z]+['’](?:ve|re|ll|d|m|t)", re.IGNORECASE)


def _long_organisation(parts: Sequence[str]) -> bool:
    """Whether a name of more than ``_MAX_WORDS`` words is an organisation's: joined by "of",
    "for" or one "and", and ending in one of its words. An "and" after an organisation's word or
    a place joins two names ("Los Angeles Times and Los Angeles Daily News", "United Bank of Africa
    and Standard Trust Bank"); a longer run is a heading or a list of names."""
    if len(parts) > _MAX_ORGANISATION_WORDS or parts[-1].lower() not in _ORG_WORDS:
        return False
    joins = [i for i, p in enumerate(parts) if p in ("and", "&")]
    if len(joins) > 1:
        return False
    if joins:
        before = parts[joins[0] - 1]
        return before.lower() not in _ORG_WORDS and _lookup(before) is None
    return "of" in parts or "for" in parts


# Memoised: the same capitalised runs recur within an article and across a batch, and both
# ``find_names`` and the places pass of ``extract_entities`` clean every one of them. The
# memoised name steps below keep 8-16k recent names each (a few MB at most).
@lru_cache(maxsize=16384)
def _clean_name(raw: str) -> str | None:
    # (Each pattern is tried only where the character it needs is: most names have none.)
    name = raw.strip(" -'’")
    apostrophe = "'" in name or "’" in name
    if apostrophe:
        name = _POSSESSIVE.sub("", name)
    parts = name.split()
    if parts and "-" in parts[-1] and _NAME_ADJECTIVE.search(parts[-1]):  # "Rutgers-led": Rutgers
        parts[-1] = _NAME_ADJECTIVE.sub("", parts[-1])
    while parts and parts[0].lower() in _NOT_NAMES and not _is_country_code(parts[0]):
        parts = parts[1:]
    # Connectors, and a day after a place ("Osborne Store, Clarendon Tuesday"), do not end a name;
    # a day's own name does ("Black Friday", "Super Tuesday").
    while parts and parts[-1].lower().strip("&") in _TRAILING and not _named_day(parts):
        parts = parts[:-1]
    # "Chief Executive Jensen Huang", "Detective Constable Imran Qureshi": these words are roles
    # after a role; alone "Executive" is a government ("Scottish Executive") and the others are
    # surnames too ("John Constable"). Before a role, "Executive" makes one ("Executive Director").
    lows = [p.lower().rstrip(".") for p in parts]
    # "Alan Conrad KC", "Keir Starmer KC MP": the letters after a person's name are no part of it
    while (
        len(parts) > 2
        and lows[-1] in _POSTNOMINALS
        and parts[-1].isupper()
        and _kind_by_words(" ".join(parts[:-1]))[0] == "person"
    ):
        parts, lows = parts[:-1], lows[:-1]
    # "Justices Elena Kagan", "Foreign Ministers Wang Yi": an office in the plural before a
    # person's name is no part of it
    for i, low in enumerate(lows[:-2] if not _OFFICES.isdisjoint(lows) else ()):
        if low in _OFFICES and _kind_by_words(" ".join(parts[i + 1 :]))[0] == "person":
            parts, lows = parts[i + 1 :], lows[i + 1 :]
            break
    if _ROLES.isdisjoint(lows) and not any("-" in low for low in lows):
        roles = []  # no word is a role (most runs), so none follows one
    else:
        role = [_is_role_lower(low) for low in lows]
        roles = [
            i
            for i, p in enumerate(parts)
            if role[i] or (i and role[i - 1] and p.lower() in _ROLES_AFTER_A_ROLE)
        ]
    if roles and roles[-1] == len(parts) - 1 and _surname_after(parts):
        roles.pop()  # "Sir John Major", "Foreign Minister Julie Bishop": the role word is a surname
    if roles:
        last = parts[-1].lower().rstrip(".")
        if "of" in parts[roles[-1] + 2 :]:
            # "Detective Constable Imran Qureshi of West Yorkshire Police": a name between the role
            # and "of" is the person's, and what follows "of" no remit of the role
            last = parts[parts.index("of", roles[-1] + 2) - 1].lower().rstrip(".")
        if last in _ORG_WORDS or (last in _AREA_WORDS and "of" not in parts):
            # the role words name an organisation's remit: "Foreign Office", "Interior Ministry"; or
            # they are an area's name: "Prince George's County"
            roles = []
    if roles and roles[-1] < len(parts) - 1:
        parts = parts[roles[-1] + 1 :]
        if parts[0] in ("of", "for"):  # "Minister of Education Kay McConney": the remit, then the person
            parts = _after_remit(parts[1:])
        elif len(parts) == 1 and _plural_role(parts[0]):
            return None  # "Foreign Ministers" (of "... Foreign Ministers' Strategic Dialogue")
    elif roles:  # a role alone ("Foreign Minister") is not a name
        return None
    if not parts or (len(parts) > _MAX_WORDS and not _long_organisation(parts)):
        return None
    name = " ".join(parts)
    if apostrophe and _CONTRACTION.fullmatch(name):  # "I've", "We're": a contraction opens a sentence
        return None
    low = name.lower()
    if len(name) < 2 or low in _MONTH_ABBREVIATIONS or name.isdigit():
        return None
    if low in _NOT_NAMES and not _is_country_code(name):
        return None
    if name.isupper() and (low in _ABBREVIATIONS or _ROMAN.fullmatch(name)):
        return None  # "SMS", "JPEG", "IV"
    if parts[-1].endswith("s") and _PLURAL_ACRONYM.fullmatch(parts[-1]):
        return None  # "MPs", "Tory MPs", "DVDs": a common noun's plural, no one entity
    if " " not in name and _NUMBER_WORDS.issuperset(low.split("-")):
        return None  # "Fifty-two", "Thousands"
    return name


# Role words that are also surnames ("John Major", "Mervyn King"); not "MP", "Leader", "Minister".
_SURNAME_ROLES = frozenset(
    "major bishop judge king prince pope cardinal chancellor mayor sheriff lord".split()
)


# Letters after a person's name: a barrister's rank, an honour, a seat ("Alan Conrad KC", "Jess
# Phillips MP").
_POSTNOMINALS = frozenset("kc qc sc mp msp mep mla ms td obe cbe mbe kbe dbe frs".split())
# Words that make a day's name of the weekday after them ("Black Friday", "Super Tuesday", "Good
# Friday", "Cyber Monday", "Bloody Sunday").
_DAY_NAMES = frozenset("super black cyber good ash easter bloody holy maundy palm giving".split())


def _named_day(parts: Sequence[str]) -> bool:
    """Whether ``parts`` are a day's name: a word of ``_DAY_NAMES`` and a weekday."""
    return len(parts) == 2 and parts[0].lower() in _DAY_NAMES and parts[1].lower() in _WEEKDAYS


def _surname_after(words: Sequence[str]) -> bool:
    """Whether the last of ``words``, a role word ("Major", "Bishop", "Judge"), is a surname: right
    after a given name that names no place ("John Major", "Julie Bishop"; not "Colorado Governor",
    "Health Secretary", nor "Georgia Governor", Georgia being a place too)."""
    if len(words) < 2 or words[-1].lower() not in _SURNAME_ROLES or not words[-1][:1].isupper():
        return False
    given = words[-2]
    return is_given_name(given) and not _is_role(given) and _lookup(given) is None


def _is_country_code(word: str) -> bool:
    """ "US", not the pronoun "us": a function word in capitals that the gazetteer knows (or the
    World Health Organization's "WHO")."""
    return len(word) > 1 and word.isupper() and (word == "WHO" or _lookup(word) is not None)


def _is_role(word: str) -> bool:
    """Whether ``word`` is a role or title ("Minister", "Gen.", "Vice-President")."""
    return _is_role_lower(word.lower().rstrip("."))


def _is_role_lower(low: str) -> bool:
    """``_is_role`` of a word in lower case without its trailing full stops."""
    return low in _ROLES or ("-" in low and all(p in _ROLES for p in low.split("-")))


def _plural_role(word: str) -> bool:
    """ "Ministers", "Secretaries": the plural of a role."""
    return word.endswith("s") and (
        _is_role(word[:-1]) or (word.endswith("ies") and _is_role(word[:-3] + "y"))
    )


def _after_remit(parts: list[str]) -> list[str]:
    """What follows a role's "of": an organisation or place ("President of Rutgers University",
    "Governor of Texas"), else the person after the remit ("Minister of Education Kay McConney",
    "Secretary of State Antony J. Blinken": the last two words, with an initial between them);
    nothing when only the remit is there ("Minister of Education")."""
    last = parts[-1].lower().rstrip(".") if parts else ""
    if last in _ORG_WORDS or last in _PLACE_WORDS or _lookup(" ".join(parts)) is not None:
        return parts
    keep = 3 if len(parts) >= 4 and _INITIALS.fullmatch(parts[-2]) else 2
    return parts[-keep:] if len(parts) > keep else []


# What precedes a word that opens a sentence, a line, a part of a headline ("Local News | ...")
# or the text after a dateline ("LAHORE — Thousands of ...", "KUMASI, Ghana - Fifty"), with an
# opening quote or bracket between ("“Approximately 70 percent"); a quotation inside a sentence may
# quote a name ('opposition to "Taiwan independence"'), and a quotation closed by a comma goes on
# with its sentence ('"We won," Arsenal manager Mikel Arteta said').
_SENTENCE_START = re.compile(r"(?:^|(?:[.!?:;|—–]|(?<!,)[\"“”])\s+|\s-\s+|\n\s*)[\"“‘(\[]?$")
_START_WINDOW = 4
_SPLIT_POSSESSIVE = re.compile(r"['’]s\s+")
# A plural possessive inside a run: "Port Workers' Union" is one name, "the Beatles' Abbey Road" two.
_SPLIT_PLURAL_POSSESSIVE = re.compile(r"(?<=s)['’][ \t]+")
_MIN_SHOUTED = 4  # shorter capitals are acronyms though the text writes them in lower case ("US", "us")
_INITIAL = re.compile(r" (?:[A-Z]\.)+(?= )")
_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")


# A title abbreviated with a full stop ("Mr. Blunkett", "Sen. Warren"): no sentence ends there.
_TITLE_DOT = re.compile(r"(?<![\w.])(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|Rev|Hon)\.[ \t]+$")
_TITLE_WINDOW = 7


def _opens_sentence(text: str, start: int) -> bool:
    if start >= _START_WINDOW and text[start - 1] == " " and text[start - 2].isalnum():
        return False  # "met Ishaq Dar", most names: what ``_SENTENCE_START`` cannot match, at once
    if not _SENTENCE_START.search(text[max(0, start - _START_WINDOW) : start]):
        return False
    return not _TITLE_DOT.search(text, max(0, start - _TITLE_WINDOW), start)


def find_names(text: str) -> Counter[str]:
    """Counts of candidate names in ``text``, short forms merged into the longer names they end
    (stricter than ``extract_names``, which story matching reads).

    A single word seen only at the start of sentences ("Reiterating", "Satisfaction") is not a
    name, unless it ends a name mentioned before ("Helena Vogt ... Vogt said"). A sentence's first
    word joined to a name the text uses elsewhere ("Defendants James Lee") is not part of it when
    the text also writes that word in lower case. A short form merges into a longer name only when
    the longer one came first ("Ishaq Dar ... Dar"), as writers introduce people; a name with a
    middle initial is the same name without it.
    """
    return _find_names(text, _name_runs(text))


def _name_runs(text: str) -> list[tuple[int, str]]:
    """(start, run) of every capitalised run of ``text`` (``_NAME``)."""
    return [(m.start(1), m.group(1)) for m in _NAME.finditer(text)]


def _runs_after(
    text: str, runs: list[tuple[int, str]], changed: Sequence[tuple[int, int]]
) -> list[tuple[int, str]]:
    """``_name_runs(text)``, from the ``runs`` of a text that differs from ``text`` only inside the
    ``changed`` spans (of the same length, no line break in them, before or after): a run never
    holds a line break, nor reads past one or before the character that precedes it, so the runs
    of a line depend on that line alone, and only the lines holding a change are scanned again."""
    if not changed:
        return runs
    lines: list[tuple[int, int]] = []  # (start, end) of the lines holding a change, ascending
    for a, _ in sorted(changed):
        start = text.rfind("\n", 0, a) + 1
        if lines and start <= lines[-1][1]:
            continue  # that line's already
        end = text.find("\n", a)
        lines.append((start, len(text) if end < 0 else end))
    out: list[tuple[int, str]] = []
    i, n = 0, len(runs)
    for start, end in lines:
        while i < n and runs[i][0] < start:
            out.append(runs[i])
            i += 1
        while i < n and runs[i][0] < end:
            i += 1
        out += [(m.start(1), m.group(1)) for m in _NAME.finditer(text, start, end)]
    out += runs[i:]
    return out


def _find_names(text: str, runs: list[tuple[int, str]]) -> Counter[str]:
    """``find_names`` of ``text``, whose capitalised runs are ``runs`` (``_name_runs``)."""
    found: list[tuple[int, str, bool]] = []  # (start, name, opens a sentence)
    for at, raw in runs:
        for offset, name, titled in _run_parts(raw)[0]:  # _names_in
            start = at + offset
            # (``_opens_sentence``'s first test inline: most names follow a space after a word.)
            opening = (
                not (offset or titled)
                and not (start >= _START_WINDOW and text[start - 1] == " " and text[start - 2].isalnum())
                and _opens_sentence(text, start)
            )
            if opening and " of " in name and (cut := _people_of(name)):
                # "Residents of Marlow Heights voted": the name is what they are of, mid-sentence
                name, start, opening = name[cut:], start + cut, False
            found.append((start, name, opening))
    mid_sentence = {name for _, name, opening in found if not opening}
    lower: _LowerWords | None = None
    counts: Counter[str] = Counter()
    first_at: dict[str, int] = {}
    for start, name, opening in found:
        if opening and " " in name:
            first, rest = name.split(" ", 1)
            if rest in mid_sentence:
                lower = lower or _LowerWords(text)
                if first.lower() in lower:
                    name, start = rest, start + len(first) + 1
        counts[name] = counts.get(name, 0) + 1
        first_at.setdefault(name, start)
    surnames: dict[str, int] | None = None  # last word of a name of two or three words -> first at
    for name in list(counts):
        if " " not in name and name not in mid_sentence:
            if not name.isupper():
                if surnames is None:
                    surnames = {}
                    for n in counts:
                        if 2 <= n.count(" ") + 1 <= 3:
                            last = n.rsplit(" ", 1)[-1]
                            surnames[last] = min(surnames.get(last, first_at[n]), first_at[n])
                # "Helena Vogt ... Vogt said": a surname opening a sentence, after the full name,
                # is the person (merged below), unless the text also writes it in lower case
                if surnames.get(name, first_at[name]) < first_at[name]:
                    lower = lower or _LowerWords(text)
                    if name.lower() not in lower:
                        continue
                del counts[name]
            elif len(name) >= _MIN_SHOUTED and name.lower() in (lower := lower or _LowerWords(text)):
                del counts[name]  # "THREE decades ago": a word in capitals, not an acronym
    for name in [n for n in counts if "." in n and _INITIAL.search(n)]:  # "Thomas W. Malone": Thomas Malone
        plain = _INITIAL.sub("", name)
        if plain in counts:
            counts[plain] += counts.pop(name)
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


def _people_of(name: str) -> int:
    """The length of a plural and "of" (and "the") that open ``name`` ("Residents of Karachi",
    "Critics of Biden", "Thousands of UK"), else 0: no part of a name, unlike an organisation's or
    a place's word ("Bank of America", "Bay of Bengal")."""
    first, of, after = name.partition(" of ")
    low = first.lower()
    if not (
        of
        and len(low) > 3
        and low.endswith("s")
        and low.isalpha()
        and not first.isupper()
        and low not in _ORG_WORDS
        and low not in _PLACE_WORDS
        and low.rstrip("s") not in _ORG_WORDS | _PLACE_WORDS
    ):
        return 0
    return len(first) + 4 + 4 * after.startswith("the ")


def _names_in(raw: str) -> tuple[tuple[int, str, bool], ...]:
    """The names in a capitalised run (cleaned ``_pieces``), with offsets and whether a word stood
    before the name in its piece ("The Economist", "Mr Malone", "As AnandTech reports"): then the
    name is capitalised as a name, wherever the sentence starts."""
    return _run_parts(raw)[0]


def _run_places(raw: str) -> tuple[tuple[int, str, tuple[str, tuple[Place, ...]]], ...]:
    """The pieces of a capitalised run (``_pieces``) that name places (``_places_named``), with
    their offsets: "Residents of Karachi" names Karachi."""
    return _run_parts(raw)[1]


_RunParts = tuple[
    tuple[tuple[int, str, bool], ...], tuple[tuple[int, str, tuple[str, tuple["Place", ...]]], ...]
]


@lru_cache(maxsize=16384)
def _run_parts(raw: str) -> _RunParts:
    """``_names_in`` and ``_run_places`` of a run, worked out in one go: both passes of
    ``extract_entities`` read the same runs, each run once a mention. Most runs name no place: the
    places pass reads one memo per run, not each piece's memo and ``_people_of``."""
    names = []
    places = []
    for offset, piece in _pieces(raw):
        name = _clean_name(piece)
        if name:
            names.append((offset, name, piece.find(name.split()[0]) > 0))
        named = _places_named(piece)
        if (
            named is None
            and " of " in piece  # (``_people_of`` is 0 without it)
            and (cut := _people_of(piece))  # "Residents of Karachi"
            and (named := _places_named(piece[cut:])) is not None
        ):
            places.append((offset + cut, piece[cut:], named))
        elif named is not None:
            places.append((offset, piece, named))
    return tuple(names), tuple(places)


_SPLIT_AND = re.compile(r"[ \t]+(?:and|&)[ \t]+")
_SPLIT_FOR = re.compile(r"[ \t]+for[ \t]+")
_DOTTED_END = re.compile(r"(?<=[A-Z]\.)[ \t]+(?=(\w+))")


def _pieces(raw: str) -> tuple[tuple[int, str], ...]:
    """Split a capitalised run into the names it holds, with offsets: "China’s Xinjiang" into China
    and Xinjiang; "Israel and Egypt" in two, but not "Trinidad and Tobago" or "Belt and Road
    Initiative" (``_one_name``; "San Leandro and Castro Valley" is two); "U.S. President Joe
    Biden" into U.S. and the rest (the words before a role name something else); "U.S. The"
    after its dotted word."""
    if " " not in raw and "\t" not in raw:  # one word (a run's words are joined by spaces or tabs)
        return ((0, raw),)  # as ``_split_pieces``: every split it makes needs a space between words
    return _split_pieces(raw)


@lru_cache(maxsize=16384)
def _split_pieces(raw: str) -> tuple[tuple[int, str], ...]:
    """``_pieces``, for a run of any number of words. (Memoised here, not in ``_pieces``: a memo
    costs more than the one-word answer.)"""
    pieces = [(0, raw)]
    if "s" in raw:  # a possessive needs its "s"
        if "'s" in raw or "’s" in raw:
            pieces = _split(pieces, _SPLIT_POSSESSIVE, lambda m: not _possessive_in_name(raw, m))
        if "s'" in raw or "s’" in raw:
            pieces = [
                part
                for offset, piece in pieces
                for part in (
                    [(offset, piece)]
                    if (piece.split() or [""])[-1].casefold().strip(".") in _ORG_WORDS
                    else _split([(offset, piece)], _SPLIT_PLURAL_POSSESSIVE)
                )
            ]
    if " and " in raw or "&" in raw:
        pieces = [
            part
            for offset, piece in pieces
            for part in ([(offset, piece)] if _one_name(piece) else _split([(offset, piece)], _SPLIT_AND))
        ]
    if "for" in raw and _SPLIT_FOR.search(raw):
        pieces = [
            part
            for offset, piece in pieces
            for part in ([(offset, piece)] if _for_joins(piece) else _split([(offset, piece)], _SPLIT_FOR))
        ]
    if "." in raw:
        pieces = _split(pieces, _DOTTED_END, lambda m: m.group(1).lower() in _NOT_NAMES)
    if len(pieces) == 1:  # no split above (most runs)
        return tuple(_split_at_role(*pieces[0]))
    return tuple(part for offset, piece in pieces for part in _split_at_role(offset, piece))


def _possessive_in_name(raw: str, m: re.Match[str]) -> bool:
    """ "Nationwide Children's Hospital", "Sheriff's Office", "Prince George's County": a
    possessive followed only by words of organisations or areas, after a name of two words or more
    or a role that is no place, is inside the name (not in "China's Foreign Ministry", nor
    "Biden's Administration")."""
    after = [w.casefold().strip(".") for w in raw[m.end() :].split()]
    before = raw[: m.start()]
    if not after or not (" " in before or _is_role(before)):
        return False
    words = before.split()
    if not all(w[:1].isupper() for w in words):  # not "Critics of Biden's Administration"
        return False
    if len(words) == 2 and words[0].casefold().rstrip(".") in ("st", "saint"):
        return True  # "St Peter's Square", "St Paul's Cathedral": named after the saint
    if all(w in _AREA_WORDS for w in after):  # "Prince George's County", though Prince George is a city
        return True
    return all(w in _ORG_WORDS for w in after) and _lookup(before) is None and not all_demonyms(before)


def _split(pieces: list[tuple[int, str]], sep: re.Pattern[str], keep: Any = None) -> list[tuple[int, str]]:
    """``pieces`` split at every match of ``sep`` (that ``keep`` accepts), offsets kept."""
    out = []
    for offset, piece in pieces:
        pos = 0
        for m in sep.finditer(piece):
            if keep is None or keep(m):
                out.append((offset + pos, piece[pos : m.start()]))
                pos = m.end()
        out.append((offset + pos, piece[pos:]))
    return out


def _for_joins(piece: str) -> bool:
    """Whether "for" joins a run into one name: after a word of organisations ("Office for National
    Statistics", "Institute for Fiscal Studies", "Department for Education"), or after a role, whose
    remit it opens ("Minister for Housing Angela Rayner": ``_clean_name`` keeps the person); not in
    "Votes for Women" or after a seat's role ("MP for Ealing North")."""
    before = _SPLIT_FOR.split(piece, maxsplit=1)[0].split()
    if not before:
        return False
    last = before[-1].casefold().strip(".")
    return last in _FOR_JOINS or (_is_role(last) and last not in _SEAT_ROLES)


# Roles that "for" follows with a seat, not a remit ("MP for Ealing North", "Senator for Victoria").
_SEAT_ROLES = frozenset(
    """mp mep msp senator sen congressman congresswoman rep assemblyman assemblywoman councillor
    councilor""".split()
)


def _one_name(piece: str) -> bool:
    """Whether a run joined by "and" is one name: a place ("Trinidad and Tobago") or a name ending
    in a word of organisations, places or official names ("National Oceanic and Atmospheric
    Administration", "Belt and Road Initiative", "Securities and Exchange Board of India")."""
    if _lookup(piece) is not None:
        return True
    first = _SPLIT_AND.split(piece, maxsplit=1)[0]
    if _ACRONYM.fullmatch(first.replace(".", "")) or _lookup(first) is not None:
        return False  # "UN and Shanghai Cooperation Organisation", "Pakistan and China Economic Corridor"
    if first.split()[-1].casefold() in _PARTY_MEMBERS or piece.split()[-1].casefold() in _CLUB_WORDS:
        return False  # "Conservatives and Lib Dems", "Celtic and Rangers": two parties, two clubs
    last = piece.split()[-1].casefold().strip(".")
    words = piece.split()
    while words and words[0].lower() in _NOT_NAMES:  # "The Securities and ..."
        words = words[1:]
    if " of " in piece and len(words) <= _MAX_WORDS:
        # "Securities and Exchange Board of India": the word before the remit counts
        last = piece.split(" of ")[0].split()[-1].casefold().strip(".")
    return last in _ORG_WORDS or last in _COMMON


# Words that make a role of the role after them ("District Attorney", "Assistant Commissioner").
_ROLE_MODIFIERS = frozenset(
    "district assistant associate senior distinguished crown cabinet executive".split()
)
# A role's remit or beat before it: a government's portfolios and a newsroom's desks ("Health
# Secretary Wes Streeting", "Transport Minister", "Political Editor", "Science Correspondent").
# They name no entity: the run opens with its role, as after ``_ROLE_MODIFIERS``.
_REMITS = frozenset(
    """health education transport science culture business home energy environment trade housing
    work pensions treasury economy economic economics political politics sport sports arts media
    technology security agriculture tourism immigration digital climate equalities development
    communities welfare shadow opposition crime legal diplomatic medical consumer affairs social
    local government international constitutional""".split()
)


def _split_at_role(offset: int, piece: str) -> list[tuple[int, str]]:
    """ "Colorado Governor Richard Lamm": Colorado, and the rest (which ``_clean_name`` reads as
    Richard Lamm); a run that opens with its role stays whole."""
    words = piece.split(" ")
    if "-" not in piece and _ROLES.isdisjoint([w.lower().rstrip(".") for w in words[1:]]):
        return [(offset, piece)]  # no role after the first word (most runs): nothing to split at
    if _is_role(words[0]):  # "Chief Schools Officer Ruth Amadi": one role, then the person
        return [(offset, piece)]
    if len(words) > 1 and _surname_after(words):  # "John Major", "Aaron Judge": no role here
        return [(offset, piece)]
    for i, word in enumerate(words):
        if i and _is_role(word):
            while i > 0 and (words[i - 1].lower() in _ROLE_MODIFIERS or words[i - 1].lower() in _REMITS):
                i -= 1
            if not i:  # "Distinguished Professor ...": the run opens with its role
                break
            head = " ".join(words[:i])
            if words[-1].lower() in _ORG_WORDS and not (_lookup(head) or all_demonyms(head)):
                break  # "Environmental Defense Fund", "Senate Foreign Relations Committee": one name
            at = len(head) + 1
            return [(offset, piece[: at - 1]), (offset + at, piece[at:])]
    return [(offset, piece)]


# ---- entities: one name per person, organisation or place, with aliases ----

# Words of industries and markets that end organisations' names ("Nordhavn Shipping", "New York
# Stock Exchange"); alone, a common noun.
_INDUSTRY_WORDS = frozenset(
    """shipping logistics energy petroleum pharmaceuticals technologies industries enterprises
    ventures investments insurance telecom communications studios productions electronics mining
    chemicals aerospace exchange securities capital motor equities retail sons ports research economics
    analytics consulting consultants associates advisers advisors""".split()
)
# Words that end companies' names ("Texas Instruments", "Tyson Foods", "Cisco Systems", "Meta
# Platforms"); only at a name's end, where no person's name has them, and not in ``_ORG_WORDS``,
# so that "and" before such a name still parts two names ("Intel and Advanced Micro Devices").
_COMPANY_ENDINGS = frozenset(
    """platforms systems networks software solutions brands foods devices instruments dynamics
    materials robotics therapeutics biosciences semiconductor semiconductors pictures films records""".split()
)
# Plurals that name a party by its members ("the Democrats", "Lib Dems", "Conservatives"; the names
# guideline takes "Republicans" for the Republican Party).
_PARTY_MEMBERS = frozenset("democrats dems republicans conservatives liberals socialists greens".split())
# Their singulars that name a party's member or stand as its adjective ("a Republican", "Lib Dem
# leader", "Liberal Democrat"): the party, by the same guideline; not "Liberal" or "Green", which
# are also common adjectives and surnames.
_PARTY_MEMBER = frozenset("democrat dem republican conservative socialist".split())
# Words that end a sports club's name ("Manchester United", "Queens Park Rangers", "Tottenham
# Hotspur"); "and" never joins two clubs into one name ("Celtic and Rangers").
_CLUB_WORDS = frozenset("united utd rovers rangers athletic athletics wanderers albion hotspur".split())
# Words that open a sports club's name: "Real Madrid", "Atlético Madrid", "Borussia Dortmund",
# "Inter Milan", "Dynamo Kyiv" (the rules below would make people of them).
_CLUB_FIRST_WORDS = frozenset(
    "real atlético atletico sporting borussia olympique dynamo dinamo inter".split()
)
# Words that make a capitalised name an organisation rather than a person.
_ORG_WORDS = (
    frozenset(
        """party partido parti partei partij partito ministry council bank inc corp corporation company co
    ltd plc llc university
    organisation organization army forces force navy group committee agency association union league
    front movement department office court assembly parliament senate congress commission institute
    foundation federation authority board times news post tribune network airlines airways fund nations
    club college school service services command police corridor corps brigade jamaat lashkar
    tehreek tehrik government administration bureau centre center council directorate hospital clinic
    institution academy magazine journal press books publishers museum library church mosque hospice
    consultancy holdings partners laboratories labs motors international reserve hotel hotels resort
    resorts caucus coalition alliance system cafe café pub inn restaurant bakery brewery register gazette
    programme program chamber laboratory lab observatory
    herald chronicle courier observer house
    """.split()
    )
    | _INDUSTRY_WORDS
    | _PARTY_MEMBERS
    | _CLUB_WORDS
)
# Organisations' words that "for" follows inside their names; not a legislature's, a club's or a
# party's, which "for" follows in other phrases ("Member of Parliament for Sheffield Brightside",
# "played for Rangers for Scotland").
_FOR_JOINS = (
    _ORG_WORDS - _CLUB_WORDS - _PARTY_MEMBERS - {"parliament", "assembly", "congress", "senate", "house"}
)
# Organisation words that alone are a common noun, not a name: "the Board said", "the Office".
# (Congress, Parliament, the Senate, the Army are named so: they are not here.)
_GENERIC = (
    frozenset(
        """ministry council bank company corporation university organisation organization group
    committee agency association union league movement department office court commission institute
    foundation federation authority board fund club college school service services bureau centre
    center hospital clinic institution academy magazine journal museum library church mosque hotel
    resort chamber""".split()
    )
    | _INDUSTRY_WORDS
)


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity found in an article, with how often it is mentioned."""

    entity_id: str
    name: str
    kind: str  # person | organisation | place | other
    mentions: int
    country_code: str | None = None
    aliases: tuple[str, ...] = ()


# Last words that make a name a place ("Gwadar Port", "Karakoram Highway", "South China Sea").
_PLACE_WORDS = frozenset(
    """port harbour harbor highway motorway expressway freeway road pass sea ocean gulf bay river lake
    valley mountain mountains hills desert island islands province region district city county state
    border strait strip airport dam canal peninsula plateau corridor coast area quarter street avenue
    boulevard square strasse straße allee platz st rd ave quay pier bridge village houses pool neck
    sound stadium arena racecourse heights farm""".split()
)
# Of those, the ones a street or district is called by: "Oxford Street" is no mention of Oxford
# (unlike "Gwadar Port" of Gwadar).
_STREET_WORDS = frozenset(
    """coast area quarter street avenue boulevard square strasse straße allee platz st rd ave bridge
    houses stadium arena racecourse""".split()
)
# First words that make a name of two or three words a place ("Port Qasim", "Mount Kenya",
# "Lake Victoria", "Fort Worth", "St Catherine", "Camp David", "Region Two", "Beit Lahia", "Deir
# al-Balah", "San Leandro"): no person's given name.
_PLACE_FIRST_WORDS = frozenset(
    """port mount lake loch river cape fort isle gulf st camp region district province beit deir kafr
    wadi jebel jabal san santa los las""".split()
)
# Lower-case particles of people's names ("Otto von Bismarck", "Ludwig van Beethoven").
_NAME_PARTICLES = frozenset("de del della la le du da van von der den al bin ibn".split())
# An area named after a town is not the town: "Alameda County" is not Alameda.
_AREA_WORDS = frozenset("province region district county state division territory".split())
# Compass words of places ("West Bank", "Leeds North West"): those of demonyms, and "Upper", "Lower".
_COMPASS = _COMPASS_WORDS | {"upper", "lower"}
# Words that end the name of a law, a treaty or a text of law ("Digital Services Act", "Paris
# Agreement", "Online Safety Bill"): no organisation, though their other words may name one.
_LAW_WORDS = frozenset(
    "act bill law directive regulation treaty agreement accord protocol amendment charter declaration".split()
)
# A single word that is one of these names nothing by itself; of the laws' words, not "Bill" and
# "Law", which are also a given name and a surname.
_GENERIC_ALONE = _GENERIC | _PLACE_WORDS | _COMPASS | (_LAW_WORDS - {"bill", "law"})  # "the North"
# Capitalised common nouns of official names: no person is called "Strategic Dialogue"; but a
# person may be called Bill (first place only).
_GIVEN_COMMON = frozenset({"bill"})
_COMMON = frozenset(
    """plan dialogue round era future station initiative agreement summit day week year strategy policy
    programme program project vision community forum conference declaration charter treaty accord
    act bill law award prize cup games fund partnership cooperation pact meeting session report index
    festival festivals championship championships olympics tournament marathon expo biennale concert
    exhibition first second third fourth fifth sixth seventh eighth ninth tenth
    """.split()
)


def _kind_of(name: str, common: Container[str] = frozenset()) -> str:
    """Guess a capitalised name's kind from its words; ``common`` holds words the text also uses in
    lower case (so they are ordinary words there, not parts of a person's name). A surname may be
    a word ("Pamela Price" beside "a price"); a given name that is one makes a phrase ("Strategic
    Dialogue" beside "strategic")."""
    kind, folded = _kind_by_words(name)
    if folded and (folded[0] in common or all(w in common for w in folded)):
        return "other"
    return kind


# Words before a storm's given name ("Storm Darragh", "Hurricane Katrina"): a weather event, no person.
_STORMS = frozenset("storm hurricane typhoon cyclone".split())
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_THREE_CAPITALS = re.compile(r"[A-Z]{3}")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")  # "Paul R. Hale", "George H.W. Bush"


@lru_cache(maxsize=8192)
def _kind_by_words(name: str) -> tuple[str, tuple[str, ...]]:
    """``_kind_of`` without the text: the kind, and for a person the folded words that make it
    "other" instead when the text also uses one of them in lower case."""
    words = name.replace("-", " ").split()
    folded = [w.casefold().strip(".") for w in words]
    if len(folded) == 2 and folded[0] in _COMPASS:  # "West Bank", "South Waziristan"
        return "place", ()
    if len(folded) >= 2 and folded[-1] in _COMPASS:  # "Leeds North West", "Glasgow East"
        head = [w for w in words if w.casefold() not in _COMPASS]
        if head and _lookup(" ".join(head)):
            return "place", ()
    if len(folded) >= 2 and folded[-1] in _LAW_WORDS and "of" not in folded and "for" not in folded:
        # "Digital Services Act", "Paris Agreement": a law or a treaty, not the body its words
        # name; not "Center for Youth Law", "Faculty of Law"
        return "other", ()
    if len(folded) == 2 and folded[-1] in _WEEKDAYS:  # "Black Friday": a day, no person
        return "other", ()
    if len(folded) >= 2 and folded[-2] in _STORMS:  # "Storm Darragh", "Tropical Storm Erin": an event
        return "other", ()
    if len(folded) >= 2 and folded[-1] == "division":  # "Rawalpindi Division", "Premier Division"
        return ("place" if _lookup(" ".join(words[:-1])) else "organisation"), ()
    if not _ORG_WORDS.isdisjoint(folded) or (len(folded) <= 3 and folded[-1] in _PARTY_MEMBER):
        return "organisation", ()  # "Liberal Democrat", "Republican": a party by its member
    if len(folded) >= 2 and folded[-1] in _COMPANY_ENDINGS:
        return "organisation", ()
    if 2 <= len(folded) <= 3 and folded[0] in _CLUB_FIRST_WORDS:
        return "organisation", ()
    if len(folded) >= 2 and folded[-1] == "dal":  # "Janata Dal", "Shiromani Akali Dal": Hindi's "party"
        return "organisation", ()
    if folded and folded[-1] in _PLACE_WORDS:
        return "place", ()
    if (
        len(folded) >= 3
        and folded[1] == "of"
        and (folded[0] in _PLACE_WORDS or folded[0] in _PLACE_FIRST_WORDS)
    ):
        return "place", ()  # "Port of Tanjung Pelepas", "Strait of Hormuz", "Isle of Man"
    if 2 <= len(folded) <= 3 and folded[0] in _PLACE_FIRST_WORDS:
        return "place", ()
    if _ACRONYM.fullmatch(name.replace(".", "")):  # "TTP", "U.N."; not "COVID-19"
        return "organisation", ()
    spaced = name.split()  # "COVID-19" is one word here
    # (An acronym of three capitals or more needs three in a row: most names have none.)
    if (
        len(spaced) > 1
        and _THREE_CAPITALS.search(name)
        and any(
            len(w) > 2
            and w.isupper()
            and _ACRONYM.fullmatch(w)
            and w.lower() not in _ABBREVIATIONS
            and not _ROMAN.fullmatch(w)  # "Pope Leo XIV", "Henry VIII": an ordinal, no acronym
            for w in spaced
        )
    ):
        return "organisation", ()  # "XDA Developers", "NHS Trust": no person's name has an acronym
    if len(spaced) > 1 and spaced[-1].isupper() and spaced[-1].lower() in _ABBREVIATIONS:
        return "other", ()  # "Sony DVD", "Windows PC": a thing of that name, no person
    if (
        2 <= len(spaced) <= 3
        and ("-" not in name or _name_parts(spaced) <= 3)
        and all(
            (0 < i < len(spaced) - 1 and (w in _NAME_PARTICLES or _INITIALS.fullmatch(w))) or _name_word(w)
            for i, w in enumerate(spaced)
        )
        # "Bill" is the one given name among them: "Bill de Blasio" is a person, "Finance Bill" not.
        and not any(w in _COMMON and (i or w not in _GIVEN_COMMON) for i, w in enumerate(folded))
        # Many surnames are also towns ("Warren", "Jackson"): only a country rules a person out.
        and not any((p := _lookup(w)) and p.is_country for w in words)
        # A demonym opens no person's name: "Australian Open", "Native American", "French Open".
        and not is_demonym(words[0])
    ):
        return "person", tuple(folded)
    return "other", ()


# Lower-case parts after a hyphen that make an adjective or a noun, not a name ("Paris-based",
# "Saudi-led", "Sign-up").
_HYPHEN_ADJECTIVES = frozenset(
    "based led born owned backed style run funded made era bound up in out off on to by".split()
)
_SYLLABLE = 5  # the longest lower-case syllable after a hyphen of an East Asian given name ("won")


def _name_word(word: str) -> bool:
    """A capitalised word a person's name may hold: "Raffarin", "O'Neil", "Jean-Pierre", "al-Burhan",
    and the second syllable of a given name ("Jae-won", "Ing-wen"), but not "Paris-based"."""
    if "-" not in word:
        return word[:1].isupper() and word.replace("'", "").isalpha()
    first, *rest = word.replace("'", "").split("-")
    if first in ("al", "el", "ad", "ud") and len(rest) == 1:  # "al-Burhan", "el-Sisi"
        return rest[0][:1].isupper() and rest[0].isalpha()
    return (
        first[:1].isupper()
        and first.isalpha()
        and all(
            p.isalpha() and (p[:1].isupper() or (len(p) <= _SYLLABLE and p not in _HYPHEN_ADJECTIVES))
            for p in rest
        )
    )


def _name_parts(words: Sequence[str]) -> int:
    """How many capitalised parts ``words`` hold ("Jean-Pierre Raffarin" three, "Kim Jae-won" two)."""
    return sum(1 for w in words for p in w.split("-") if p[:1].isupper())


@lru_cache(maxsize=16384)
def _lookup(name: str) -> Place | None:
    """``gazetteer.lookup``, memoised: an article asks for the same names many times. The lookup
    form (``place_key``) of a word of letters only is the word case-folded."""
    return gazetteer().get(name.casefold() if name.isalpha() else place_key(name))


_SPEECH = re.compile(r"[ \t]+(?:said|says|told|added|asked|wrote|argued|explained|noted)\b")


def _a_surname(text: str, word: str) -> bool:
    """Whether ``text`` names a person whose last word is ``word`` ("Warren" of "Elizabeth
    Warren"): the one or two capitalised words before some mention make a person's name."""
    at = text.find(word)
    while at > 0:
        end = at + len(word)
        if text[at - 1] == " " and not (end < len(text) and (text[end].isalnum() or text[end] == "-")):
            before = text[max(0, at - 60) : at - 1].rsplit("\n", 1)[-1].split()[-2:]
            while before and not before[0][:1].isupper():
                before = before[1:]
            if before and before[-1][:1].isupper():
                name = _clean_name(" ".join([*before, word]))
                if name and " " in name and _lookup(name) is None and _kind_by_words(name)[0] == "person":
                    return True
        at = text.find(word, end)
    return False


def _called_organisation(
    text: str,
    name: str,
    lower: Container[str],
    *,
    market: bool = True,
    spans: Sequence[tuple[int, int]] | None = None,
) -> bool:
    """Whether ``text`` calls ``name`` an organisation (``org_cued``): by a sure cue; by what an
    investor holds in it unless ``market`` is False (a city's market takes those: "Beirut shares");
    or by who speaks for it ("a Yukos spokesman"), but not for a one-word name that is a person's
    (after a title, "Mr Blair"; the surname of a name given in full, "Tony Blair") or a word the
    text writes in lower case ("Pensions", the tail of a department's name). ``spans``:
    ``mention_spans(text, name)``, when the caller has them."""
    cues = org_cued(text, name, spans)
    if "org" in cues or (market and "shares" in cues):
        return True
    return "spokes" in cues and (
        " " in name
        or not (name.casefold() in lower or person_titled(text, name, spans) or _a_surname(text, name))
    )


@lru_cache(maxsize=16384)
def _places_named(piece: str) -> tuple[str, tuple[Place, ...]] | None:
    """The places a capitalised run names ("Gwadar Port" is Gwadar, "China-Pakistan" both), with
    the cleaned name, or None when it names none."""
    if "The " in piece:  # "(In) The Hague", "The Bronx": "The" is part of the name
        words = piece.split()
        i = 0
        while i < len(words) - 1 and words[i] != "The" and words[i].lower() in _NOT_NAMES:
            i += 1
        if words[i] == "The" and (whole := _lookup(" ".join(words[i:]))) is not None:
            return " ".join(words[i:]), (whole,)
    name = _clean_name(piece)
    if not name:
        return None
    if (whole := _lookup(name)) is not None:
        return name, (whole,)
    words = name.split()
    if (
        len(words) > 1
        and (last := words[-1].casefold()) in _PLACE_WORDS
        and last not in _AREA_WORDS
        and last not in _STREET_WORDS
        and _lookup(" ".join(words[:-1]))
    ):
        parts = [" ".join(words[:-1])]  # "Gwadar Port" is a mention of Gwadar
    elif "-" in name:
        parts = name.split("-")  # "China-Pakistan": both, when both are places
    else:
        return None  # (the name alone, which names no place)
    places = [_lookup(p) for p in parts]
    if not all(places):
        return None
    return name, tuple(p for p in places if p is not None)


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


def extract_entities(
    title: str, body: str, rules: Sequence[EntityRule] = (), *, language: str | None = None
) -> list[Entity]:
    """People, organisations and places in an article, one row per entity with its mention count.

    Watchlist rules match first (longest alias first, each span counted once; a person's bare
    surname counts only when the full name is also there). Remaining capitalised names are
    resolved against the gazetteer (places, with their country) or typed by their words. In a
    text of another ``language`` than English (ISO 639-1; None: not known) names of no kind are
    left out: the rules that tell a name from a capitalised word are English ones, and some
    languages capitalise every noun.
    """
    load_tables()  # once a process: the demonyms', languages' and given names' tables
    text = f"{title}.\n{body}"
    masked: list[str] | None = None  # the text's characters, once a pattern masks some
    found: dict[str, Entity] = {}
    counts: Counter[str] = Counter()
    meta: dict[str, tuple[str, str, str | None, tuple[str, ...]]] = {}

    hits: Counter[int] = Counter()
    lone_hits: Counter[int] = Counter()
    current = text  # "".join(masked), rebuilt only when a pattern masked something
    lowered = text.lower()
    # (A substring test each finds the four characters faster than a regex or a set intersection.)
    aligned = len(lowered) == len(text)  # no character lower-cases to two: the same positions
    plain = aligned and (text.isascii() or not any(c in text for c in _FOLDS_TO_ASCII))
    table = _alias_table(rules, PLACE_KIND_WORDS)
    # Where each lead occurs, case aside, in one pass: a plain text's lower-case form has the same
    # positions (no character there lower-cases to two or to an ASCII letter). The same pass finds
    # the words for kinds of place (``place_cued_names``).
    starts: dict[str, list[int]] | None = None
    kind_words: list[tuple[int, tuple[str, bool]]] | None = None
    if aligned:
        leads_at, kind_words = lead_starts(table, lowered)
        starts = leads_at if plain else None
    for i, pat, lone, ignore_case, lead, lead_lower in table.tried(starts):
        if starts is not None and lead_lower:
            at = starts.get(lead_lower)
            if at and not ignore_case:
                at = [a for a in at if text.startswith(lead, a)]
            if not at:
                continue
            # Masked spans hold no lead: the pattern fails there, as a search of ``current`` skips them.
            found_here = matches_at(pat, current, at)
        elif ignore_case:  # a lead the lower-case text cannot place, or none: every position
            found_here = _finditer(pat, current, None)
        elif lead not in text:
            continue
        else:
            found_here = _finditer(pat, current, (current, lead))
        changed = False
        for m in found_here:
            if masked is None:
                masked = list(text)
            masked[m.start() : m.end()] = "|" * (m.end() - m.start())
            hits[i] += 1
            lone_hits[i] += lone
            changed = True
        if changed and masked is not None:
            current = "".join(masked)
    for i, n in hits.items():
        if n > lone_hits[i]:  # a bare surname alone does not name the person
            rule = rules[i]
            counts[rule.entity_id] += n
            meta[rule.entity_id] = (rule.name, rule.kind, rule.country_code, rule.aliases)
    rest = "".join(masked) if masked is not None else text

    # Places anywhere (sentence starts included): the gazetteer is the evidence, not the position.
    watched = frozenset(counts)  # the watchlist's entities
    sure: set[str] = set(counts)  # a watchlist's match is sure wherever it stands
    datelines: frozenset[str] | None = None  # dateline_places(text), when a name in capitals asks
    borne: dict[str, bool] = {}  # one-word place -> whether a person of the text bears it
    # one-word city -> the kind the text gives it instead of a place's: a disease's name ("other")
    # or an organisation's; None: the city
    run: dict[str, str | None] = {}
    text_lower: _LowerWords | None = None  # the words ``text`` writes in lower case, when a city asks
    runs = _name_runs(rest)
    masks: list[tuple[int, int]] = []  # the spans of ``rest`` masked below: its runs elsewhere stay
    for run_at, raw in runs:
        for offset, piece, named in _run_parts(raw)[1]:  # _run_places
            if (
                " " not in piece
                and not named[1][0].is_country
                # a region; a city only where the person speaks ("Roxanne Delgado ... Delgado
                # said"), as "Madrid" of "Real Madrid" is a surname by these words too
                and (
                    named[1][0].entity_id.startswith("iso:")
                    or _SPEECH.match(rest, run_at + offset + len(piece))
                )
            ):
                if piece not in borne:
                    borne[piece] = _a_surname(text, piece)
                if borne[piece]:
                    continue  # "Ana Herrera ... Herrera": the person, not Panama's Herrera
            if " " not in named[0] and named[1][0].is_city:
                city = named[0]
                if city not in run:
                    if names_a_disease(text, city):  # "Marburg virus": the disease, not the town
                        run[city] = "other"
                    else:  # "Toyota shares", "a Toyota spokeswoman": the company, not the city
                        text_lower = _LowerWords(text) if text_lower is None else text_lower
                        called = _called_organisation(text, city, text_lower, market=False)
                        # else a planet's name is the planet's ("past Mars to Jupiter", not the
                        # town in Florida), and another town's the town's
                        run[city] = (
                            "organisation" if called else "other" if city.casefold() in _PLANETS else None
                        )
                if kind := run[city]:
                    eid = f"{kind}:{slug(city)}"
                    counts[eid] += 1
                    meta[eid] = (city, kind, None, ())
                    a = run_at + offset
                    rest = rest[:a] + "|" * len(piece) + rest[a + len(piece) :]
                    masks.append((a, a + len(piece)))
                    continue
            places = named[1]
            a = run_at + offset
            # "Reading the report", "Nice try": a one-word city opening a body sentence may be
            # an ordinary word; it counts when it is also named elsewhere.
            # A line that holds nothing but the name (a dateline, a letter's signature) is
            # no sentence: there it names the place. After a word that opens the sentence
            # ("In Karachi, ...") it is a name.
            opening = (
                a > len(title)
                and _opens_sentence(rest, a)
                and piece.startswith(named[0])
                and not _alone_on_line(rest, a, piece)
            )
            if opening and piece.isupper():  # "TAMALE, Ghana - ...": a dateline names its place
                datelines = dateline_places(text) if datelines is None else datelines
                opening = piece.casefold() not in datelines
            for place in places:
                counts[place.entity_id] += 1
                meta[place.entity_id] = (place.name, "place", place.country_code or None, ())
                if not opening or not place.is_city or " " in place.name:
                    sure.add(place.entity_id)
            # Blank it so the name pass below does not count it again.
            rest = rest[:a] + "|" * len(piece) + rest[a + len(piece) :]
            masks.append((a, a + len(piece)))
    for eid in [e for e in counts if e.startswith("geonames:") and e not in sure]:
        del counts[eid]
    lower = _LowerWords(rest)
    cued = place_cued_names(text, lowered, kind_words)
    quoted: frozenset[str] | None = None  # _quoted(text), when a person's name asks
    for name, n in _names_outside_headings(rest, runs, masks).items():
        if "|" in name or all_demonyms(name, groups=True) or people_of_place(name):  # "Chinese", "Muslims"
            continue
        head, of, tail = name.rpartition(" of ")
        if of and _kind_by_words(head)[0] == "person" and (home := _lookup(tail)) is not None:
            # "Pramila Jayapal of Washington": a person, and the place she is from or speaks for
            counts[home.entity_id] += n
            meta[home.entity_id] = (home.name, "place", home.country_code or None, ())
            name = head
        elif of and _kind_by_words(head)[0] == "person" and _kind_by_words(tail)[0] == "organisation":
            # "Imran Qureshi of West Yorkshire Police": a person, and the organisation she works for
            org = f"organisation:{slug(tail)}"
            counts[org] += n
            meta[org] = (meta[org][0] if org in meta else tail, "organisation", None, ())
            name = head
        kind = _kind_of(name, lower)
        rest_of_name = _after_adjective(name)
        if rest_of_name is not None and _kind_of(rest_of_name, lower) == "person":
            # "American Andy Roddick", "Republican Mitt Romney": an adjective before the person's
            # name (a demonym opens no person's name, so ``kind`` may not be "person")
            name, kind = rest_of_name, "person"
        if kind == "person":
            quoted = _quoted(text) if quoted is None else quoted
            if name in quoted:
                kind = "other"  # a title the text quotes ("Salt Roads", a film): no person
            elif after_the(text, name):
                kind = "organisation"  # "published in The Lancet Oncology": a title, no person
            elif kind_after(text, name):
                kind = "organisation"  # "the Emergency Lawyers group"
        if kind in ("other", "person") and name.casefold() in cued:
            kind = "place"  # "Sindh province", "the Indus River"
        # (The name's mentions found once for the organisation's cues and the person's title.)
        elif kind == "other" and _called_organisation(
            text, name, lower, spans=(spans := mention_spans(text, name))
        ):
            kind = "organisation"  # "the company Showa Denko K.K.", "and The Intercept", "a Uefa spokesman"
        elif (
            kind == "other" and (" " not in name or _holds_country(name)) and person_titled(text, name, spans)
        ):
            # "President Bush", "Mr Blair": a surname after a person's title; "Prime Minister Luís
            # Montenegro", whose surname is a country's name
            kind = "person"
        if kind == "other" and " " not in name and name.casefold() in lower:
            continue  # "Ministers", "Plan": a common word of this text, capitalised in a heading
        if kind == "other" and name.split(" ", 1)[0].casefold() in _ORDINALS:
            continue  # "the Seventh Round of ...": a phrase capitalised as a title, no name
        if " " not in name and name.casefold() in _GENERIC_ALONE:
            continue  # "the Board", "Magazine" of "+972 Magazine": a common noun alone
        if kind == "other" and " " not in name and is_language(name):
            continue  # "translated into Urdu": a language names no entity
        if " " in name and name.isupper():
            # Capitals give no cue to a name: a dateline's place stays, the rest ("OBSERVER
            # ONLINE" of "ST CATHERINE, Jamaica (OBSERVER ONLINE) —", "BREAKING NEWS") goes.
            datelines = dateline_places(text) if datelines is None else datelines
            if name.casefold() not in datelines:
                continue
            kind = "place"
        eid = f"{kind}:{slug(name)}"
        code = None
        if kind == "place":  # "Gwadar Port" is in the country Gwadar is in
            first = _lookup(name.split()[0])
            code = first.country_code if first else None
        if eid in meta and meta[eid][0] != name:  # same slug, other spelling: keep the first
            name = meta[eid][0]
        counts[eid] += n
        meta[eid] = (name, kind, code, ())
    _merge_acronyms(counts, meta, text)
    _merge_into_kind_names(counts, meta)
    _merge_short_forms(counts, meta, lower, body)  # a headline may use the surname first
    _merge_company_names(counts, meta)
    english = reads_english(language)
    for eid, n in counts.items():
        name, kind, code, aliases = meta[eid]
        if kind != "other" or english or eid in watched:  # a watchlist's entry counts in any language
            found[eid] = Entity(eid, name, kind, n, code, aliases)
    return sorted(found.values(), key=lambda e: (-e.mentions, e.name))


def _holds_country(name: str) -> bool:
    """Two or three words a person's name may hold (``_name_word``), one of them a country's name
    ("Luís Montenegro"), which is why ``_kind_by_words`` did not make them a person."""
    words = name.split(" ")
    return (
        len(words) <= 3
        and all(_name_word(w) for w in words)
        and any((p := _lookup(w)) is not None and p.is_country for w in words)
    )


def _after_adjective(name: str) -> str | None:
    """What follows the adjective that opens ``name``, when two words or more follow it: a demonym
    ("American Andy Roddick") or a party's member in the singular ("Republican Mitt Romney",
    "Liberal Democrat Charles Kennedy"); else None."""
    words = name.split(" ")
    if len(words) > 3 and words[1].casefold() in _PARTY_MEMBER:
        return " ".join(words[2:])
    if len(words) > 2 and (is_demonym(words[0]) or words[0].casefold() in _PARTY_MEMBER):
        return " ".join(words[1:])
    return None


def _alone_on_line(text: str, at: int, piece: str) -> bool:
    """Whether the line of ``text`` holding ``piece`` at ``at`` holds nothing else."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return text[start : end if end >= 0 else len(text)].strip(" .,") == piece


def _names_outside_headings(
    text: str, runs: list[tuple[int, str]] | None = None, changed: Sequence[tuple[int, int]] = ()
) -> Counter[str]:
    """``find_names``, except that a name only title-case lines hold does not count: a headline
    or heading written in title case ("Pregnant Women and Infants") capitalises every word.
    ``runs``: the capitalised runs of a text that ``text`` differs from only in the ``changed``
    spans (``_runs_after``), else None."""
    spans = title_case_spans(text)
    if runs is None:
        runs, changed = _name_runs(text), ()
    if not spans:
        return _find_names(text, _runs_after(text, runs, changed))
    blanked = _blanked(text, spans)
    names = _find_names(blanked, _runs_after(blanked, runs, [*changed, *spans]))
    for name, n in find_names("\n".join(text[a:b] for a, b in spans)).items():
        if name in names:
            names[name] += n
    return names


def _blanked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` (ascending starts) turned to spaces, joined from
    slices: a list of the text's characters cost ~4x more."""
    parts: list[str] = []
    at = 0
    for a, b in spans:
        a = max(a, at)  # the spans of ``title_case_spans`` do not overlap; if some did, their union
        if b > a:
            parts += (text[at:a], " " * (b - a))
            at = b
    parts.append(text[at:])
    return "".join(parts)


_QUOTED = re.compile(r'"([^"\n]{1,80})"|“([^”\n]{1,80})”')


def _quoted(text: str) -> frozenset[str]:
    """Every short quotation of ``text``, without its marks."""
    return frozenset(a or b for a, b in _QUOTED.findall(text))


def _merge_short_forms(counts: Counter[str], meta: dict[str, Any], lower: Container[str], text: str) -> None:
    """ "Martin Yarmush ... Yarmush said", "Bill de Blasio ... De Blasio": a later mention by the
    surname is the person named in full (one entity with every mention, not a second one of no
    kind), when exactly one person of the article has that surname and the text names the person
    in full before it uses the surname alone, as writers introduce people. Only a full name whose
    other words look like given names counts: no demonym, place, capitals or word the text writes
    in lower case ("German Reich", "Tory MPs", "Seeking Solitude" keep "Reich", "Solitude" apart)."""
    shorts = {  # folded name -> id, of the names that may be a surname
        meta[e][0].casefold().removesuffix("'s"): e
        for e in counts
        if meta[e][1] in ("person", "other") and not meta[e][0].rstrip("s").isupper()  # "MPs", "BBC"
    }
    people: dict[str, str | None] = {}  # folded trailing words -> the person's id (None: two have them)
    for eid in counts:
        name, kind = meta[eid][0], meta[eid][1]
        words = name.split()
        if kind != "person" or len(words) < 2:
            continue
        for i in range(1, len(words)):
            head, tail = words[:i], words[i:]
            short = " ".join(tail).casefold()
            if short not in shorts:
                continue
            if _INITIALS.fullmatch(tail[0]) or all(w.casefold() in _NAME_PARTICLES for w in tail):
                continue  # "de Blasio" may stand for the person, "T. Jones" or "de" not
            if not all(_given_like(w, lower) for w in head) or _lookup(" ".join(head)) is not None:
                break
            people[short] = eid if people.get(short, eid) == eid else None
    for short, person in people.items():
        eid = shorts[short]
        if person is not None and person != eid and _named_first(text, meta[person][0], meta[eid][0]):
            counts[person] += counts.pop(eid)


def _merge_company_names(counts: Counter[str], meta: dict[str, Any]) -> None:
    """ "Samsung Electronics ... Samsung": a one-word name (``_company_short_form``) that is the
    first word of exactly one organisation's name, the rest of which are words of organisations
    (``_company_word``), is that organisation."""
    firsts: dict[str, str | None] = {}
    for eid in counts:
        name, kind = meta[eid][0], meta[eid][1]
        first, _, rest = name.partition(" ")
        if kind == "organisation" and rest and all(_company_word(w.casefold()) for w in rest.split()):
            key = first.casefold()
            firsts[key] = eid if firsts.get(key, eid) == eid else None
    for eid in [e for e in counts if " " not in meta[e][0] and _company_short_form(meta[e][0], meta[e][1])]:
        org = firsts.get(meta[eid][0].casefold().removesuffix("'s"))
        if org is not None:
            counts[org] += counts.pop(eid)


def _company_word(folded: str) -> bool:
    """A word of an organisation's name after its own name ("Corp", "Networks")."""
    return folded in _ORG_WORDS or folded in _COMPANY_ENDINGS


def _company_short_form(name: str, kind: str) -> bool:
    """A one-word name that may stand for a company named in full: of no kind, or an organisation
    by its context ("Microsoft shares" beside "Microsoft Corp"); not an acronym ("BBC") nor a word
    for an organisation ("Army" beside "Army Board")."""
    return kind == "other" or (
        kind == "organisation" and not name.isupper() and name.casefold() not in _ORG_WORDS
    )


def _named_first(text: str, full: str, short: str) -> bool:
    """Whether ``text`` names ``full`` before it writes ``short`` on its own."""
    first_full = text.find(full)
    if first_full < 0:  # written otherwise ("Bill T. Jones" for "Bill Jones"): no order to go by
        return True
    at = text.find(short)
    while at >= 0 and first_full <= at < first_full + len(full):
        at = text.find(short, at + 1)
    return at < 0 or first_full < at


def _given_like(word: str, lower: Container[str]) -> bool:
    """A word that may be a given name, a middle initial or a particle of a person's name."""
    folded = word.casefold()
    if _INITIALS.fullmatch(word) or folded in _NAME_PARTICLES:
        return True
    return not (word.isupper() or folded in lower or all_demonyms(word) or _lookup(word) is not None)


# An acronym in brackets after a name: "Rapid Support Forces (RSF)" (the name is read from the words
# before it, at most ``_ACRONYM_WORDS``).
_BRACKETED_ACRONYM = re.compile(r"[ \t]\(([A-Z]{2,8})\)")
_ACRONYM_WORDS = 9
_ACRONYM_SKIPS = frozenset("of for and the on in de du des la le el al".split())


def _merge_acronyms(counts: Counter[str], meta: dict[str, Any], text: str) -> None:
    """ "Rapid Support Forces (RSF) ... the RSF": an acronym the text defines in brackets after a
    name, whose letters are the initials of that name's last words (small words such as "of" and
    "the" may be skipped), is that name: one entity with every mention. (The acronym is no stored
    alias: another article may use it alone, without defining it.)"""
    acronyms = {meta[e][0]: e for e in counts if meta[e][0].isupper()}
    if not acronyms or " (" not in text:
        return
    by_name: dict[str, str] | None = None
    for m in _bracketed_acronyms(text):
        acronym = m.group(1)
        short = acronyms.get(acronym)
        if short is None:  # not an entity, or merged already
            continue
        by_name = {meta[e][0]: e for e in counts} if by_name is None else by_name
        line = text[max(0, m.start() - 120) : m.start()].rsplit("\n", 1)[-1]
        words = line.split()[-_ACRONYM_WORDS:]
        for k in range(len(words) - 1, -1, -1):  # the shortest name that ends the run and is an entity
            full = by_name.get(" ".join(words[k:]))
            if full is None or full == short:
                continue
            kept = [w for w in words[k:] if w.casefold() not in _ACRONYM_SKIPS]
            initials = "".join(w[0] for w in kept)
            # "Pakistan Tehreek-e-Insaf (PTI)": the capitalised parts of a hyphenated word count too
            parts = "".join(
                p[0] for w in kept for i, p in enumerate(w.split("-")) if p and (not i or p[0].isupper())
            )
            if acronym in (initials.upper(), parts.upper()):
                counts[full] += counts.pop(short)
                del acronyms[acronym]
                break


def _bracketed_acronyms(text: str) -> Iterator[re.Match[str]]:
    """``_BRACKETED_ACRONYM.finditer(text)``, tried only before each "(" (its one bracket, which a
    text holds a few of): the pattern's search tried every space and tab."""
    at = text.find("(", 1)
    while at >= 0:
        m = _BRACKETED_ACRONYM.match(text, at - 1)
        if m is not None:
            yield m
        at = text.find("(", at + 1)


def _merge_into_kind_names(counts: Counter[str], meta: dict[str, Any]) -> None:
    """ "the Indus River ... the Indus": the bare name counts as the place its longer form names
    (one entity, not two), when both are places the gazetteer does not know."""
    for eid in [e for e in counts if e.startswith("place:")]:
        words = meta[eid][0].split()
        if len(words) > 1 and words[-1].casefold() in _PLACE_WORDS:
            bare = f"place:{slug(' '.join(words[:-1]))}"
            if bare in counts and bare != eid:
                counts[eid] += counts.pop(bare)
