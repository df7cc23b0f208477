"""HTML pages: parse once, decide what kind of page it is, then read the article.

The order (each step reuses the one parsed tree):

1. bytes to text: the declared charset, else UTF-8, else the page's ``<meta charset>``, else
   detection; empty and binary input is refused with its outcome (``extract.encoding``);
2. parse with lxml (trafilatura's tolerant loader, ``vendored.load_html``: no ``</html>``, broken
   markup and huge pages parse, they never hang);
3. a feed served as HTML, or a redirect page (meta refresh, script redirect) is reported as such:
   ``RedirectPage`` carries the target so a fetcher can follow it once;
4. structured metadata (JSON-LD, OpenGraph, ``<meta>``; ``extract.meta``) before heuristics;
5. a home, section or listing page is ``not_an_article`` (no body pass is run for it);
6. what the structured data did not give: the visible headline (``<h1>``), a byline from the
   markup (``vendored.extract_author``), htmldate's quick date search, the date in the URL, the host name;
7. the elements no body pass reads (scripts but JSON-LD, styles, SVG, templates) are dropped:
   trafilatura would delete them anyway, after copying the tree and running its XPath passes
   over them;
8. the body: trafilatura in precision mode without fallbacks first, then with its fallback
   extractors, then in recall mode, each only when the text so far is too short to be an article;
   still too short, the JSON-LD ``articleBody`` when it is much longer;
9. a page that is only a teaser above "subscribe to continue" is ``paywalled``; a longer
   truncated one is kept and marked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlparse

from lxml.html import HtmlElement

from newswatch.errors import ExtractionError
from newswatch.extract.authors import clean_authors
from newswatch.extract.encoding import decode, looks_binary
from newswatch.extract.meta import ARTICLE_TYPES, LISTING_TYPES, PageMeta, date_from_url, read_metadata
from newswatch.extract.vendored import extract_author, load_html, precision_text
from newswatch.outcomes import Outcome
from newswatch.records import Extracted
from newswatch.text import has_words, words

# A body shorter than this (characters) gets the next, costlier pass.
MIN_PRECISE_CHARS = 600
# A paywalled page with fewer words than this is a teaser, not an article.
MIN_PAYWALLED_WORDS = 120
# Fewer words than this is not an article (a stub, an error page, "Coming soon"), whatever the page
# claims; a wire brief has a few dozen.
MIN_ARTICLE_WORDS = 15
HOME_PATH = re.compile(r"^/?(?:(?:index|default|home)(?:\.[a-z]{2,5})?)?/?$", re.I)
# Pages with less visible text than this can be redirect stubs.
MAX_REDIRECT_TEXT = 400

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_FEED_ROOT = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)
_REFRESH = re.compile(r"""^\s*(\d*(?:\.\d+)?)\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^'"]*)""", re.I)
_JS_REDIRECT = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']
      |location\.(?:replace|assign)\(\s*["']([^"']+)["']\s*\)""",
    re.X,
)
PAYWALL = re.compile(
    r"""(?ix)
    subscribe\ (?:now\ |today\ )?(?:to|for)\ (?:continue|keep|read|access|unlock|the\ full|our\ e)
    | (?:to\ )?(?:continue|keep)\ reading,?\ (?:please\ )?(?:subscribe|log\ ?in|sign\ in|become)
    | (?:view|read|access)\ the\ (?:full|entire|rest\ of\ the)\ (?:story|article)
    | already\ a\ subscriber
    | (?:for|to)\ subscribers\ only | subscribers?[-\ ]only\ (?:content|article|story)
    | this\ (?:content|article|story)\ is\ (?:only\ )?(?:available|reserved|exclusive)\ (?:to|for)
    """
)
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]{1,2}\s+")


class RedirectPage(ExtractionError):
    """The page only sends the reader elsewhere; ``target`` is where (absolute URL)."""

    outcome = Outcome.REDIRECT

    def __init__(self, input: str, target: str, how: str) -> None:
        super().__init__(input, f"a redirect page ({how}) to {target}")
        self.target = target


def decode_html(data: bytes, *, name: str, declared: str | None = None) -> str:
    """Bytes to text for a page; a ``<meta charset>`` counts when UTF-8 does not fit."""
    if not declared and data.strip() and not looks_binary(data):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            m = _META_CHARSET.search(data[:4096])
            if m:
                declared = m.group(1).decode("ascii", "replace")
    text, _ = decode(data, name=name, declared=declared)
    return text


def parse(html: str, *, name: str) -> HtmlElement:
    """One lxml tree for the page; markup that is not a page raises ``ExtractionError``."""
    if "<" not in html:
        raise ExtractionError(name, "not HTML: no markup", outcome="not_an_article")
    if _FEED_ROOT.match(html[:2000]):
        raise ExtractionError(name, "a feed served as HTML, not an article page", outcome="not_an_article")
    try:
        tree = load_html(html)
    except (ValueError, TypeError, AttributeError) as exc:  # lxml's errors on hostile markup
        raise ExtractionError(name, f"the page could not be parsed: {exc}", outcome="unparsable") from exc
    if tree is None or len(tree) == 0:
        raise ExtractionError(name, "the page could not be parsed (no elements)", outcome="unparsable")
    return tree


def redirect_target(tree: HtmlElement, url: str | None) -> tuple[str, str] | None:
    """(target, how) when the page is a redirect stub: a meta refresh or a script redirect."""
    short: bool | None = None  # whether the page has little visible text; measured when needed

    def little_text() -> bool:
        nonlocal short
        if short is None:
            short = _text_shorter_than(tree.find("body"), MAX_REDIRECT_TEXT)
        return short

    for el in tree.iter("meta"):
        if (el.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        m = _REFRESH.match(el.get("content") or "")
        if not m or not m.group(2).strip():
            continue
        target = urljoin(url or "", m.group(2).strip())
        delay = float(m.group(1) or 0)
        # Auto-reloading a page to itself (or after minutes) is not a redirect.
        if target.rstrip("/") != (url or "").rstrip("/") and (delay <= 5 or little_text()):
            return target, "meta refresh"
    if little_text():
        for script in tree.iter("script"):
            m = _JS_REDIRECT.search(script.text or "")
            if m:
                return urljoin(url or "", m.group(1) or m.group(2)), "script"
    return None


def warm_up() -> None:
    """Pay the extraction libraries' one-time costs now rather than on the first page that needs
    them: trafilatura's and jusText's stop lists (``vendored.warm_up``) and htmldate's dateparser
    (~150 ms with its first parse, the first page without a structured date). Pool workers call it
    when they start; results do not depend on it."""
    from htmldate.extractors import get_external_parser

    from newswatch.extract import vendored

    vendored.warm_up()
    get_external_parser().get_date_data("2 March 2024")


def _text_shorter_than(body: HtmlElement | None, limit: int) -> bool:
    """Whether the visible text under ``body`` (spaces squeezed) is shorter than ``limit``.

    Stops reading once the limit is passed: a whole article page's ``text_content()`` cost about
    1 ms per page, for a question almost every page answers in its first few hundred characters.
    """
    if body is None:
        return True
    size = -1  # n pieces of text are joined by n - 1 spaces
    for piece in body.itertext():
        for word in piece.split():
            size += len(word) + 1
            if size >= limit:
                return False
    return True


def _body(
    tree: HtmlElement, url: str | None, article_body: str | None, again: Callable[[], HtmlElement]
) -> tuple[str, str]:
    """The article text, cheapest precise pass first. (text, how).

    1. trafilatura in precision mode without its fallback extractors (the cheap pass; most pages
       end here), on ``tree`` itself (``vendored.precision_text``: no copies, the tree is consumed; the
       later passes read a fresh tree from ``again``);
    2. when that is too short, precision mode with its fallbacks (readability, jusText);
    3. when still too short, recall mode without the fallbacks (they already ran in pass 2: running
       them again costs about 50 ms on such a page and did not change any result on the quality
       gate's pages). The longest text wins once a pass is long enough.

    Pages that render their text from script (or hide it from readers) often still give it whole
    in JSON-LD (``article_body``) for search engines: better than a caption or a teaser. When it
    is long enough on its own and over twice what a pass found, it is taken without the costlier
    passes.
    """
    from trafilatura import bare_extraction

    fresh: HtmlElement | None = None

    def run(*, precision: bool, fast: bool) -> str:
        nonlocal fresh
        if precision and fast:
            return precision_text(tree, url)
        if fresh is None:
            fresh = again()
        doc: Any = bare_extraction(
            fresh,
            url=url,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            favor_precision=precision,
            favor_recall=not precision,
            fast=fast,
        )
        return str(doc.text or "") if doc is not None else ""

    def structured_wins(text: str) -> bool:
        return bool(article_body) and len(article_body or "") > 2 * len(text)

    best, how = "", "trafilatura:precision"
    for name, precision, fast in (
        ("trafilatura:precision", True, True),
        ("trafilatura:precision+fallbacks", True, False),
        ("trafilatura:recall", False, True),
    ):
        text = run(precision=precision, fast=fast)
        if len(text) > len(best):
            best, how = text, name
        if len(best) >= MIN_PRECISE_CHARS:
            break
        if article_body and len(article_body) >= MIN_PRECISE_CHARS and structured_wins(best):
            # A full structured text beats running readability and jusText (about 50 ms each)
            # over a page whose markup gave a teaser.
            break
    if len(best) < MIN_PRECISE_CHARS and structured_wins(best):
        best, how = article_body or "", "json-ld"
    return best, how


def _block_text(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _strip_site(title: str, site: str | None, host: str | None) -> str:
    """Drop " | Site name" (or "Site: ") around a headline."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    labels = {" ".join(words(x)) for x in (site, host) if x}
    labels |= {" ".join(words(x.split(".")[-2])) for x in (host,) if x and x.count(".") >= 1}
    kept = [p for p in parts if " ".join(words(p)) not in labels]
    if len(kept) > 1:
        # "Section | Headline": short labels around the longest part are furniture.
        longest = max(kept, key=len)
        if all(len(words(p)) <= 4 for p in kept if p is not longest):
            kept = [longest]
    if len(kept) == len(parts):
        # No part is the site's name: a trailing short segment is still a site name in practice.
        if len(words(parts[-1])) <= 4 and len(words(" ".join(parts[:-1]))) >= 4:
            kept = parts[:-1]
        else:
            return title
    sep = re.search(r"\s+[|\-–—:·•»]{1,2}\s+", title)
    return (sep.group(0) if sep else " - ").join(kept) if kept else title


def choose_title(tree: HtmlElement, meta: PageMeta, host: str | None) -> tuple[str | None, str]:
    """The visible headline (an ``<h1>`` agreeing with the metadata), else the metadata's title."""
    title_el = tree.find(".//title")
    page_title = _block_text(title_el) if title_el is not None else ""
    known = set(words(meta.title or "")) | set(words(page_title))
    for h1 in tree.iter("h1"):
        text = _block_text(h1)
        if not 8 <= len(text) <= 300:
            continue
        ws = words(text)
        if known and len(ws) >= 3 and sum(w in known for w in ws) / len(ws) >= 0.5:
            return text, "html"
    if meta.title:
        return _strip_site(meta.title, meta.site_name, host), meta.provenance.get("title", "meta")
    if page_title:
        return _strip_site(page_title, meta.site_name, host), "html"
    return None, ""


def _link_density(tree: HtmlElement) -> float:
    body = tree.find("body")
    if body is None:
        return 0.0
    total = len(" ".join(body.text_content().split())) or 1
    linked = sum(len(" ".join(a.text_content().split())) for a in body.iter("a"))
    return linked / total


def is_listing(tree: HtmlElement, meta: PageMeta, url: str | None) -> bool:
    """A home, section or listing page: no sign of an article, and a listing type, a site's root
    URL or mostly link text."""
    parsed = urlparse(url or "")
    if parsed.scheme in ("http", "https") and HOME_PATH.match(parsed.path) and not parsed.query:
        # A site's root is its home page even when it carries article markup (a featured story's
        # og:type, a date): the article lives at its own URL.
        return True
    article_signal = bool(meta.types & ARTICLE_TYPES) or "og:article" in meta.types or bool(meta.published_at)
    if article_signal:
        return False
    return bool(meta.types & LISTING_TYPES) or _link_density(tree) > 0.6


def paywall_kind(meta: PageMeta, body: str) -> str:
    """``paywalled`` (a teaser before "subscribe to continue"), ``truncated`` or ``article``."""
    tail = body[-600:]
    if meta.free is False or PAYWALL.search(tail):
        n = len(words(PAYWALL.split(body)[0]))
        return "paywalled" if n < MIN_PAYWALLED_WORDS else "truncated"
    return "article"


# Elements the body passes never read: trafilatura deletes them before extracting (its
# MANUALLY_CLEANED), and its raw-tree XPath passes and tree copies cost in proportion to the
# elements they visit. JSON-LD scripts stay (trafilatura's recall pass reads their articleBody).
_NEVER_BODY = ("style", "svg", "template")


def drop_non_content(tree: HtmlElement) -> None:
    """Remove scripts (but JSON-LD), styles, SVG drawings and templates, keeping their tails."""
    from lxml import etree

    for script in list(tree.iter("script")):
        kind = (script.get("type") or "").strip().lower()
        if kind != "application/ld+json" and script.getparent() is not None:
            script.drop_tree()  # lxml.html: the tail text stays in place
    etree.strip_elements(tree, *_NEVER_BODY, with_tail=False)


def extract_page(html: str, *, url: str | None = None, name: str | None = None) -> Extracted:
    """Article text and metadata from a page; other kinds of page raise with their outcome.

    ``url`` is the page's web address (None for a local file); ``name`` names it in errors.
    Everything that reads the whole page (metadata, listing test, headline, byline, dates) runs
    first; then the elements no body pass reads are dropped and the body is extracted.
    """
    name = name or url or "html"
    tree = parse(html, name=name)
    redirect = redirect_target(tree, url)
    if redirect:
        raise RedirectPage(name, *redirect)
    meta = read_metadata(tree, url)
    if is_listing(tree, meta, url):
        raise ExtractionError(
            name, "a home, section or listing page, not an article", outcome="not_an_article"
        )
    host = urlparse(url).hostname if url else None
    title, title_from = choose_title(tree, meta, host)
    gaps: dict[str, str] = {}
    _fill_gaps(tree, meta, url, host, gaps)
    drop_non_content(tree)

    def again() -> HtmlElement:  # the page as the first pass got it, for a costlier pass
        fresh = parse(html, name=name)
        drop_non_content(fresh)
        return fresh

    body, how = _body(tree, url, meta.article_body, again)
    kind = paywall_kind(meta, body)
    if kind == "paywalled":
        raise ExtractionError(name, "only a teaser before a paywall", outcome="paywalled")
    if not body.strip():
        raise ExtractionError(name, "no article text found in the page", outcome="no_body")
    if not has_words(body, MIN_ARTICLE_WORDS):
        raise ExtractionError(
            name, f"too short to be an article (under {MIN_ARTICLE_WORDS} words)", outcome="no_body"
        )
    if not title:
        raise ExtractionError(name, "no title found in the page", outcome="no_title")
    provenance = {k: v for k, v in meta.provenance.items() if k != "title" and k not in gaps}
    provenance.update(title=title_from, body=how)
    if kind == "truncated":
        provenance["page_kind"] = "truncated"
    provenance.update(gaps)
    return Extracted(
        title=title,
        body=body,
        deck=meta.deck,
        published_at=meta.published_at,
        modified_at=meta.modified_at,
        authors=meta.authors,
        site_name=meta.site_name,
        canonical_url=meta.canonical_url,
        language_hint=meta.language_hint,
        provenance=provenance,
    )


def _fill_gaps(
    tree: HtmlElement, meta: PageMeta, url: str | None, host: str | None, provenance: dict[str, str]
) -> None:
    """Heuristics for what the structured data left out (in place on ``meta``)."""
    from newswatch.extract.document import parse_datetime

    if not meta.authors:
        found = extract_author(tree)
        if found:
            meta.set("authors", clean_authors([found], site=meta.site_name), "html")
    if not meta.published_at:
        from htmldate import find_date

        # The quick search, then the URL; htmldate's extensive search (dates anywhere in the
        # text, the slow part of trafilatura's metadata) only when both found nothing.
        for extensive in (False, True):
            try:
                day = find_date(tree, url=url, extensive_search=extensive, original_date=True)
            except (ValueError, TypeError):  # htmldate on hostile markup
                day = None
            meta.set("published_at", parse_datetime(day), "htmldate:extensive" if extensive else "htmldate")
            meta.set("published_at", date_from_url(url), "url")
            if meta.published_at:
                break
    meta.set("site_name", host.removeprefix("www.") if host else None, "url")
    meta.set("canonical_url", url if url and url.startswith("http") else None, "url")
    for key in ("authors", "published_at", "site_name", "canonical_url"):
        if key in meta.provenance:
            provenance[key] = meta.provenance[key]
