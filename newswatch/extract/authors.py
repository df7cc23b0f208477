"""Author names as a clean list: one name per entry, no bylines' furniture.

Pages put the byline through templates that add "By", "Email the author", a job title after a
comma or pipe, relative times ("3 hours ago"), profile URLs and the outlet's own name. What is left
is split on "and", "&", commas and semicolons, de-duplicated in order, and SHOUTED names are
title-cased. A single word is taken for a user name and dropped, unless it is in capitals (an
agency such as AFP or JIJI).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newswatch.text import words

_NOISE = re.compile(
    r"""(?ix)
    \b(?:e-?mail|contact|follow|view\ all\ posts)\b.*$     # "Email the author", "Follow @x"
    | \b(?:updated|published|posted)\b.*$                    # a date glued to the byline
    | \b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b.*$
    | \b(?:about\ the\ author|more\ by)\b.*$
    | ^\s*(?:written\ |reported\ |words\ |text\ )?by[:\s]+   # "By Jane Doe"
    | ^\s*(?:por|par|von|door|di)\s+                         # the same in other languages
    | https?://\S+ | \S+@\S+\.\w+ | @\w+
    """
)
_SPLIT = re.compile(r"\s*(?:;|\||,|&|\band\b|\by\b|\bund\b|\bet\b|\n)\s*", re.I)
_NOT_A_NAME = re.compile(
    r"(?i)^(?:no\ author|staff|admin|administrator|editor|editors|anonymous|unknown|guest|null|none)$"
)
MAX_NAME_CHARS = 60


def clean_authors(raw: Iterable[str], *, site: str | None = None) -> tuple[str, ...]:
    """Clean names from byline strings; drops the site's own name and non-names."""
    site_key = " ".join(words(site)) if site else None
    out: list[str] = []
    seen: set[str] = set()
    for value in raw:
        if not value or re.match(r"https?://", value.strip()):
            continue
        # "JESSICA HOLLY, GAIL LEVY" splits on commas; "Doe, Jane" (one comma, 2 words) would too:
        # that rare order is accepted as two entries rather than guessing.
        for part in _SPLIT.split(value):
            name = _NOISE.sub("", part).strip(" .,:;-–—|'\"")
            name = re.sub(r"\s+", " ", name)
            if not name or len(name) > MAX_NAME_CHARS or _NOT_A_NAME.match(name):
                continue
            if not re.search(r"[^\W\d_]", name):
                continue
            if " " not in name and not name.isupper():
                continue  # one word is a user name ("Todd", "admin2"); all caps is an agency (AFP)
            if name.isupper() and len(name) > 6:
                name = name.title()
            key = " ".join(words(name))
            if not key or key in seen or key == site_key:
                continue
            seen.add(key)
            out.append(name)
    return tuple(out)
