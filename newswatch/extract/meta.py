"""Page metadata from structured data first: JSON-LD, then OpenGraph, then ``<meta>`` and markup.

Each field keeps where its value came from (``json-ld``, ``opengraph``, ``meta``, ``html``, ``url``),
so a wrong date can be traced to the tag that said it. Published and modified dates are kept
apart and keep the page's own UTC offset (a date-only value is taken as midnight UTC). Nothing here
runs htmldate or the body heuristics: ``sources.html`` falls back to those only for what is missing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin, urlparse

from lxml.html import HtmlElement

# JSON-LD types that describe one article; the first one found wins.
ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "livebloposting",
    "liveblogposting",
    "techarticle",
    "report",
    "scholarlyarticle",
    "socialmediaposting",
    "posting",
    "review",
}
# Types that say "this page lists things".
LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage", "sitenavigationelement"}

_DATE_META = (
    # (attribute value, field, provenance); the first that parses wins for each field.
    ("article:published_time", "published_at", "opengraph"),
    ("og:published_time", "published_at", "opengraph"),
    ("article:published", "published_at", "opengraph"),
    ("datepublished", "published_at", "meta"),
    ("pubdate", "published_at", "meta"),
    ("publishdate", "published_at", "meta"),
    ("publish-date", "published_at", "meta"),
    ("parsely-pub-date", "published_at", "meta"),
    ("sailthru.date", "published_at", "meta"),
    ("dc.date.issued", "published_at", "meta"),
    ("dcterms.created", "published_at", "meta"),
    ("dc.date", "published_at", "meta"),
    ("citation_publication_date", "published_at", "meta"),
    ("date", "published_at", "meta"),
    ("article:modified_time", "modified_at", "opengraph"),
    ("og:updated_time", "modified_at", "opengraph"),
    ("datemodified", "modified_at", "meta"),
    ("dcterms.modified", "modified_at", "meta"),
    ("last-modified", "modified_at", "meta"),
)
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")


@dataclass(slots=True)
class PageMeta:
    """What the page says about itself, with the provenance of every field set."""

    title: str | None = None
    deck: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    authors: tuple[str, ...] = ()
    site_name: str | None = None
    canonical_url: str | None = None
    language_hint: str | None = None
    types: set[str] = field(default_factory=set)  # JSON-LD @type and og:type values, lower case
    free: bool | None = None  # JSON-LD isAccessibleForFree
    article_body: str | None = None  # JSON-LD articleBody: the text when the markup hides it
    provenance: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: Any, where: str) -> None:
        """Set ``name`` unless an earlier (more trusted) source already did."""
        if value in (None, "", ()) or getattr(self, name) not in (None, "", ()):
            return
        setattr(self, name, value)
        self.provenance[name] = where


def _meta_map(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` values by lower-cased property/name/itemprop (the first of each wins)."""
    out: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop")
        value = el.get("content")
        if key and value and value.strip():
            out.setdefault(key.strip().lower(), value.strip())
    return out


