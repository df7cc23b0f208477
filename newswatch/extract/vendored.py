"""Faster versions of three trafilatura 2.3.1 steps, each beside the library call it replaces.

The page pipeline (``extract.html``) calls three trafilatura steps on every page; each costs more
than it needs to for how this project calls it:

- ``load_html``: ``trafilatura.utils.load_html``, step for step, except that its regex removal of
  invalid XML characters runs only when a cheaper test finds one, and that lxml builds element
  proxies without asking Python for their class;
- ``precision_text``: the text of ``trafilatura.bare_extraction`` in its cheap precision
  configuration, run on the page's own tree instead of three copies of it, with the elements its
  cleaning deletes whole deleted first and its XPath pruning lists guarded (``guarded``);
- ``extract_author``: ``trafilatura.metadata.extract_author``'s answer from one regex-free tree
  walk instead of a deep copy and three regex XPaths.

Each fast version mirrors trafilatura's own code at ``VENDORED_FOR`` and reads some of its private
names. On any other installed version this module uses the library's own functions instead (the
``reference_*`` functions below, which are also what the tests compare the fast versions with)
and says so once in the log: an upgrade costs speed, never correctness. tests/extract
(test_extraction_trafpass.py, test_extraction_byline.py, test_extraction_fastpaths.py) hold each
fast version equal to its reference on every fixture page, and run the pipeline with the
fallback forced.

Nothing here changes trafilatura's own module state: the guarded XPath expressions are compiled
copies passed to trafilatura's functions.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from functools import cache, lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from lxml.etree import ElementDefaultClassLookup, XPath, strip_elements, strip_tags
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction

log = logging.getLogger("newswatch.extract")

# The trafilatura release the fast versions mirror (pyproject.toml pins it).
VENDORED_FOR = "2.3.1"


def _installed() -> str:
    try:
        return version("trafilatura")
    except PackageNotFoundError:  # imported from a source tree without metadata
        return "unknown"


def _use_fast_paths(installed: str) -> bool:
    """Whether the fast versions may run with trafilatura ``installed`` (logged when not)."""
    if installed == VENDORED_FOR:
        return True
    log.warning(
        "trafilatura %s is installed, the fast extraction steps mirror %s: using trafilatura's own"
        " load_html, bare_extraction and extract_author (same results, slower)",
        installed,
        VENDORED_FOR,
    )
    return False


INSTALLED = _installed()
# Whether the fast versions run: decided once, at import. Tests set it to False to run the
# library's own functions.
FAST = _use_fast_paths(INSTALLED)


def load_html(html: str) -> HtmlElement | None:
    """The page's lxml tree, as ``trafilatura.utils.load_html`` builds it."""
    return fast_load_html(html) if FAST else reference_load_html(html)


def precision_text(tree: HtmlElement, url: str | None) -> str:
    """The text of trafilatura's fast precision pass (tables kept, comments not); "" when that pass
    finds too little. ``tree`` may be modified: do not use it afterwards."""
    return fast_precision_text(tree, url) if FAST else reference_precision_text(tree, url)


def extract_author(tree: HtmlElement) -> str | None:
    """What ``trafilatura.metadata.extract_author(tree)`` returns (``tree`` is not modified)."""
    return fast_extract_author(tree) if FAST else reference_extract_author(tree)


# -- 1. the page loader ----------------------------------------------------------------------------


def reference_load_html(html: str) -> HtmlElement | None:
    from trafilatura.utils import load_html as trafilatura_load_html

    tree: HtmlElement | None = trafilatura_load_html(html)
    return tree


# The characters trafilatura's loader strips (INVALID_XML_CHARS): control characters, which in
# UTF-8 only ever encode themselves, and U+FFFE/U+FFFF, looked for in the text itself (a search for
# a character the string cannot hold ends at once; their 3-byte UTF-8 forms took 0.4 ms to find).
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32)])


def _has_invalid_xml_chars(html: str) -> bool:
    if "\ufffe" in html or "\uffff" in html:
        return True
    data = html.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _CONTROL_BYTES)) != len(data)


@lru_cache(maxsize=1)
def html_parser() -> HTMLParser:
    """trafilatura's parser settings (``trafilatura.utils.HTML_PARSER``) with lxml's C-level
    element class lookup.

    ``lxml.html``'s parser asks a Python method for the class of every element proxy it makes:
    some 3,000 calls a page, as trafilatura's XPath passes and walks touch elements. Here every
    element is an ``HtmlElement`` without that call; only form controls lose lxml's form
    subclasses (``InputElement.value`` and the like), which nothing here reads.
    """
    parser = HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(
        ElementDefaultClassLookup(
            element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
        )
    )
    return parser


def fast_load_html(html: str) -> HtmlElement | None:
    """``trafilatura.utils.load_html`` for a str, step for step, except that its regex removal of
    invalid XML characters (0.6 ms on a 230 KiB page, which almost never has any) runs only when
    a cheaper test finds one, and that the parser is ``html_parser()``."""
    from lxml.html import fromstring
    from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, INVALID_XML_CHARS, fromstring_bytes

    beginning = html[:50].lower()
    check_flag = "html" not in beginning  # is_dubious_html
    # repair_faulty_html
    if _has_invalid_xml_chars(html):
        html = INVALID_XML_CHARS.sub("", html)
    if "doctype" in beginning:
        firstline, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            html = FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    tree = None
    fallback_parse = False
    try:
        tree = fromstring(html, parser=html_parser())
    except ValueError:  # a str with an encoding declaration
        tree = fromstring_bytes(html)
        fallback_parse = True
    except Exception:  # as trafilatura: any other lxml failure, then the bytes
        pass
    if (tree is None or len(tree) < 1) and not fallback_parse:
        tree = fromstring_bytes(html)
    if tree is not None and check_flag and len(tree) < 2:
        tree = None
    return tree


