"""Untrusted text made safe to show: titles, bodies, outlet names and URLs come from the open web.

- ``clean_text``: control characters, bidi overrides and isolates (which reorder what a reader
  sees), invisible tag characters and lone surrogates removed; whitespace collapsed; long fields cut
  on a word boundary with an ellipsis.
- ``safe_url``: a link target only for http(s) URLs with a host; everything else (``file:``,
  ``javascript:``, ``data:``, relative or malformed) is not a link. Characters that could end a
  Markdown link or an HTML attribute (spaces, newlines, brackets, quotes, angle brackets) are
  percent-encoded, so a URL stays one token wherever it is written.
- ``md_escape``: Markdown's special characters backslash-escaped, so a title renders as text.
HTML escaping itself is Jinja2's autoescape; these run before it, for both formats.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

# C0 and C1 controls (tab and newline are whitespace, collapsed below), the bidi embeddings,
# overrides and isolates, LRM/RLM/ALM marks, BOM, interlinear annotation marks, tag characters,
# and surrogates (never valid in text). Joiners (U+200C/U+200D) stay: Persian and Urdu need them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
    "\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff]"
)
_SPACE = re.compile(r"\s+")
ELLIPSIS = "…"

TITLE_CHARS = 300
NAME_CHARS = 80
SENTENCE_CHARS = 400
URL_CHARS = 2000


def clean_text(value: Any, limit: int | None = None) -> str:
    """One line of displayable text: no invisible or reordering characters, at most ``limit`` chars."""
    text = _SPACE.sub(" ", _INVISIBLE.sub("", str(value if value is not None else ""))).strip()
    if limit is not None and len(text) > limit:
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        if space > limit // 2:  # end on a whole word when one ends reasonably close
            cut = cut[:space]
        text = cut.rstrip(" ,;:.-–—") + ELLIPSIS
    return text


# What a URL may keep as is: RFC 3986 unreserved and reserved characters, minus those that end or
# open something in Markdown or HTML: ( ) [ ] < > " ' ` and whitespace; '%' keeps existing escapes.
_URL_SAFE = "-._~:/?#@!$&*+,;=%"


def safe_url(value: Any) -> str | None:
    """An http(s) URL safe to put in a link, or None when the value must not be a link."""
    if value is None:
        return None
    text = _INVISIBLE.sub("", str(value)).strip()
    if not text or len(text) > URL_CHARS or _SPACE.search(text):
        return None  # a URL with a space or a newline inside is not one URL
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    # A literal backslash (feeds escape '?' as '\?') is kept visible as %5C, never as an escape.
    return quote(text, safe=_URL_SAFE)


# Characters that open markup anywhere in a line ('-', '+', '=' and digits only do so at a line's
# start, and escaped text never starts one).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~&])")


def md_escape(value: Any, limit: int | None = None) -> str:
    """Clean text with every Markdown-special character escaped (it cannot open markup)."""
    return _MD_SPECIAL.sub(r"\\\1", clean_text(value, limit))


def md_link(text: Any, url: str | None, limit: int | None = None) -> str:
    """``[text](url)`` when ``url`` is a safe http(s) URL (see ``safe_url``), else the escaped text."""
    label = md_escape(text, limit) or md_escape(url or "link", 60)
    return f"[{label}](<{url}>)" if url else label
