"""The copy index on disk, beside the warehouse: ``data/newswatch.duckdb`` -> ``data/newswatch.copyindex/``.

A directory of immutable segments (``.npz``: article ids and roots as fixed-width bytes, 64-bit keys
of canonical URL and content hash, uint32 MinHash signatures, 64-bit LSH band hashes) and a
``manifest.json`` naming them. Every write is a new file renamed into place (``os.replace``), then
a new manifest renamed into place, so a crash at any point leaves the previous manifest naming
complete files: the previous index stays usable. Segments merge when the newest is at least as
large as the one before (a binary counter): few segments, and an article is rewritten O(log n) times.

The manifest also records the warehouse's fingerprint (articles and their latest ``updated_at``)
when it was written; a warehouse that moved on without the index (a crash between a batch's commit
and its index write, another tool) makes the index stale, and it is rebuilt from the warehouse.
"""

from __future__ import annotations

import io
import json
import logging
import os
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newswatch.copies.minhash import SCHEME, Arrays, Entry, banding
from newswatch.settings import CopySettings

log = logging.getLogger("newswatch.copies.minhash")

FORMAT = 1
MANIFEST = "manifest.json"
_ARRAYS = ("ids", "roots", "url_keys", "hash_keys", "sig_pos", "sigs", "bands")


def index_path(warehouse: Path) -> Path:
    """Where a warehouse's copy index lives: beside it, same stem."""
    return warehouse.with_suffix(".copyindex")


class CorruptIndex(Exception):
    """The files on disk do not form a usable index (the reason says why)."""


class CopyStore:
    """Read and append the copy index files of one warehouse."""

    def __init__(self, path: Path, settings: CopySettings) -> None:
        self.path = path
        self.settings = settings
        self.bands, self.rows = banding(settings.threshold, settings.num_perm)

    # -- reading ------------------------------------------------------------------------------

    def _params(self) -> dict[str, Any]:
        s = self.settings
        return {
            "format": FORMAT,
            "scheme": SCHEME,
            "num_perm": s.num_perm,
            "shingle_size": s.shingle_size,
            "bands": self.bands,
            "rows": self.rows,
        }

    def manifest(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise CorruptIndex(f"unreadable manifest: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
            raise CorruptIndex("manifest without segments")
        return data

    def load(self, fingerprint: list[Any]) -> tuple[Arrays | None, str]:
        """The stored arrays, or None and why they cannot be used (missing, stale, corrupt, ...)."""
        try:
            man = self.manifest()
            if man is None:
                return None, "missing"
            if {k: man.get(k) for k in self._params()} != self._params():
                return None, "made with other [copies] settings"
            if man.get("warehouse") != fingerprint:
                return None, f"stale (index of {man.get('warehouse')}, warehouse {fingerprint})"
            parts = [self._read(seg) for seg in man["segments"]]
        except CorruptIndex as exc:
            return None, f"corrupt ({exc})"
        if not parts:
            return Arrays.of([], self.settings), "loaded"
        return (parts[0] if len(parts) == 1 else Arrays.concat(parts)), "loaded"

    def _read(self, seg: dict[str, Any]) -> Arrays:
        file = self.path / str(seg.get("file"))
        try:
            blob = file.read_bytes()
        except OSError as exc:
            raise CorruptIndex(f"{file.name}: {exc}") from exc
        if len(blob) != seg.get("bytes") or zlib.crc32(blob) != seg.get("crc32"):
            raise CorruptIndex(f"{file.name}: size or checksum differs from the manifest")
        try:
            with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
                arrays = Arrays(**{k: npz[k] for k in _ARRAYS})
        except (OSError, ValueError, KeyError) as exc:
            raise CorruptIndex(f"{file.name}: {exc}") from exc
        if len(arrays) != seg.get("articles") or arrays.sigs.shape[1:] != (self.settings.num_perm,):
            raise CorruptIndex(f"{file.name}: shape differs from the manifest")
        return arrays

    # -- writing ------------------------------------------------------------------------------

    def _write_segment(self, arrays: Arrays, name: str) -> dict[str, Any]:
        tmp = self.path / f".{name}.tmp"
        with tmp.open("wb") as fh:
            np.savez(fh, **{k: getattr(arrays, k) for k in _ARRAYS})
            fh.flush()
            os.fsync(fh.fileno())
        blob = tmp.read_bytes()
        os.replace(tmp, self.path / name)
        return {"file": name, "articles": len(arrays), "bytes": len(blob), "crc32": zlib.crc32(blob)}

    def _write_manifest(self, segments: list[dict[str, Any]], fingerprint: list[Any], serial: int) -> None:
        data = {**self._params(), "serial": serial, "warehouse": fingerprint, "segments": segments}
        tmp = self.path / f".{MANIFEST}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path / MANIFEST)
        self._sync_dir()
        keep = {s["file"] for s in segments} | {MANIFEST}
        for old in [*self.path.glob("seg-*.npz"), *self.path.glob(".*.tmp")]:
            if old.name not in keep:  # merged away, or left by a crash before its manifest
                old.unlink(missing_ok=True)

    def _sync_dir(self) -> None:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def rewrite(self, arrays: Arrays, fingerprint: list[Any]) -> None:
        """Replace the whole index with ``arrays`` (a rebuild)."""
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            serial = int((self.manifest() or {}).get("serial", 0)) + 1
        except (CorruptIndex, TypeError, ValueError):
            serial = 1
        seg = self._write_segment(arrays, f"seg-{serial:08d}.npz")
        self._write_manifest([seg], fingerprint, serial)

    def append(self, entries: Sequence[Entry], fingerprint: list[Any]) -> None:
        """Add a batch's entries as a new segment (merging small tail segments) and record the
        warehouse ``fingerprint`` it now matches."""
        man = self.manifest()
        if man is None:
            raise CorruptIndex("no index to append to")
        segments: list[dict[str, Any]] = list(man["segments"])
        serial = int(man.get("serial", 0))
        if entries:
            serial += 1
            segments.append(self._write_segment(Arrays.of(entries, self.settings), f"seg-{serial:08d}.npz"))
            while len(segments) > 1 and segments[-1]["articles"] >= segments[-2]["articles"]:
                merged = Arrays.concat([self._read(segments[-2]), self._read(segments[-1])])
                serial += 1
                segments[-2:] = [self._write_segment(merged, f"seg-{serial:08d}.npz")]
        self._write_manifest(segments, fingerprint, serial)

    def size_bytes(self) -> int:
        """Bytes on disk: the segments and the manifest."""
        return sum(f.stat().st_size for f in self.path.iterdir() if f.is_file()) if self.path.exists() else 0
