"""Copies: the same text under another URL, headline or boilerplate.

Two passes, cheapest first: exact keys (canonical URL, then the content hash of the matching form of
the body), then MinHash LSH over word shingles of the body for near-identical text. A copy points at
its group's original (``copy_of``), never at another copy, so a group is one hop deep.

The index is state kept beside the warehouse: ``newswatch.copystore`` persists it as numpy arrays
(``<warehouse>.copyindex/``), a run loads it as the immutable *base* and adds its own articles to a
small in-memory *delta*, appended to the file batch by batch. Signatures are also stored in the
warehouse (``copy_signatures``), from which the file is rebuilt when it is missing, stale or corrupt.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from newswatch.records import Article, CopyMatch
from newswatch.settings import CopySettings
from newswatch.text import shingles, words

# Below this many words a body is too short for shingle similarity to mean "the same text".
MIN_WORDS_FOR_NEAR = 40
# The permutation scheme is part of a stored signature: all signatures must share it.
SCHEME = "affine32"
# Shingles hashed per numpy step in ``signatures_for``: bounds the (shingles x permutations) matrix.
_CHUNK = 20_000
# Permutations per numpy step within a chunk: a block of _ROWS x _CHUNK uint32 (1.3 MB) is reused.
_ROWS = 16
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


# datasketch's MinHash, scheme "affine32" (datasketch 2.0), seed 1: the same signatures without
# importing datasketch, whose LSH module loads scipy (~1.7 s) for one integral. tests/copies holds
# them equal to datasketch's own values.
_SEED = 1
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@lru_cache(maxsize=4)
def permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations (a odd, b) of ``h -> a * h + b mod 2**32``, as datasketch draws them."""
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (a bijection), applied once to each shingle's hash."""
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def _sha1_32(data: bytes) -> int:
    """datasketch's default hash: the first 4 bytes of the SHA-1, little-endian."""
    return int.from_bytes(hashlib.sha1(data).digest()[:4], "little")


@lru_cache(maxsize=1)
def _gauss_legendre() -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights: exact for polynomials up to degree 2 * 300 - 1, and the band
    probabilities below are polynomials of degree bands * rows <= num_perm <= 512. Made on first use:
    numpy.polynomial and a 300 x 300 eigenproblem cost every command that imports this module
    ~0.1 s, and only ``banding`` needs them."""
    return np.polynomial.legendre.leggauss(300)


@lru_cache(maxsize=8)
def banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that minimise the false positive plus false negative probability at the
    threshold: datasketch ``MinHashLSH``'s choice (it integrates with scipy; the integrands are
    polynomials, which Gauss-Legendre integrates exactly).

    Every (bands, rows) pair is integrated at once (a matrix of pairs by nodes): one integral at a
    time was ~0.15 s of every run's start-up. The first pair with the least error wins, as in
    datasketch's loop (bands, then rows, ascending).
    """
    nodes, weights = _gauss_legendre()
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], float)
    bands, rows = pairs[:, :1], pairs[:, 1:]

    def integral(lo: float, hi: float, false_positive: bool) -> np.ndarray:
        x = (hi - lo) / 2 * nodes + (hi + lo) / 2  # the nodes on [lo, hi]
        p = (1 - x[None, :] ** rows) ** bands  # P(no band agrees) at each similarity
        return (hi - lo) / 2 * ((1 - p if false_positive else p) @ weights)

    error = integral(0.0, threshold, True) + integral(threshold, 1.0, False)
    b, r = pairs[int(np.argmin(error))]
    opt = (int(b), int(r))
    if opt[0] < 2:  # as datasketch refuses it: one band cannot tell near copies apart
        raise ValueError(f"[copies] threshold {threshold} with num_perm {num_perm} gives fewer than 2 bands")
    return opt


