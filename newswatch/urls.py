"""One canonical form per article URL: what identifies a page, without what only tracks a click.

``canonical_url`` is the form article identity derives from (``records.article_id_for``); the URL
as fetched stays in ``articles.url``. Structure is normalised by courlan (``normalize_url``: scheme
and host case, the scheme's default port, duplicate slashes, leading ``/..``, percent-encoding of
the path, punycode hosts), and newswatch adds what identity needs:

- the fragment is dropped (it never reaches the server);
- a trailing dot on the host is dropped, and an empty path is ``/``;
- tracking parameters are dropped: ``utm_*`` and a short list of click ids and mailing-list tags
  (``TRACKING_PREFIXES``, ``TRACKING_PARAMS``). courlan's own tracker rule is broader (it drops any
  ``source``, ``ref``, ``session``, ``uid``... parameter), which for identity could merge two
  different articles, so the query is filtered here, its other parameters left as they were, in
  their order and spelling;
- ``amp`` and mobile (``m.``) variants become the main page only when the page's own canonical
  link says so (``article_identity``): a different host or path is never guessed.

Anything that is not an absolute http(s) URL (``file://`` paths of local files, ``eval:`` ids)
comes back unchanged, so the ids of files do not depend on this module.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

from newswatch.text import valid_text

TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "itm_", "hsa_", "oly_", "vero_")
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok",
        "xtor", "wt_mc", "wt_zmc", "s_cid", "ncid", "ocid", "cmpid",
    }
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MOBILE_HOST = re.compile(r"^(?:m|mobile|amp|www)\.")
_AMP_PATH = re.compile(r"/amp/?$|/amp(?=/)|\.amp(?=\.html?$|$)|^/amp(?=/)", re.I)
_AMP_PARAM = re.compile(r"^(?:amp|outputtype=amp|amp=1|amp=true)$", re.I)


def is_tracking_param(name: str) -> bool:
    key = unquote(name).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _query(query: str) -> str:
    """The query without tracking parameters; the others kept as written, in order."""
    if not query:
        return ""
    kept = [p for p in query.split("&") if p and not is_tracking_param(p.split("=", 1)[0])]
    return "&".join(kept)


@lru_cache(maxsize=1)
def _normalize_url() -> Callable[..., str]:
    """courlan's ``normalize_url``, imported when first needed.

    courlan brings urllib3 along; trafilatura (which extraction imports) then imports urllib3's SOCKS
    support, which warns when PySocks is absent unless trafilatura came first. Importing both here,
    trafilatura first and warnings aside, leaves the modules as extraction alone would.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trafilatura  # noqa: F401
        from courlan import normalize_url
    return normalize_url


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL (idempotent); any other string as it is."""
    url = valid_text(url).strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            return url
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:  # a port that is not a number, a bracket without its pair
        return url
    if not host:
        return url
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    try:
        base = _normalize_url()(urlunsplit((scheme, netloc, parts.path or "/", "", "")), trailing_slash=True)
    except ValueError:
        return url
    query = _query(parts.query)
    return f"{base}?{query}" if query else base


def _variant_key(url: str) -> str:
    """A canonical URL without the marks of an AMP or mobile edition."""
    parts = urlsplit(url)
    host = _MOBILE_HOST.sub("", parts.hostname or "")
    path = _AMP_PATH.sub("", parts.path) or "/"
    query = "&".join(p for p in parts.query.split("&") if p and not _AMP_PARAM.match(p))
    return urlunsplit((parts.scheme, host, path.rstrip("/") or "/", query, ""))


def article_identity(url: str, declared: str | None = None) -> str:
    """The URL an article is identified by: ``canonical_url(url)``, or the page's own canonical
    link when that names the main edition of this same page (an AMP or ``m.`` variant)."""
    mine = canonical_url(url)
    if not declared:
        return mine
    theirs = canonical_url(declared)
    web = ("http://", "https://")
    if theirs != mine and theirs.startswith(web) and mine.startswith(web):
        return theirs if _variant_key(theirs) == _variant_key(mine) else mine
    return mine


__all__ = ["TRACKING_PARAMS", "TRACKING_PREFIXES", "article_identity", "canonical_url", "is_tracking_param"]
