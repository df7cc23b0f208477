"""Build newswatch/entities/given_names.txt: given names in Latin script, from Faker's person tables.

The names pass reads a role word after a capitalised word as that word's remit or place ("Colorado
Governor", "Health Secretary") and drops it; after a given name it is a surname ("John Major",
"Julie Bishop", "Aaron Judge"). This script writes down the given names that tell the two apart:
every first name (male, female, non-binary) of every locale of Faker's person provider (MIT,
© 2012 Daniele Faraglia), in Latin letters (hyphens inside allowed: "Jean-Pierre"), one word.

    pip download --no-deps faker -d /tmp/fk && unzip -q /tmp/fk/*.whl -d /tmp/fk
    python bench/build_given_names.py /tmp/fk

The file's header carries Faker's MIT licence, read from the wheel's dist-info. newswatch does not
depend on Faker; only rebuilding the file needs this script.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "newswatch" / "entities" / "given_names.txt"
_ATTRIBUTES = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")


def _latin(name: str) -> bool:
    """One word of Latin letters (a hyphen inside allowed), capitalised, two letters or more."""
    letters = name.replace("-", "")
    return (
        len(letters) >= 2
        and name[:1].isupper()
        and not name.startswith("-")
        and not name.endswith("-")
        and all(c.isalpha() and "LATIN" in unicodedata.name(c, "") for c in letters)
    )


def given_names(wheel: Path) -> tuple[str, set[str]]:
    """Faker's version and the Latin-script first names of every locale in the unpacked ``wheel``."""
    sys.path.insert(0, str(wheel))
    import faker
    import faker.providers.person as person

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        for attribute in _ATTRIBUTES:
            # the class's own table or an inherited one (a property on the base class is no table)
            table = next((c.__dict__[attribute] for c in provider.__mro__ if attribute in c.__dict__), None)
            if isinstance(table, dict | tuple | list | set | frozenset):
                names.update(n for n in table if isinstance(n, str) and _latin(n))
    return faker.VERSION, names


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wheel", type=Path, help="Faker's unpacked wheel (holding faker/ and its dist-info)")
    args = ap.parse_args(argv)
    found = sorted(args.wheel.glob("faker-*.dist-info/licenses/LICENSE*")) or sorted(
        args.wheel.glob("[Ff]aker-*.dist-info/LICENSE*")
    )
    if not found:
        ap.error(f"{args.wheel}: no Faker licence in it (unpack the whole wheel)")
    licence = ["# " + line if line else "#" for line in found[0].read_text(encoding="utf-8").splitlines()]
    release, names = given_names(args.wheel)
    header = [
        "# Given names in Latin script: a role word after one is a surname (John Major, Julie Bishop).",
        "# Built by bench/build_given_names.py; do not edit by hand.",
        f"# From Faker {release}'s person provider, every locale's first names. Faker's licence:",
        "#",
        *licence,
        "#",
    ]
    OUT.write_text("\n".join(header + sorted(names)) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(names)} given names")


if __name__ == "__main__":
    main()