def key64(text: str) -> int:
    """A stable 64-bit key for a URL or content hash (the file index keeps these, not the strings)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def band_hashes(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One stable 64-bit hash per band of each signature (FNV-1a over the band's 32-bit values).

    Stable across processes (unlike ``hash``), so the band tables can be stored. A collision only
    adds a candidate, which the estimated Jaccard check then rejects.
    """
    sigs = np.ascontiguousarray(sigs, dtype=np.uint32)
    if sigs.ndim == 1:
        sigs = sigs[None, :]
    out = np.empty((len(sigs), bands), dtype=np.uint64)
    for start in range(0, len(sigs), 65536):  # in slices: the uint64 copy is twice the signatures
        x = sigs[start : start + 65536, : bands * rows].reshape(-1, bands, rows).astype(np.uint64)
        h = np.full((len(x), bands), _FNV_OFFSET, dtype=np.uint64)
        for j in range(rows):
            h ^= x[:, :, j]
            h *= _FNV_PRIME
        out[start : start + len(x)] = h
    return out


def signature(text: str, settings: CopySettings) -> np.ndarray | None:
    """The MinHash signature (uint32) of a body's word shingles, or None for short bodies."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS_FOR_NEAR:
        return None
    a, b = permutations(settings.num_perm)
    sig = np.full(settings.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    for s in shingles(tokens, settings.shingle_size):
        h = fmix32(np.array([_sha1_32(s.encode("utf-8"))], dtype=np.uint32))
        sig = np.minimum(sig, a * h + b)
    return sig


def signatures_for(articles: Iterable[Article], settings: CopySettings) -> dict[str, np.ndarray | None]:
    """``signature`` of many bodies at once: the same values, with the permutations applied to all
    the batch's shingles in a few numpy steps instead of one step per article."""
    return signatures_of(((a.article_id, a.body) for a in articles), settings)


def signatures_of(bodies: Iterable[tuple[str, str]], settings: CopySettings) -> dict[str, np.ndarray | None]:
    """``signatures_for`` over (key, body) pairs."""
    out: dict[str, np.ndarray | None] = {}
    keyed: list[tuple[str, set[bytes]]] = []
    for key, body in bodies:
        out[key] = None
        tokens = words(body)
        if len(tokens) >= MIN_WORDS_FOR_NEAR:
            keyed.append((key, _shingle_bytes(tokens, settings.shingle_size)))
    a, b = permutations(settings.num_perm)
    sha1 = hashlib.sha1
    i = 0
    while i < len(keyed):
        j, total = i, 0
        while j < len(keyed) and (total == 0 or total + len(keyed[j][1]) <= _CHUNK):
            total += len(keyed[j][1])
            j += 1
        chunk = keyed[i:j]
        # datasketch's hash: the first 4 bytes of each SHA-1 (read from the 20-byte digests joined,
        # every fifth 32-bit word, rather than cutting a new bytes object per shingle).
        digests = b"".join([sha1(s).digest() for _, sh in chunk for s in sh])
        hv = fmix32(np.frombuffer(digests, dtype="<u4")[::5].astype(np.uint32))
        # One row per permutation: the minimum then runs along contiguous memory (per article's
        # span of shingles), about ten times faster than down the columns of shingles x permutations.
        # A few permutations at a time, into one reused block that stays in the processor's cache:
        # the whole (permutations x shingles) matrix is ~10 MB of fresh pages for each chunk.
        starts = np.cumsum([0] + [len(sh) for _, sh in chunk[:-1]])
        mins = np.empty((len(a), len(chunk)), dtype=np.uint32)
        block = np.empty((_ROWS, len(hv)), dtype=np.uint32)
        for r in range(0, len(a), _ROWS):
            rows = block[: min(_ROWS, len(a) - r)]
            np.multiply(a[r : r + _ROWS, None], hv, out=rows)
            rows += b[r : r + _ROWS, None]
            np.minimum.reduceat(rows, starts, axis=1, out=mins[r : r + _ROWS])
        for (aid, _), row in zip(chunk, mins.T, strict=True):
            out[aid] = row.astype(np.uint32)
        i = j
    return out


