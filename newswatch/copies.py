"""Copies: the same text under another URL, headline or boilerplate.

Two passes, cheapest first: exact keys (canonical URL, then the content hash of the matching form of
the body), then MinHash LSH over word shingles of the body for near-identical text. A copy points at
its group's original (``copy_of``), never at another copy, so a group is one hop deep.

The index is state kept next to the data: signatures are stored in the warehouse with the articles
and the index is rebuilt from them (``CopyIndex.add``) when a run starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from newswatch.records import Article, CopyMatch
from newswatch.settings import CopySettings
from newswatch.text import shingles, words

# Below this many words a body is too short for shingle similarity to mean "the same text".
MIN_WORDS_FOR_NEAR = 40
# The permutation scheme is part of a stored signature: all signatures must share it.
SCHEME = "affine32"


@lru_cache(maxsize=4)
def _empty(num_perm: int) -> MinHash:
    """A MinHash to copy: generating the permutations is most of the cost of a short text's signature."""
    return MinHash(num_perm=num_perm, scheme=SCHEME)


class _Bands:
    """LSH band tables: articles whose signatures agree on a whole band are candidates.

    The same banding as datasketch's ``MinHashLSH`` (its bands and rows for the threshold), kept as
    one dict per band from the band's hash to an article number (or a list of them): ~1 KB per
    article against ~4.3 KB for ``MinHashLSH``'s tables of bytes keys. A hash collision only adds a
    candidate, which the estimated Jaccard check then rejects.
    """

    def __init__(self, threshold: float, num_perm: int) -> None:
        params = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.rows = params.r
        self.tables: list[dict[int, int | list[int]]] = [{} for _ in range(params.b)]
        self.keys: list[str] = []

    def _hashes(self, sig: np.ndarray) -> list[int]:
        r = self.rows
        return [hash(sig[i * r : (i + 1) * r].tobytes()) for i in range(len(self.tables))]

    def insert(self, key: str, sig: np.ndarray) -> None:
        n = len(self.keys)  # one int object, shared by every table
        self.keys.append(key)
        for table, h in zip(self.tables, self._hashes(sig), strict=True):
            cur = table.get(h)
            if cur is None:
                table[h] = n
            elif isinstance(cur, int):
                table[h] = [cur, n]
            else:
                cur.append(n)

    def query(self, sig: np.ndarray) -> list[str]:
        found: set[int] = set()
        for table, h in zip(self.tables, self._hashes(sig), strict=True):
            cur = table.get(h)
            if cur is None:
                continue
            if isinstance(cur, int):
                found.add(cur)
            else:
                found.update(cur)
        return [self.keys[n] for n in sorted(found)]


def signature(text: str, settings: CopySettings) -> np.ndarray | None:
    """The MinHash signature (uint32) of a body's word shingles, or None for short bodies."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS_FOR_NEAR:
        return None
    mh = _empty(settings.num_perm).copy()
    mh.update_batch([s.encode("utf-8") for s in shingles(tokens, settings.shingle_size)])
    return np.asarray(mh.hashvalues, dtype=np.uint32)


def signature_bytes(sig: np.ndarray | None) -> bytes | None:
    return None if sig is None else sig.astype("<u4").tobytes()


def signature_from_bytes(data: bytes | None) -> np.ndarray | None:
    return None if not data else np.frombuffer(data, dtype="<u4").astype(np.uint32)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / float(len(a))


@dataclass(slots=True)
class _Entry:
    root: str  # the group's original
    signature: np.ndarray | None


class CopyIndex:
    """Exact keys and an LSH index over every kept article, resolving matches to group roots."""

    def __init__(self, settings: CopySettings) -> None:
        self.settings = settings
        self._by_url: dict[str, str] = {}
        self._by_hash: dict[str, str] = {}
        self._entries: dict[str, _Entry] = {}
        self._lsh = _Bands(settings.threshold, settings.num_perm)

    def __len__(self) -> int:
        return len(self._entries)

    def add(
        self,
        article_id: str,
        *,
        canonical_url: str,
        content_hash: str,
        copy_of: str | None,
        sig: np.ndarray | None,
    ) -> None:
        """Remember an article (original or copy) so later articles can be matched against it."""
        if article_id in self._entries:
            return
        root = copy_of or article_id
        self._by_url.setdefault(canonical_url, root)
        self._by_hash.setdefault(content_hash, root)
        self._entries[article_id] = _Entry(root, sig)
        if sig is not None:
            self._lsh.insert(article_id, sig)

    def match(self, article: Article, sig: np.ndarray | None) -> CopyMatch | None:
        """The original this article copies, or None if it is an original."""
        me = article.article_id
        root = self._by_url.get(article.canonical_url)
        if root and root != me:
            return CopyMatch(me, root, "canonical_url", 1.0)
        root = self._by_hash.get(article.content_hash)
        if root and root != me:
            return CopyMatch(me, root, "content_hash", 1.0)
        if sig is None:
            return None
        best: tuple[float, str] | None = None
        for key in self._lsh.query(sig):
            entry = self._entries[key]
            if entry.root == me or key == me or entry.signature is None:
                continue
            sim = estimated_jaccard(sig, entry.signature)
            if sim >= self.settings.threshold and (best is None or sim > best[0]):
                best = (sim, entry.root)
        if best is None:
            return None
        return CopyMatch(me, best[1], "minhash", round(best[0], 4))


def assign_copies(
    articles: Sequence[Article], index: CopyIndex, signatures: dict[str, np.ndarray | None]
) -> list[CopyMatch]:
    """Mark copies in a batch against the index and each other; updates ``index``.

    The canonical version of a group is the earliest published; at the same time, the most complete
    text (most words), then the smaller id, so the choice does not depend on input order.
    """
    matches: list[CopyMatch] = []
    for art in sorted(articles, key=lambda a: (a.event_time, -a.word_count, a.article_id)):
        sig = signatures.get(art.article_id)
        found = index.match(art, sig)
        art.copy_of = found.copy_of if found else None
        if found:
            matches.append(found)
        index.add(
            art.article_id,
            canonical_url=art.canonical_url,
            content_hash=art.content_hash,
            copy_of=art.copy_of,
            sig=sig,
        )
    return matches


def signatures_for(articles: Iterable[Article], settings: CopySettings) -> dict[str, np.ndarray | None]:
    return {a.article_id: signature(a.body, settings) for a in articles}
