"""Raw page bytes in the form the warehouse keeps them: a zstd frame, and the bytes' sha256.

Light on purpose (zstandard and hashlib only): the extraction pool's workers make the stored form of
the pages they extract (``sources.batch``), so the calling process does not compress and hash them
while it loads; the loader makes it for the rest (``warehouse.loader.upsert_raw_documents``).
"""

from __future__ import annotations

import hashlib
import threading
import zlib

import zstandard

from newswatch.records import StoredRaw

# Raw pages are stored as zstd frames at level 1: on the bench's news pages 0.4 ms CPU per 226 KiB
# page and 48 KiB stored, against 1.4 ms and 55 KiB for zlib level 1 (what older versions wrote:
# ``decode_raw`` reads both). A compressor is not safe to share between threads (the flow loads in
# worker threads), so each thread keeps its own, reused: a new one per page costs ~20 us more.
RAW_LEVEL = 1
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_codecs = threading.local()


def encode_raw(content: bytes) -> bytes:
    """Raw page bytes as kept in ``raw_documents.content`` (a zstd frame)."""
    compressor = getattr(_codecs, "compressor", None)
    if compressor is None:
        compressor = _codecs.compressor = zstandard.ZstdCompressor(level=RAW_LEVEL)
    return compressor.compress(content)


def decode_raw(blob: bytes) -> bytes:
    """The page bytes of a ``raw_documents.content`` blob: a zstd frame, or a zlib stream (older rows)."""
    if blob[:4] == _ZSTD_MAGIC:
        # The frame header carries the size (``compress`` writes it), so one call decodes it all.
        return zstandard.ZstdDecompressor().decompress(blob)
    return zlib.decompress(blob)


def stored_raw(content: bytes) -> StoredRaw:
    """What ``raw_documents`` keeps of ``content``: its sha256 (hex) and ``encode_raw`` frame."""
    return StoredRaw(hashlib.sha256(content).hexdigest(), encode_raw(content))