def _shingle_bytes(tokens: list[str], size: int) -> set[bytes]:
    """``{s.encode() for s in shingles(tokens, size)}``, encoding each word once instead of each
    shingle (UTF-8 of a joined string is the join of the words' UTF-8)."""
    if len(tokens) < size:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    encoded = [w.encode("utf-8") for w in tokens]
    return set(map(b" ".join, zip(*(encoded[k:] for k in range(size)), strict=False)))


def signature_bytes(sig: np.ndarray | None) -> bytes | None:
    return None if sig is None else sig.astype("<u4").tobytes()


def signature_from_bytes(data: bytes | None) -> np.ndarray | None:
    return None if not data else np.frombuffer(data, dtype="<u4").astype(np.uint32)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / float(len(a))


@dataclass(slots=True)
class Entry:
    """One article as the index keeps it (and as the file stores it)."""

    article_id: str
    root: str  # the group's original (itself for an original)
    url_key: int
    hash_key: int
    signature: np.ndarray | None


@dataclass(frozen=True, slots=True)
class Arrays:
    """One segment's arrays (see the module docstring)."""

    ids: np.ndarray
    roots: np.ndarray
    url_keys: np.ndarray
    hash_keys: np.ndarray
    sig_pos: np.ndarray
    sigs: np.ndarray
    bands: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, entries: Sequence[Entry], settings: CopySettings) -> Arrays:
        b, r = banding(settings.threshold, settings.num_perm)
        signed = [i for i, e in enumerate(entries) if e.signature is not None]
        sigs = (
            np.stack([entries[i].signature for i in signed]).astype(np.uint32)  # type: ignore[misc]
            if signed
            else np.zeros((0, settings.num_perm), dtype=np.uint32)
        )
        return cls(
            ids=np.array([e.article_id.encode() for e in entries], dtype="S"),
            roots=np.array([e.root.encode() for e in entries], dtype="S"),
            url_keys=np.array([e.url_key for e in entries], dtype=np.uint64),
            hash_keys=np.array([e.hash_key for e in entries], dtype=np.uint64),
            sig_pos=np.array(signed, dtype=np.int64),
            sigs=sigs,
            bands=band_hashes(sigs, b, r) if signed else np.zeros((0, b), dtype=np.uint64),
        )

    @classmethod
    def concat(cls, parts: Sequence[Arrays]) -> Arrays:
        offsets = np.cumsum([0] + [len(p) for p in parts[:-1]])
        return cls(
            ids=np.concatenate([p.ids for p in parts]),
            roots=np.concatenate([p.roots for p in parts]),
            url_keys=np.concatenate([p.url_keys for p in parts]),
            hash_keys=np.concatenate([p.hash_keys for p in parts]),
            sig_pos=np.concatenate([p.sig_pos + off for p, off in zip(parts, offsets, strict=True)]),
            sigs=np.concatenate([p.sigs for p in parts]),
            bands=np.concatenate([p.bands for p in parts]),
        )

    def base(self) -> Base:
        return Base(self.ids, self.roots, self.url_keys, self.hash_keys, self.sig_pos, self.sigs, self.bands)

    @classmethod
    def of_base(cls, base: Base) -> Arrays:
        return cls(base.ids, base.roots, base.url_keys, base.hash_keys, base.sig_pos, base.sigs, base.bands)


