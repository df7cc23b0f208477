"""Content-Encoding decoded in bounded steps, so a compression bomb costs kilobytes, not gigabytes.

httpx decodes each raw chunk whole: one 6 KB brotli chunk can become gigabytes before a size check
sees it, and stacked encodings (``gzip, gzip``) multiply that. Here every layer is a reader whose
``read(n)`` returns at most ``n`` bytes, pulling only as much input from the layer below as it
needs: zlib through ``decompress(data, max_length)``, brotli through ``process(data,
output_buffer_limit=n)``, zstd through ``stream_reader``. ``decoded_chunks`` walks the layers and stops
as soon as the decoded body passes the limit, so memory stays near ``CHUNK`` per layer whatever the
ratio.

The encodings are those httpx accepts (``gzip``/``x-gzip``, ``deflate``, ``br``, ``zstd``,
``identity``), in any stack; an unknown one is passed through as httpx does. A corrupt stream raises
``DecodingFailed``.
"""

from __future__ import annotations

import typing
import zlib
from collections.abc import Iterable, Iterator
from typing import Protocol

import brotli
import zstandard

CHUNK = 64 * 1024


class DecodingFailed(ValueError):
    """The body is not valid for its Content-Encoding."""


class _Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


class RawReader:
    """A file-like view of an iterator of raw chunks (what ``httpx.Response.iter_raw`` yields)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = b""

    def read(self, n: int = -1, /) -> bytes:
        if not self._buffer:
            self._buffer = next(self._chunks, b"")
        if n < 0 or n >= len(self._buffer):
            out, self._buffer = self._buffer, b""
            return out
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def readable(self) -> bool:  # zstandard's stream_reader checks for a file-like object
        return True


class _ZlibReader:
    """gzip (``wbits=31``) or zlib-wrapped deflate; raw deflate when the zlib header is missing."""

    def __init__(self, source: _Readable, wbits: int) -> None:
        self._source = source
        self._wbits = wbits
        self._z = zlib.decompressobj(wbits)
        self._started = False
        self._eof = False

    def read(self, n: int = -1, /) -> bytes:
        limit = CHUNK if n < 0 else n
        while not self._eof:
            data = self._z.unconsumed_tail or self._source.read(CHUNK)
            if not data:
                self._eof = True
                # A truncated stream gives what it holds, as httpx does (flush never raises there).
                return b"" if self._z.eof else self._z.flush()
            try:
                out = self._z.decompress(data, limit)
            except zlib.error as exc:
                if self._wbits == zlib.MAX_WBITS and not self._started:
                    # "deflate" in the wild is often raw deflate (no zlib header): as httpx, retry so.
                    self._wbits = -zlib.MAX_WBITS
                    self._z = zlib.decompressobj(self._wbits)
                    out = self._retry(data, limit)
                else:
                    raise DecodingFailed(str(exc)) from exc
            self._started = True
            if self._z.eof:  # what follows the end of the stream is ignored, as httpx does
                self._eof = True
            if out:
                return out
        return b""

    def _retry(self, data: bytes, limit: int) -> bytes:
        try:
            return self._z.decompress(data, limit)
        except zlib.error as exc:
            raise DecodingFailed(str(exc)) from exc


class _BrotliReader:
    def __init__(self, source: _Readable) -> None:
        self._source = source
        self._d = brotli.Decompressor()
        self._eof = False

    def read(self, n: int = -1, /) -> bytes:
        limit = CHUNK if n < 0 else n
        while not self._eof:
            try:
                if not self._d.can_accept_more_data():
                    out = self._d.process(b"", output_buffer_limit=limit)  # drain what is buffered
                else:
                    data = self._source.read(CHUNK)
                    if not data:  # a truncated stream gives what it holds, as with gzip
                        self._eof = True
                        return b""
                    out = self._d.process(data, output_buffer_limit=limit)
            except brotli.error as exc:
                raise DecodingFailed(f"brotli: {exc}") from exc
            if out:
                return out
        return b""


class _ZstdReader:
    def __init__(self, source: _Readable) -> None:
        # zstandard reads any object with ``read(n)``; its stubs name IO[bytes] only.
        self._r = zstandard.ZstdDecompressor().stream_reader(
            typing.cast(typing.IO[bytes], source), read_size=CHUNK, read_across_frames=True
        )

    def read(self, n: int = -1, /) -> bytes:
        try:
            return self._r.read(CHUNK if n < 0 else n)
        except zstandard.ZstdError as exc:
            raise DecodingFailed(f"zstd: {exc}") from exc


def _layer(name: str, source: _Readable) -> _Readable:
    if name in ("gzip", "x-gzip"):
        return _ZlibReader(source, zlib.MAX_WBITS | 16)
    if name == "deflate":
        return _ZlibReader(source, zlib.MAX_WBITS)
    if name == "br":
        return _BrotliReader(source)
    if name == "zstd":
        return _ZstdReader(source)
    return source  # identity, and what httpx does not know either: the bytes as they came


def encodings(header: str | None) -> list[str]:
    """The codings of a Content-Encoding header, in the order they were applied."""
    return [e.strip().lower() for e in (header or "").split(",") if e.strip()]


def decoded_chunks(raw: Iterable[bytes], content_encoding: str | None) -> Iterator[bytes]:
    """The decoded body, chunk by chunk (each at most ``CHUNK`` bytes when encoded)."""
    reader: _Readable = RawReader(raw)
    for name in reversed(encodings(content_encoding)):  # the coding applied last is undone first
        reader = _layer(name, reader)
    while True:
        chunk = reader.read(CHUNK)
        if not chunk:
            return
        yield chunk


__all__ = ["CHUNK", "DecodingFailed", "RawReader", "decoded_chunks", "encodings"]
