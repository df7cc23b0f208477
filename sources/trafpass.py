"""trafilatura's cheap precision pass, run on the page's own tree instead of copies of it.

``trafilatura.bare_extraction(tree, favor_precision=True, fast=True, include_comments=False,
with_metadata=False)`` copies the tree it is given, copies it again before cleaning, and once more
as a backup that only its fallback extractors read (never in ``fast`` mode): three copies of a
whole page, about 1.5 ms CPU, for a pass most pages end with. ``precision_text`` runs the same
steps, in the same order, on the tree itself, which it consumes: the caller parses the page again
in the rare case it needs a second, costlier pass.

It mirrors trafilatura 2.3.1 (``core.bare_extraction`` and ``core.trafilatura_sequence`` for that
one configuration), the version pyproject.toml pins; tests/extraction/test_extraction_trafpass.py
checks that it gives ``bare_extraction``'s text on every fixture page, so an upgrade that changes
the steps fails there rather than drifting.
"""

from __future__ import annotations

from lxml.etree import strip_tags
from lxml.html import HtmlElement


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