@dataclass(slots=True)
class Base:
    """The index as loaded from the file: flat numpy arrays, nothing per article in Python objects.

    ``ids``/``roots`` are fixed-width bytes in insertion order; ``sig_pos`` says which of them have a
    signature (row ``k`` of ``sigs``); each band's hashes are kept sorted with the signature rows
    they came from, and a band query is a binary search.
    """

    ids: np.ndarray
    roots: np.ndarray
    url_keys: np.ndarray  # uint64, per article
    hash_keys: np.ndarray  # uint64, per article
    sig_pos: np.ndarray  # int64 positions of the signed articles
    sigs: np.ndarray  # uint32 [signed, num_perm]
    bands: np.ndarray  # uint64 [signed, bands]: what is stored
    _id_order: np.ndarray = field(init=False)
    _url_sorted: tuple[np.ndarray, np.ndarray] = field(init=False)
    _hash_sorted: tuple[np.ndarray, np.ndarray] = field(init=False)
    _band_sorted: list[tuple[np.ndarray, np.ndarray]] = field(init=False)

    def __post_init__(self) -> None:
        self._id_order = np.argsort(self.ids, kind="stable")
        self._url_sorted = _first_of(self.url_keys)
        self._hash_sorted = _first_of(self.hash_keys)
        self._band_sorted = []
        for col in range(self.bands.shape[1]):
            order = np.argsort(self.bands[:, col], kind="stable")
            self._band_sorted.append((self.bands[order, col], order.astype(np.int32)))

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def empty(cls, num_perm: int, bands: int) -> Base:
        return cls(
            ids=np.zeros(0, dtype="S1"),
            roots=np.zeros(0, dtype="S1"),
            url_keys=np.zeros(0, dtype=np.uint64),
            hash_keys=np.zeros(0, dtype=np.uint64),
            sig_pos=np.zeros(0, dtype=np.int64),
            sigs=np.zeros((0, num_perm), dtype=np.uint32),
            bands=np.zeros((0, bands), dtype=np.uint64),
        )

    def nbytes(self) -> int:
        arrays = [self.ids, self.roots, self.url_keys, self.hash_keys, self.sig_pos, self.sigs, self.bands]
        arrays += [self._id_order, *self._url_sorted, *self._hash_sorted]
        arrays += [a for pair in self._band_sorted for a in pair]
        return sum(a.nbytes for a in arrays)

    def has(self, article_id: str) -> bool:
        key = article_id.encode()
        i = int(np.searchsorted(self.ids, key, sorter=self._id_order))
        return i < len(self.ids) and self.ids[self._id_order[i]] == key

    def _root_by(self, table: tuple[np.ndarray, np.ndarray], key: int) -> str | None:
        keys, pos = table
        i = int(np.searchsorted(keys, np.uint64(key)))
        if i < len(keys) and int(keys[i]) == key:
            return bytes(self.roots[pos[i]]).decode()
        return None

    def root_by_url(self, key: int) -> str | None:
        return self._root_by(self._url_sorted, key)

    def root_by_hash(self, key: int) -> str | None:
        return self._root_by(self._hash_sorted, key)

    def candidates(self, bands: np.ndarray) -> np.ndarray:
        """Signature rows sharing a whole band with ``bands``, in insertion order."""
        found = []
        for col, (keys, rows) in enumerate(self._band_sorted):
            value = bands[col]
            lo = int(np.searchsorted(keys, value, side="left"))
            if lo < len(keys) and keys[lo] == value:
                hi = int(np.searchsorted(keys, value, side="right"))
                found.append(rows[lo:hi])
        if not found:
            return np.zeros(0, dtype=np.int32)
        return np.unique(np.concatenate(found))


