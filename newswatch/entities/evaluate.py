"""Scoring entity extraction against hand labels (``bench/names.py``, tests/fixtures/names/).

A labelled page lists its people, organisations and places (each with the other forms the page
uses, "Malone" for "Thomas Malone") and its *neutral* names: named things that are none of the three
(a book title, a product, a law, an event). Scoring is per page and per distinct name:

- a predicted name that is a labelled entity's name or alias is correct (a second prediction of the
  same entity, "Malone" beside "Thomas Malone", is correct too and counted as a duplicate); so is
  the gazetteer's name of a labelled place ("United States" where the page writes "US");
- a predicted name that is a neutral name, or a run of whole words of one, is ignored;
- any other predicted name is a false entity;
- recall is the share of labelled entities that at least one prediction names; kind accuracy is the
  share of correct predictions whose kind is the labelled kind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newswatch.entities.names import entity_key

_DOTS = re.compile(r"(?<=\w)\.(?=\w|\s|$)")


def label_key(name: str) -> str:
    """The form names are compared in: folded, without dots, a possessive or a leading "the"."""
    key = entity_key(_DOTS.sub("", name.replace("’", "'")))
    key = re.sub(r"'s$", "", key)
    return key.removeprefix("the ").replace(",", "").strip()


@dataclass(frozen=True, slots=True)
class LabelledPage:
    page: str  # the file name of tests/fixtures/news_html without ".html.gz"
    split: str  # "dev" (rules were developed on it) or "report" (chose nothing)
    entities: tuple[tuple[str, str, tuple[str, ...]], ...]  # (name, kind, aliases)
    neutral: tuple[str, ...]


def read_labels(path: Path) -> list[LabelledPage]:
    """The labelled pages of a JSON Lines file; a bad line fails naming the file and line."""
    pages = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            ents = tuple((e["name"], e["kind"], tuple(e.get("aliases", ()))) for e in row["entities"])
            pages.append(LabelledPage(row["page"], row["split"], ents, tuple(row.get("neutral", ()))))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a labelled page: {exc}") from exc
    return pages


@dataclass
class Score:
    predicted: int = 0  # distinct predicted names, neutral ones excluded
    correct: int = 0
    duplicates: int = 0  # correct predictions of an entity another prediction already named
    gold: int = 0
    found: int = 0
    kind_right: int = 0
    false: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    wrong_kind: list[str] = field(default_factory=list)  # correct names of another kind

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_right / self.correct if self.correct else 1.0

    def add(self, other: Score) -> None:
        for name in ("predicted", "correct", "duplicates", "gold", "found", "kind_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.false += other.false
        self.missed += other.missed
        self.wrong_kind += other.wrong_kind


def _is_part_of(key: str, neutral: Iterable[str]) -> bool:
    """Whether ``key`` is a neutral name or a run of whole words of one."""
    return any(f" {key} " in f" {n} " for n in neutral)


def score_page(page: LabelledPage, predicted: Iterable[tuple[str, str]]) -> Score:
    """Score (name, kind) predictions for one labelled page."""
    from newswatch.entities.gazetteer import lookup

    owner: dict[str, int] = {}
    for i, (name, _kind, aliases) in enumerate(page.entities):
        for form in (name, *aliases):
            owner.setdefault(label_key(form), i)
    for i, (name, _kind, aliases) in enumerate(page.entities):
        for form in (name, *aliases):  # a place is stored under the gazetteer's name ("US": United States)
            if (place := lookup(form)) is not None:
                owner.setdefault(label_key(place.name), i)
    neutral = [label_key(n) for n in page.neutral]
    score = Score(gold=len(page.entities))
    named: set[int] = set()
    seen: set[str] = set()
    for name, kind in predicted:
        key = label_key(name)
        if not key or key in seen:
            continue
        seen.add(key)
        which = owner.get(key)
        if which is None:
            if not _is_part_of(key, neutral):
                score.predicted += 1
                score.false.append(f"{page.page}: {name} ({kind})")
            continue
        score.predicted += 1
        score.correct += 1
        score.duplicates += which in named
        score.kind_right += kind == page.entities[which][1]
        if kind != page.entities[which][1]:
            score.wrong_kind.append(f"{page.page}: {name} ({kind}, labelled {page.entities[which][1]})")
        named.add(which)
    score.found = len(named)
    score.missed = [
        f"{page.page}: {page.entities[i][0]}" for i in range(len(page.entities)) if i not in named
    ]
    return score