# -- 2. the cheap precision pass ---------------------------------------------------------------------


def reference_precision_text(tree: HtmlElement, url: str | None) -> str:
    """``trafilatura.bare_extraction`` in the configuration of the first body pass."""
    from trafilatura import bare_extraction

    doc: Any = bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        favor_recall=False,
        fast=True,
    )
    return str(doc.text or "") if doc is not None else ""


# A test already guarded is left alone: guarding is idempotent.
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


@cache
def guarded_xpaths(name: str) -> tuple[XPath, ...]:
    """A guarded copy of the XPath list ``trafilatura.xpaths.<name>`` (the library's list is left as
    it is). The pruning lists the precision pass passes in save about 0.6 ms CPU a page;
    tests/extract/test_extraction_trafpass.py checks each copy selects what the original selects on
    every fixture page."""
    import trafilatura.xpaths as xpaths

    return tuple(
        XPath(guarded(expr.path), namespaces={"re": xpaths.REGEXP_NS}) if isinstance(expr, XPath) else expr
        for expr in getattr(xpaths, name)
    )


# The lists the precision pass hands to trafilatura's pruning, as guarded copies.
PRUNING_LISTS = ("RAW_TREE_PRUNE_XPATH", "REMOVE_COMMENTS_AND_LISTS_XPATH", "REMOVE_COMMENTS_XPATH")


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


def fast_precision_text(tree: HtmlElement, url: str | None) -> str:
    """``reference_precision_text`` as the same steps on ``tree`` itself, which it consumes.

    ``bare_extraction`` copies the tree it is given, copies it again before cleaning, and once
    more as a backup that only its fallback extractors read (never in ``fast`` mode): three copies
    of a whole page, about 1.5 ms CPU, for a pass most pages end with. This runs the steps of
    ``core.bare_extraction`` and ``core.trafilatura_sequence`` for that one configuration, in the
    same order, except that the elements the cleaning deletes whole go first (``_cleaned_early``)
    and the pruning lists are guarded copies (``guarded_xpaths``).
    """
    from trafilatura.core import _forum_thread_page
    from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
    from trafilatura.main_extractor import extract_content
    from trafilatura.settings import DEFAULT_CONFIG, Extractor
    from trafilatura.xml import xmltotxt

    raw_prune, comments_and_lists, comments = (list(guarded_xpaths(n)) for n in PRUNING_LISTS)
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
        tree = prune_unwanted_nodes(tree, raw_prune)
        tree = prune_unwanted_nodes(tree, comments_and_lists)
        cleaned = convert_tags(tree_cleaning(tree, options), options, url)  # _prepare_tree, no copies
        if not is_forum:
            cleaned = prune_unwanted_nodes(cleaned, comments)
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


# -- 3. the byline ------------------------------------------------------------------------------------


def reference_extract_author(tree: HtmlElement) -> str | None:
    from trafilatura.metadata import extract_author as trafilatura_author

    author: str | None = trafilatura_author(tree)
    return author


# ``extract_author`` deep-copies the whole tree, deletes its comment sections, sidebars, dates and
# figures (``AUTHOR_DISCARD_XPATHS``), then tries three whole-tree XPaths (``AUTHOR_XPATHS``) whose
# EXSLT regexes lxml runs through Python for every attribute: about 6 ms CPU on each page without a
# structured author. Here one XPath without regexes lists the elements that carry any attribute
# those expressions read; the same tests run in Python on that short list, and only a candidate
# that has discarded elements inside it is copied and pruned (exactly as trafilatura prunes)
# before its text is read. Every test mirrors an XPath predicate, in the same order, so the first
# valid candidate, and so the author, is the same.

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


def _author_text(el: Any, discard: set[Any]) -> str:
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


def fast_extract_author(tree: HtmlElement) -> str | None:
    """``reference_extract_author`` without copying the tree."""
    from trafilatura.json_metadata import normalize_authors

    nodes = _SCAN(tree)
    if any(el.tag == "rel" for el in nodes):  # the expressions' ``rel='me'`` reads a child element
        return reference_extract_author(tree)
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
            content = _author_text(el, discard)
            if content and 2 < len(content) < LEN_LIMIT:
                author: str | None = normalize_authors(None, content)
                return author
    return None


# -- warming up ---------------------------------------------------------------------------------------


def warm_up() -> None:
    """Pay trafilatura's one-time costs now rather than on the first page that needs them: its
    union of jusText's stop lists (~90 ms) and jusText's lower-cased set of it (~80 ms), both built
    by the first page that needs jusText. Reads private names, so only on ``VENDORED_FOR``."""
    if not FAST:
        return
    import trafilatura.external as external
    from justext.core import define_stoplist

    if not external.JT_STOPLIST:
        external.jt_stoplist_init()
    define_stoplist(external.JT_STOPLIST)  # jusText keeps it (lru_cache on the tuple)
