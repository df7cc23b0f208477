"""Bytes to text: BOM, then the declared charset, then UTF-8, then detection.

Binary input (NUL bytes outside UTF-16/32) and text that no charset decodes cleanly are refused
with a reason instead of being stored as mojibake.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from newswatch.errors import UnreadableInput

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" not in head:
        return False
    # UTF-16 without a BOM has a NUL in every other byte of ASCII text; binary files do not.
    even, odd = head[0::2], head[1::2]
    return not (even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd))


def decode(data: bytes, *, name: str, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return the text and the encoding used. ``name`` is for error messages."""
    if not data.strip():
        raise UnreadableInput(name, "empty input", outcome="empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise UnreadableInput(name, f"invalid {enc} after its byte-order mark: {exc.reason}") from exc
    if looks_binary(data):
        raise UnreadableInput(name, "binary content (NUL bytes), not text", outcome="binary")
    if declared:
        try:
            codecs.lookup(declared)
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass  # a bogus or lying declaration: fall through to UTF-8 and detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise UnreadableInput(name, "undecodable: no character set fits these bytes", outcome="undecodable")
    try:
        return data.decode(best.encoding), best.encoding
    except UnicodeDecodeError as exc:
        raise UnreadableInput(
            name, f"undecodable as {best.encoding}: {exc.reason}", outcome="undecodable"
        ) from exc
