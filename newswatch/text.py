"""Text primitives shared by every stage: unicode normalisation, matching form, words, shingles.

Stored text keeps its typography (curly quotes, dashes); *matching* text folds it so that
‘visible’ and 'visible' and "visible" are the same word to hashes, shingles and topic rules.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

# Characters that carry no text: zero-width spaces and joiners, soft hyphen, BOM, bidi marks.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"), None
)
# Deleted with a regex rather than ``str.translate`` (see _FOLD_CHARS below for why).
_INVISIBLE_CHARS = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Anything ``normalize`` changes besides NFC, stripping lines and blank-line runs, other than a double
# space: invisible and control characters, other line breaks, spaces other than " ", NEL.
_UNUSUAL = re.compile(
    "["
    + "".join(map(chr, _INVISIBLE))
    + "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r\u2028\u2029\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\x85]"
)
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-", "\u2026": "...",
    }
)  # fmt: skip
# The same mapping as a regex: ``str.translate`` with a dict looks every character of a long text
# up in Python (about 0.25 ms per article body), the regex only visits the few it maps (0.04 ms).
# Every stage folds the body at least once.
_FOLD_CHARS = re.compile("[" + re.escape("".join(map(chr, _FOLD))) + "]")


def _fold_char(m: re.Match[str]) -> str:
    return str(_FOLD[ord(m.group())])


_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*", re.UNICODE)

# What is not text in any record: C0 controls but tab and line breaks, DEL, and UTF-16 surrogates
# (a JSON "\\ud800" or a surrogate-escaped byte decodes to one; no encoder, tokenizer or database
# takes them). Carriage returns become line breaks.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(value: str) -> str:
    """``value`` as valid Unicode text: the boundary every record passes once.

    Lone surrogates become U+FFFD (a surrogate pair left in a ``str`` becomes its character), NULs
    and other C0 controls except tab and line feed are removed, ``\\r\\n`` and ``\\r`` become ``\\n``.
    Idempotent; a valid text comes back as it is (one regex scan).
    """
    if not _NOT_TEXT.search(value):
        return value
    if _SURROGATE.search(value):
        # Pairs are joined, lone halves replaced: the UTF-16 round trip does exactly that.
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_TEXT.sub("", value)


# A character reference to what XML forbids (a surrogate, NUL, a C0 control, past U+10FFFF): one
# such reference in one item made feedparser fail on the whole feed (it cannot encode a surrogate)
# and lxml fail on a whole sitemap.
_INVALID_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _char_ref(m: re.Match[bytes]) -> bytes:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
    return m.group(0) if allowed or 0x10000 <= code <= 0x10FFFF else b"&#xFFFD;"


def valid_xml_refs(content: bytes) -> bytes:
    """XML bytes whose character references all name characters XML allows (others: U+FFFD).

    Applied to feeds and sitemaps before parsing: the rest of the document parses as it would.
    """
    if b"&#" not in content:
        return content
    return _INVALID_CHAR_REF.sub(_char_ref, content)


def valid_value(value: Any) -> Any:
    """``valid_text`` over a decoded record: strings, and the keys and values of dicts and lists."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, Mapping):
        return {valid_text(str(k)): valid_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(valid_value(v) for v in value)
    return value


def valid_optional(value: str | None) -> str | None:
    return None if value is None else valid_text(value)


def normalize(text: str) -> str:
    """Unicode NFC, no invisible or control characters, one space between words, tidy lines.

    Paragraphs (separated by one or more blank lines) become lines separated by one blank line;
    line breaks inside a paragraph are kept.
    """
    text = unicodedata.normalize("NFC", text)
    if "  " not in text and not _UNUSUAL.search(text):
        # The usual case, an extracted or already normalised text: the steps below would only
        # strip the lines (" " is the only whitespace left in them). Two scans instead of six.
        lines = [line.strip() for line in text.split("\n")]
    else:
        text = _INVISIBLE_CHARS.sub("", text)
        text = (
            text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
        )
        text = _CONTROL.sub("", text)
        if "\x85" in text:  # NEL: whitespace to str.split, not one of _SPACES
            lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        else:
            # The same in C: the other characters str.split takes for whitespace are gone by now
            # (line breaks split on or replaced, controls removed), so its runs are _SPACES' runs;
            # the regex, which matched every single space, cost most of this function.
            lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    blank = False
    for line in lines:
        if not line:
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(line)
    return "\n".join(out)


def fold(text: str) -> str:
    """The matching form: compatibility-normalised, quotes and dashes as ASCII, casefolded."""
    if text.isascii():  # NFKC leaves ASCII as it is and _FOLD only maps other characters
        return text.casefold()
    text = unicodedata.normalize("NFKC", _FOLD_CHARS.sub(_fold_char, text))
    return _FOLD_CHARS.sub(_fold_char, text).casefold()


def words(text: str) -> list[str]:
    """Matching-form words: letters and digits, keeping inner apostrophes and hyphens."""
    if len(text) >= _CACHED_WORDS_MIN:
        return list(_long_words(text))
    return _WORD.findall(fold(text))


# A body is split into words by four stages (content hash, copy signature, story terms over
# "deck\nbody", story numbers over "title\ndeck\nbody"), ~0.2 ms each for a 5 KB body. The split of
# recent long texts is kept, and a text that is a short head, a line break and a kept text reuses
# the kept split: ``words(a + "\n" + b) == words(a) + words(b)`` (folding is per character, and
# NFKC neither composes nor reorders across a line break; no word spans one). Enough entries for
# a batch's three texts per article (200 by default); a str caches its own hash, so a hit costs
# a dict look-up and a list copy. Callers get their own list.
_CACHED_WORDS_MIN = 1000
_CACHED_WORDS_MAX = 768
_words_cache: OrderedDict[str, tuple[str, ...]] = OrderedDict()
# Stages run in worker threads under the flow: the cache's reordering and eviction are guarded
# (the splitting itself runs outside the lock).
_words_lock = threading.Lock()


def _long_words(text: str) -> tuple[str, ...]:
    cache = _words_cache
    with _words_lock:
        out = cache.get(text)
        if out is not None:
            cache.move_to_end(text)
            return out
    cut = text.find("\n")
    for _ in range(2):  # "deck\nbody", "title\ndeck\nbody"
        if cut < 0 or len(text) - cut - 1 < _CACHED_WORDS_MIN:
            break
        tail = cache.get(text[cut + 1 :])
        if tail is not None:
            out = tuple(_WORD.findall(fold(text[:cut]))) + tail
            break
        cut = text.find("\n", cut + 1)
    if out is None:
        out = tuple(_WORD.findall(fold(text)))
    with _words_lock:
        cache[text] = out
        if len(cache) > _CACHED_WORDS_MAX:
            cache.popitem(last=False)
    return out


def remember_words(text: str, tokens: Sequence[str]) -> None:
    """Keep ``tokens`` as ``words(text)`` for a caller that split ``text``'s lines already (each
    line's words, in order: no word spans a line break)."""
    if len(text) >= _CACHED_WORDS_MIN:
        with _words_lock:
            _words_cache[text] = tuple(tokens)
            if len(_words_cache) > _CACHED_WORDS_MAX:
                _words_cache.popitem(last=False)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def has_words(text: str, n: int) -> bool:
    """``word_count(text) >= n``, reading only as far as the n-th word."""
    return sum(1 for _ in islice(_WORD.finditer(text), n)) >= n


def shingles(tokens: list[str], size: int) -> set[str]:
    """Word n-grams; a text shorter than ``size`` is one shingle of all its words."""
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def join_nonempty(parts: Iterable[str | None], sep: str = "\n\n") -> str:
    return sep.join(p for p in parts if p)


_LITERAL_CHARS = frozenset(" '&%!,:;<>=@#~\"/_-")


def regex_literal_prefix(source: str) -> str:
    """The plain text at the start of a regex's source, up to its first operator.

    Every match of the pattern begins with it, so a cheap substring test on it can skip a regex
    search. A character followed by ``?``, ``*`` or ``{`` is optional and is left out.
    """
    out, i = [], 0
    while i < len(source):
        c = source[i]
        if c == "\\" and i + 1 < len(source) and not source[i + 1].isalnum():
            out.append(source[i + 1])
            i += 2
        elif c.isalnum() or c in _LITERAL_CHARS:
            out.append(c)
            i += 1
        else:
            break
    if i < len(source) and source[i] in "?*{":  # the last character was optional
        out = out[:-1]
    return "".join(out)


def top_level_alternatives(source: str, *, verbose: bool = False) -> list[str]:
    """A regex source split at its ``|`` outside any group or character class (one part when
    there is none). ``verbose``: ``#`` starts a comment to the end of the line, left out."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "#" and verbose:
            end = source.find("\n", i)
            source = source[:i] + source[end if end >= 0 else len(source) :]
            continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
        i += 1
    out.append(source[start:])
    return out
