"""trafilatura's cheap precision pass, run on the page's own tree instead of copies of it.

``trafilatura.bare_extraction(tree, favor_precision=True, fast=True, include_comments=False,
with_metadata=False)`` copies the tree it is given, copies it again before cleaning, and once more
as a backup that only its fallback extractors read (never in ``fast`` mode): three copies of a
whole page, about 1.5 ms CPU, for a pass most pages end with. ``precision_text`` runs the same
steps, in the same order, on the tree itself, which it consumes (the caller parses the page again
in the rare case it needs a second, costlier pass), except that the elements trafilatura's
cleaning deletes whole go first (``_cleaned_early``).

It mirrors trafilatura 2.3.1 (``core.bare_extraction`` and ``core.trafilatura_sequence`` for that
one configuration), the version pyproject.toml pins; tests/extraction/test_extraction_trafpass.py
checks that it gives ``bare_extraction``'s text on every fixture page, so an upgrade that changes
the steps fails there rather than drifting.

``guard_regex_tests`` makes trafilatura's XPath passes themselves cheaper, for this pass and for
the costlier ones alike (see there).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml.etree import XPath, strip_elements, strip_tags
from lxml.html import HtmlElement

# A test already guarded (by an earlier call) is left alone: guarding is idempotent.
_REGEX_TEST = re.compile(
    r"(?<!\) and )re:test\(\s*(@[\w@|-]+)\s*,\s*(['\"])(.*?)\2\s*(?:,\s*(['\"])(\w*)\4\s*)?\)", re.S
)


def guarded(source: str) -> str:
    """``source`` with each ``re:test(@attr, 'pattern')`` that cannot match an empty string
    written ``((@attr) and re:test(@attr, 'pattern'))``: the same elements, without the call.

    lxml runs EXSLT's ``re:test`` in Python for every element an expression visits, also when
    the element lacks the attribute (the test then reads ""). On elements without it, a pattern
    that cannot match "" is false either way, and XPath's ``and`` skips the call.
    """

    def wrap(m: re.Match[str]) -> str:
        attrs, pattern, flags = m.group(1), m.group(3), m.group(5) or ""
        if re.search(pattern, "", re.I if "i" in flags else 0) is not None:
            return m.group(0)
        return f"(({attrs}) and {m.group(0)})"

    return _REGEX_TEST.sub(wrap, source)


@lru_cache(maxsize=1)
def guard_regex_tests() -> int:
    """Replace, in place and once per process, trafilatura's XPath expressions that call
    ``re:test`` with ``guarded`` ones (its modules share the lists, so every pass uses them).

    About 0.6 ms CPU a page; tests/extraction/test_extraction_trafpass.py checks that each
    guarded expression selects the same elements on every fixture page. Returns how many
    expressions changed."""
    import trafilatura.xpaths as xpaths

    changed = 0
    for value in vars(xpaths).values():
        if not isinstance(value, list):
            continue
        for i, expr in enumerate(value):
            if isinstance(expr, XPath) and (source := guarded(expr.path)) != expr.path:
                value[i] = XPath(source, namespaces={"re": xpaths.REGEXP_NS})
                changed += 1
    return changed


@lru_cache(maxsize=1)
def _cleaned_early() -> tuple[str, ...]:
    """The elements trafilatura's cleaning deletes whole (``MANUALLY_CLEANED``) that this pass
    deletes before its XPath passes instead: all but forms (one holding most of the text is kept),
    figures (one holding a table becomes a ``div``) and MathML (its TeX is kept).

    Navigation, footers, asides, form controls and embedded media are about 40% of a news page's
    elements, and every XPath pass and walk of the pass visited them until the cleaning. Deleted
    first (their tails kept, as trafilatura keeps them), ~0.7 ms CPU a page less. The one step
    that could see a difference is the raw-tree prune of infinite-scroll containers, which keeps
    one holding an ``h1``: an ``h1`` inside navigation, an aside or a footer (a logo) no longer
    counts. The forum check, which reads JSON-LD anywhere, runs before.
    """
    from trafilatura.settings import MANUALLY_CLEANED

    return tuple(t for t in MANUALLY_CLEANED if t not in ("form", "figure", "math"))


def precision_text(tree: HtmlElement, url: str | None) -> str:
    """The text of trafilatura's fast precision pass (tables kept, comments not); "" when that pass
    finds too little. ``tree`` is modified: do not use it afterwards."""
    from trafilatura.core import _forum_thread_page
    from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
    from trafilatura.main_extractor import extract_content
    from trafilatura.settings import DEFAULT_CONFIG, Extractor
    from trafilatura.xml import xmltotxt
    from trafilatura.xpaths import (
        RAW_TREE_PRUNE_XPATH,
        REMOVE_COMMENTS_AND_LISTS_XPATH,
        REMOVE_COMMENTS_XPATH,
    )

    guard_regex_tests()
    options = Extractor(
        config=DEFAULT_CONFIG,
        output_format="python",
        fast=True,
        precision=True,
        recall=False,
        comments=False,
        tables=True,
        url=url,
    )
    try:
        # trafilatura_sequence, precision focus, comments off
        is_forum = _forum_thread_page(tree)
        strip_elements(tree, *_cleaned_early(), with_tail=False)
        tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
        tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
        cleaned = convert_tags(tree_cleaning(tree, options), options, url)  # _prepare_tree, no copies
        if not is_forum:
            cleaned = prune_unwanted_nodes(cleaned, REMOVE_COMMENTS_XPATH)
        postbody, text = extract_content(cleaned, options)  # fast: no external comparison
        # bare_extraction's checks for this configuration (no comments: their length is 0)
        if options.max_tree_size:
            if len(postbody) > options.max_tree_size:
                strip_tags(postbody, "hi")
            if len(postbody) > options.max_tree_size:
                return ""
        if len(text) < options.min_output_size and options.min_output_comm_size > 0:
            return ""
    except (TypeError, ValueError):  # bare_extraction returns None ("discarding data") on these
        return ""
    return str(xmltotxt(postbody, options.formatting) or "")  # its python output
