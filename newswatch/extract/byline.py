"""A byline from the markup: trafilatura's ``extract_author``, same answers, one cheap tree walk.

``trafilatura.metadata.extract_author`` deep-copies the whole tree, deletes its comment sections,
sidebars, dates and figures (``AUTHOR_DISCARD_XPATHS``), then tries three whole-tree XPaths
(``AUTHOR_XPATHS``) whose EXSLT regexes lxml runs through Python for every attribute: about 6 ms
CPU on each page without a structured author. Here one XPath without regexes lists the elements
that carry any attribute those expressions read; the same tests run in Python on that short list,
and only a candidate that has discarded elements inside it is copied and pruned (exactly as
trafilatura prunes) before its text is read. Every test mirrors an XPath predicate below, in the
same order, so the first valid candidate, and so the author, is the same.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

# Elements carrying an attribute that an author or discard expression reads, plus the elements
# those expressions match by name alone; in document order.
_SCAN = XPath(
    "//*[@class or @id or @itemprop or @rel or @data-testid or @data-component]"
    "|//author|//time|//figure|//rel"
)
LEN_LIMIT = 120  # extract_author's len_limit

# AUTHOR_DISCARD_XPATHS[0], its regexes (re:test is ``re.search``).
_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"
    r"|article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
# AUTHOR_XPATHS[0..2]
_A1_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_A1_CLASS = re.compile(r"author-?name|AuthorName|authorName")
_A2_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_A2_ID = re.compile(r"author|zuozhe|bianji|xiaobian")
_A2_CLASS = re.compile(r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
_A3_ID = re.compile(r"[Aa]uthor")
_A3_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")


def _discarded(el: Any, tag: str, root: Any) -> bool:
    if tag in ("time", "figure"):  # "//time|//figure"
        return True
    if tag not in _DISCARD_TAGS or el is root:  # ".//*": the root itself is never pruned
        return False
    i, c = el.get("id"), el.get("class")
    return (
        i == "comments"
        or c in ("comments", "title", "date")
        or (i is not None and _DISCARD_ID.search(i) is not None)
        or (c is not None and _DISCARD_CLASS.search(c) is not None)
        or "Figure" in (el.get("data-component") or "")
    )


def _level(el: Any, tag: str) -> int:
    """The first of AUTHOR_XPATHS that matches ``el`` (0, 1, 2), or 3 for none."""
    i, c, prop = el.get("id"), el.get("class"), el.get("itemprop")
    if tag == "author" or (
        tag in _A1_TAGS
        and (
            el.get("rel") == "author"
            or i == "author"
            or c == "author"
            or prop == "author name"
            or el.get("data-testid") in ("AuthorCard", "AuthorURL")
            or (c is not None and _A1_CLASS.search(c) is not None)
        )
    ):
        return 0
    if tag in _A2_TAGS and (
        c in ("byline", "username", "byl", "BBL")
        or "author" in (prop or "")
        or (i is not None and _A2_ID.search(i) is not None)
        or (c is not None and _A2_CLASS.search(c) is not None)
    ):
        return 1
    if (
        "Byline" in (el.get("data-component") or "")
        or "author" in (prop or "")
        or (i is not None and _A3_ID.search(i) is not None)
        or (c is not None and _A3_CLASS.search(c) is not None)
    ):
        return 2
    return 3


def _text(el: Any, discard: set[Any]) -> str:
    """``trim(" ".join(el.itertext()))`` in the pruned tree: a copy of ``el`` pruned like it."""
    inside = [d for d in el.iterdescendants() if d in discard]
    if inside:
        from trafilatura.xml import delete_element

        twin = deepcopy(el)
        gone = set(inside)
        doomed = [t for o, t in zip(el.iter(), twin.iter(), strict=True) if o in gone]
        for t in doomed:  # in document order, as prune_unwanted_nodes deletes them
            delete_element(t)
        el = twin
    return " ".join(" ".join(el.itertext()).split())


def extract_author(tree: HtmlElement) -> str | None:
    """What ``trafilatura.metadata.extract_author(tree)`` returns, without copying the tree."""
    from trafilatura.json_metadata import normalize_authors
    from trafilatura.metadata import extract_author as original

    nodes = _SCAN(tree)
    if any(el.tag == "rel" for el in nodes):  # the expressions' ``rel='me'`` reads a child element
        return original(tree)
    discard: set[Any] = set()
    levels: list[list[Any]] = [[], [], []]
    for el in nodes:
        tag = el.tag
        if _discarded(el, tag, tree):
            discard.add(el)
        level = _level(el, tag)
        if level < 3:
            levels[level].append(el)
    for candidates in levels:
        for el in candidates:
            if el in discard or any(a in discard for a in el.iterancestors()):
                continue  # deleted with its discarded ancestor
            content = _text(el, discard)
            if content and 2 < len(content) < LEN_LIMIT:
                return normalize_authors(None, content)
    return None