def _json_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` members flattened."""
    found: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"), strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; the other sources still count
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return found


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    values = t if isinstance(t, list) else [t]
    return {str(v).lower().rsplit("/", 1)[-1] for v in values if v}


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if isinstance(value, str | int) and str(value).strip() else None


def _people(value: Any) -> list[tuple[str, bool]]:
    """(name, is_person) for a JSON-LD author value (a string, an object or a list of them)."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        name = _name(item)
        if name:
            is_person = not (isinstance(item, dict) and "organization" in _types(item))
            out.append((name, is_person))
    return out


def _resolve(value: Any, objects: list[dict[str, Any]]) -> Any:
    """Replace ``{"@id": ...}`` references (Yoast's graphs) with the objects they point at."""
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str) and "name" in o}
    items = value if isinstance(value, list) else [value]
    out = [by_id.get(str(v.get("@id")), v) if isinstance(v, dict) and "name" not in v else v for v in items]
    return out


def read_metadata(tree: HtmlElement, url: str | None = None) -> PageMeta:
    """Read the structured metadata of a parsed page (no body heuristics)."""
    from newswatch.extract.authors import clean_authors
    from newswatch.extract.document import parse_datetime

    meta = PageMeta()
    tags = _meta_map(tree)
    objects = _json_objects(tree)
    for obj in objects:
        meta.types |= _types(obj)
    article = next((o for o in objects if _types(o) & ARTICLE_TYPES), None)
    publisher_name = None
    if article is not None:
        meta.set("title", _name(article.get("headline")) or _name(article.get("name")), "json-ld")
        meta.set("deck", _name(article.get("description")), "json-ld")
        meta.set("published_at", parse_datetime(_name(article.get("datePublished")), utc=False), "json-ld")
        meta.set("modified_at", parse_datetime(_name(article.get("dateModified")), utc=False), "json-ld")
        publisher_name = _name(article.get("publisher"))
        people = _people(_resolve(article.get("author"), objects))
        if any(is_person for _, is_person in people):
            people = [p for p in people if p[1]]
        meta.set("authors", clean_authors([n for n, _ in people], site=publisher_name), "json-ld")
        meta.set("language_hint", _name(article.get("inLanguage")), "json-ld")
        entity = article.get("mainEntityOfPage")
        if isinstance(entity, dict):
            entity = entity.get("@id") or entity.get("url")
        meta.set("canonical_url", _absolute(_name(article.get("url")) or _name(entity), url), "json-ld")
        body = article.get("articleBody")
        if isinstance(body, str) and body.strip() and meta.article_body is None:
            meta.article_body = body.strip()
        free = article.get("isAccessibleForFree")
        if free is not None:
            meta.free = str(free).strip().lower() not in ("false", "0", "no")
    for obj in objects:  # a site name from any WebSite / Organization object
        types = _types(obj)
        if "website" in types or "newsmediaorganization" in types:
            meta.set("site_name", _name(obj.get("name")), "json-ld")
    meta.set("site_name", publisher_name, "json-ld")

    og_type = tags.get("og:type", "").lower()
    if og_type:
        meta.types.add(f"og:{og_type}")
    meta.set("title", tags.get("og:title"), "opengraph")
    meta.set("title", tags.get("twitter:title"), "meta")
    meta.set("deck", tags.get("og:description"), "opengraph")
    meta.set("deck", tags.get("description"), "meta")
    meta.set("site_name", tags.get("og:site_name"), "opengraph")
    meta.set("site_name", tags.get("application-name"), "meta")
    for key, name, where in _DATE_META:
        if key in tags:
            meta.set(name, parse_datetime(tags[key], utc=False), where)
    if not meta.authors:
        for key in _AUTHOR_META:
            if key in tags:
                meta.set("authors", clean_authors([tags[key]], site=meta.site_name), "meta")
                if meta.authors:
                    break
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            meta.set("canonical_url", _absolute(link.get("href"), url), "meta")
            break
    meta.set("canonical_url", _absolute(tags.get("og:url"), url), "opengraph")
    if not meta.published_at:
        # <time itemprop="datePublished" datetime="..."> and friends in the markup.
        for el in tree.xpath('//*[@itemprop="datePublished"][@datetime or @content]'):
            meta.set(
                "published_at", parse_datetime(el.get("datetime") or el.get("content"), utc=False), "html"
            )
    if meta.published_at is not None and meta.published_at.utcoffset() == timedelta(0):
        meta.published_at = _local_time(tree, meta.published_at)
    meta.set(
        "language_hint", tags.get("og:locale") or tags.get("content-language") or tree.get("lang"), "meta"
    )
    return meta


def _local_time(tree: HtmlElement, instant: datetime) -> datetime:
    """The same instant in the page's own offset, read from a visible ``<time datetime>``.

    Structured data often gives UTC while the page shows local time; the local day is the one
    readers (and annotators) see. A ``<time>`` naming the same instant with an offset, or a naive
    one a whole number of quarter hours away (at most 14 h), tells the offset.
    """
    from newswatch.extract.document import parse_datetime

    for el in tree.xpath("//time[@datetime]")[:5]:
        raw = (el.get("datetime") or "").strip()
        shown = parse_datetime(raw, utc=False)
        if shown is None:
            continue
        naive = not re.search(r"(?:Z|[+-]\d\d:?\d\d)$", raw)
        if naive:
            diff = shown.replace(tzinfo=None) - instant.replace(tzinfo=None)
        elif shown == instant:
            diff = shown.utcoffset() or timedelta(0)
        else:
            continue
        quarters = diff / timedelta(minutes=15)
        if diff and quarters == int(quarters) and abs(diff) <= timedelta(hours=14):
            return instant.astimezone(timezone(diff))
    return instant


def date_from_url(url: str | None) -> datetime | None:
    """A ``/2020/01/19/`` path date (midnight UTC), the last resort for the published date."""
    from newswatch.extract.document import parse_datetime

    if not url:
        return None
    m = _URL_DATE.search(urlparse(url).path)
    if not m:
        return None
    try:
        return parse_datetime(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
    except ValueError:
        return None


def _absolute(href: str | None, base: str | None) -> str | None:
    if not href:
        return None
    full = urljoin(base or "", href.strip())
    return full if full.startswith(("http://", "https://")) else None
