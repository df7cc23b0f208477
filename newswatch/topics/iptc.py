"""The IPTC Media Topics vocabulary (sources/iptc/mediatopics_en.tsv, CC BY 4.0, © IPTC).

Used two ways: tests check the default taxonomy's codes and labels against it, and a taxonomy may
name it in ``[settings] iptc_vocabulary`` so that each topic with an IPTC code also matches, as
weak terms, the labels of the IPTC topics below it ("corporate earnings", "currency" under
economy, business and finance) that the taxonomy does not list itself.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Mapping
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=4)
def read_vocabulary(path: str) -> dict[str, dict[str, str]]:
    """code -> row (code, label, parent_code, level, definition, retired) of a Media Topics TSV."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = {row["code"]: row for row in csv.DictReader(fh, delimiter="\t")}
    if not rows or "label" not in next(iter(rows.values())):
        raise ValueError("not an IPTC Media Topics TSV (columns code, label, parent_code, ...)")
    return rows


def label_terms(label: str) -> list[str]:
    """The phrases of a label: "arts, culture and entertainment" gives arts, culture, entertainment."""
    out = []
    for part in re.split(r"\s*(?:,|;|/|\band\b|\bor\b)\s*", label.casefold()):
        part = re.sub(r"\([^)]*\)", "", part).strip(" -")
        if len(part) > 3 and len(part.split()) <= 3:
            out.append(part)
    return out


def descendant_terms(
    vocab: dict[str, dict[str, str]],
    code: str,
    skip: Collection[str] = (),
    roots: Mapping[str, set[str]] | None = None,
) -> list[str]:
    """Label phrases of the topics in use below ``code``, leaving out the subtrees under ``skip``.

    A one-word phrase that the labels under another top-level topic also use is left out: the
    vocabulary itself says the word is ambiguous ("recall", of "citizens' initiative and recall"
    under election, is also "product recall" under economy). ``roots`` is ``words_by_root(vocab)``,
    made once for many calls."""
    children: dict[str, list[str]] = {}
    for c, row in vocab.items():
        if row.get("retired", "no") == "no" and row.get("parent_code"):
            children.setdefault(row["parent_code"], []).append(c)
    terms: list[str] = []
    stack = list(children.get(code, []))
    while stack:
        c = stack.pop()
        if c in skip:
            continue
        terms.extend(label_terms(vocab[c]["label"]))
        stack.extend(children.get(c, []))
    roots = words_by_root(vocab) if roots is None else roots
    root = _root(vocab, code)
    elsewhere = set().union(*(words for r, words in roots.items() if r != root))
    return sorted({t for t in terms if " " in t or t not in elsewhere})


def _root(vocab: dict[str, dict[str, str]], code: str) -> str:
    while vocab[code].get("parent_code"):
        code = vocab[code]["parent_code"]
    return code


def words_by_root(vocab: dict[str, dict[str, str]]) -> dict[str, set[str]]:
    """Top-level topic -> the words of the labels in use under it (itself included)."""
    out: dict[str, set[str]] = {}
    for c, row in vocab.items():
        if row.get("retired", "no") == "no":
            out.setdefault(_root(vocab, c), set()).update(re.findall(r"[\w'-]+", row["label"].casefold()))
    return out


def resolve(path: str | Path, base: Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() else base / p
