"""A story's summary: two or three sentences taken from its versions, the ones they share most.

Extractive and deterministic (numpy only). Each original version (copies say what their original
says, so they are left out) is split into sentences; a sentence is a set of content words. A
sentence scores by *support*: for every other version, its best cosine with a sentence of that
version, averaged over the other versions; what several outlets all say is what the story is. A
story with one version has no support to measure, so its sentences score by *centrality* (cosine
with the version's own word profile). A little centrality and an early position break near ties.
With several versions, a sentence whose support is under ``MIN_SUPPORT`` (no other version says
anything like it) is used only to bring a summary up to two sentences.
Sentences are chosen best first, skipping one that repeats a chosen one (cosine over
``REDUNDANT``), and shown in the order the story tells them.

``best_version`` picks the version whose text is closest to all the others (with the most copies
first): its headline is the story's headline in the digest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newswatch.text import fold

MAX_SENTENCES = 3
MAX_CHARS = 480  # a summary longer than this stops at two sentences
MAX_VERSIONS = 24  # versions read per story: enough to find what is shared, bounded cost
MAX_PER_VERSION = 40  # sentences read per version (the lead carries the story)
REDUNDANT = 0.6
MIN_SUPPORT = 0.25  # a sentence no other version comes near to saying is not "shared"
MIN_WORDS, MAX_WORDS = 6, 70

_SPLIT = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n+")
_WORD = re.compile(r"[^\W\d_][\w'\-]*")
_STOP = frozenset(
    """a an the and or but if then than that this these those there here of in on at to for from with
    by about as into over after before under between through during without within is are was were be
    been being has have had do does did will would shall should can could may might must it its it's
    he she they them his her their our we you your i me my not no nor so too very also just said says
    say told tell according who whom whose which what when where why how all any both each few more
    most other some such only own same than s t new one two""".split()
)


@dataclass(frozen=True, slots=True)
class Version:
    article_id: str
    title: str
    text: str  # deck and body
    copies: int = 0  # copies of this original in the story


def sentences(text: str) -> list[str]:
    """The sentences of a text worth showing alone (not too short, not a run-on, not a fragment)."""
    out = []
    for raw in _SPLIT.split(text):
        s = " ".join(raw.split())
        n = len(s.split())
        if not (MIN_WORDS <= n <= MAX_WORDS) or s[-1:] not in '.!?"”’)' or s.endswith("..."):
            continue
        if s.count("“") != s.count("”") or s.count('"') % 2:  # a piece of a quotation, cut off
            continue
        out.append(s)
    return out


def _terms(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold(text)) if w not in _STOP and len(w) > 2}


def _matrix(bags: Sequence[set[str]]) -> np.ndarray:
    """Rows: L2-normalised binary term vectors (vocabulary in sorted order: deterministic)."""
    vocab = {t: i for i, t in enumerate(sorted(set().union(*bags)))} if bags else {}
    m = np.zeros((len(bags), max(1, len(vocab))), dtype=np.float32)
    for r, bag in enumerate(bags):
        for t in bag:
            m[r, vocab[t]] = 1.0
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)


def best_version(versions: Sequence[Version]) -> int:
    """Index of the version most like all the others (most copies first, then earliest), among the
    first ``MAX_VERSIONS``."""
    versions = list(versions)[:MAX_VERSIONS]  # the first published: the rest rarely lead
    if len(versions) <= 1:
        return 0
    m = _matrix([_terms(f"{v.title} {v.text}") for v in versions])
    sims = m @ m.T
    np.fill_diagonal(sims, 0.0)
    closeness = sims.sum(axis=1) / (len(versions) - 1)
    order = sorted(
        range(len(versions)), key=lambda i: (-versions[i].copies, -round(float(closeness[i]), 6), i)
    )
    return order[0]


def summarise(versions: Sequence[Version], *, title: str = "") -> list[str]:
    """Two or three sentences the versions share most (fewer when the text has fewer)."""
    versions = list(versions)[:MAX_VERSIONS]
    rows: list[tuple[int, int, str]] = []  # (version, position, sentence)
    seen: set[str] = set()
    folded_title = fold(title).strip(" .")
    for v_index, v in enumerate(versions):
        for pos, s in enumerate(sentences(v.text)[:MAX_PER_VERSION]):
            key = fold(s)
            if key in seen or key.strip(" .") == folded_title:
                continue
            seen.add(key)
            rows.append((v_index, pos, s))
    if not rows:
        return []
    bags = [_terms(s) for _, _, s in rows]
    keep = [i for i, b in enumerate(bags) if len(b) >= 3]
    rows, bags = [rows[i] for i in keep], [bags[i] for i in keep]
    if not rows:
        return []
    m = _matrix(bags)
    sims = m @ m.T
    owner = np.array([v for v, _, _ in rows])
    present = sorted(set(owner.tolist()))
    centroid = m.sum(axis=0)
    centrality = (m @ centroid) / max(float(np.linalg.norm(centroid)), 1e-9)
    position = np.array([p for _, p, _ in rows], dtype=np.float32)
    shared = np.ones(len(rows), dtype=bool)
    if len(present) > 1:
        support = np.zeros(len(rows), dtype=np.float32)
        for v in present:
            cols = owner == v
            best = sims[:, cols].max(axis=1)
            support += np.where(owner == v, 0.0, best)
        support /= len(present) - 1
        score = support + 0.2 * centrality
        shared = support >= MIN_SUPPORT
    else:
        score = centrality.astype(np.float32)
    score = score - 0.01 * position
    # Shared sentences first; one only a single version says fills a summary up to two sentences.
    order = sorted(
        range(len(rows)), key=lambda i: (not shared[i], -round(float(score[i]), 6), rows[i][0], rows[i][1])
    )
    chosen: list[int] = []
    length = 0
    for i in order:
        if any(sims[i, j] > REDUNDANT for j in chosen):
            continue
        text = rows[i][2]
        if len(chosen) >= 2 and (length + len(text) > MAX_CHARS or not shared[i]):
            break
        chosen.append(i)
        length += len(text)
        if len(chosen) == MAX_SENTENCES:
            break
    # In the order the story tells them: by position in its version, then by version.
    chosen.sort(key=lambda i: (rows[i][1], rows[i][0]))
    return [rows[i][2] for i in chosen]