def _first_of(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and the position of each key's first article (first added wins)."""
    uniq, first = np.unique(keys, return_index=True)
    return uniq, first.astype(np.int64)


class CopyIndex:
    """Exact keys and an LSH index over every kept article, resolving matches to group roots.

    The loaded file (``base``) plus what this process added (``pending`` until written, and dicts
    for lookups): a run's cost does not include rebuilding what earlier runs indexed.
    """

    def __init__(self, settings: CopySettings, base: Base | None = None) -> None:
        self.settings = settings
        self.origin = "new"  # "file" (loaded) or "rebuilt" (from the warehouse): for logs and tests
        self.bands, self.rows = banding(settings.threshold, settings.num_perm)
        self.base = base or Base.empty(settings.num_perm, self.bands)
        self.pending: list[Entry] = []  # added since the last write to the file
        self._delta: list[Entry] = []  # added since the base was (re)built
        self._roots: dict[str, str] = {}  # article -> root, for articles added in this process
        self._by_url: dict[int, str] = {}
        self._by_hash: dict[int, str] = {}
        self._tables: list[dict[int, list[int]]] = [{} for _ in range(self.bands)]
        self._signed: list[tuple[str, str, np.ndarray]] = []  # (article, root, signature)

    def __len__(self) -> int:
        return len(self.base) + len(self._roots)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._roots or self.base.has(article_id)

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
        if article_id in self:
            return
        entry = Entry(article_id, copy_of or article_id, key64(canonical_url), key64(content_hash), sig)
        self.pending.append(entry)
        self._remember(entry)

    def _remember(self, e: Entry) -> None:
        self._delta.append(e)
        self._roots[e.article_id] = e.root
        self._by_url.setdefault(e.url_key, e.root)
        self._by_hash.setdefault(e.hash_key, e.root)
        if e.signature is not None:
            n = len(self._signed)
            self._signed.append((e.article_id, e.root, e.signature))
            for table, h in zip(
                self._tables, band_hashes(e.signature[None, :], self.bands, self.rows)[0], strict=True
            ):
                table.setdefault(int(h), []).append(n)

    def match(self, article: Article, sig: np.ndarray | None) -> CopyMatch | None:
        """The original this article copies, or None if it is an original."""
        me = article.article_id
        url, chash = key64(article.canonical_url), key64(article.content_hash)
        root = self.base.root_by_url(url) or self._by_url.get(url)  # the earliest added wins
        if root and root != me:
            return CopyMatch(me, root, "canonical_url", 1.0)
        root = self.base.root_by_hash(chash) or self._by_hash.get(chash)
        if root and root != me:
            return CopyMatch(me, root, "content_hash", 1.0)
        if sig is None:
            return None
        best: tuple[float, str] | None = None
        bands = band_hashes(sig[None, :], self.bands, self.rows)[0]
        rows = self.base.candidates(bands)
        if len(rows):
            sims = np.count_nonzero(self.base.sigs[rows] == sig, axis=1) / float(len(sig))
            for row, sim in zip(rows.tolist(), sims.tolist(), strict=True):
                pos = int(self.base.sig_pos[row])
                key, root = bytes(self.base.ids[pos]).decode(), bytes(self.base.roots[pos]).decode()
                if root == me or key == me:
                    continue
                if sim >= self.settings.threshold and (best is None or sim > best[0]):
                    best = (sim, root)
        found: set[int] = set()
        for table, h in zip(self._tables, bands.tolist(), strict=True):
            found.update(table.get(h, ()))
        for n in sorted(found):
            key, root, other = self._signed[n]
            if root == me or key == me:
                continue
            sim = estimated_jaccard(sig, other)
            if sim >= self.settings.threshold and (best is None or sim > best[0]):
                best = (sim, root)
        if best is None:
            return None
        return CopyMatch(me, best[1], "minhash", round(best[0], 4))

    def compact(self, min_delta: int = 20_000) -> bool:
        """Fold the in-process delta into the numpy base once it is at least ``min_delta`` entries
        and half the base: resident bytes per article stay those of the arrays (the dicts cost
        ~2 KB per article), at a re-sort whose cost, amortised, is O(log n) per article."""
        if len(self._delta) < max(min_delta, len(self.base) // 2):
            return False
        self.base = Arrays.concat([Arrays.of_base(self.base), Arrays.of(self._delta, self.settings)]).base()
        self._delta = []
        self._roots.clear()
        self._by_url.clear()
        self._by_hash.clear()
        self._tables = [{} for _ in range(self.bands)]
        self._signed = []
        return True

    def take_pending(self) -> list[Entry]:
        """The entries added since the last call: what the file does not hold yet."""
        out, self.pending = self.pending, []
        return out

    def resident_bytes(self) -> int:
        """Bytes of the numpy base (exact) plus a rough figure for the in-process delta."""
        delta = len(self._roots) * 200 + len(self._signed) * (
            self.settings.num_perm * 4 + 100 + 60 * self.bands
        )
        return self.base.nbytes() + delta


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
    index.compact()
    return matches
