"""Sources by kind: each kind is a generator function registered under its name.

A source function takes its spec and a ``SourceContext`` (settings, the shared HTTP client, state
read from the warehouse) and yields ``Document`` records, or finished ``Fetch`` rows for inputs that
produced no document (failures, skipped files). It never builds its own client or settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Set
from dataclasses import dataclass, field
from typing import Any

from newswatch.errors import ConfigError
from newswatch.records import Document, Fetch, HttpValidators, SourceHealth
from newswatch.settings import Settings, SourceSpec

SourceItem = Document | Fetch
SourceFunction = Callable[[SourceSpec, "SourceContext"], Iterator[SourceItem]]

_REGISTRY: dict[str, SourceFunction] = {}


@dataclass(slots=True)
class SourceContext:
    """What a source may use: settings, an HTTP client (web kinds), and warehouse state."""

    settings: Settings
    client: Any = None  # sources.http.Fetcher for the web kinds (one per run, shared)
    # url -> content hash of what the warehouse holds, so unchanged inputs cost nothing.
    known_hashes: Mapping[str, str] = field(default_factory=dict)
    # url -> ETag / Last-Modified / body hash of the last fetch, sent back as a conditional GET.
    http_cache: Mapping[str, HttpValidators] = field(default_factory=dict)
    # Article URLs the warehouse already settled (stored, or fetched and found not an article).
    known_urls: Set[str] = frozenset()
    # source name -> failures in a row and back-off, so a failing source waits its turn.
    health: Mapping[str, SourceHealth] = field(default_factory=dict)


def register(kind: str) -> Callable[[SourceFunction], SourceFunction]:
    """Register a source function for ``kind`` (``@register("files")``)."""

    def deco(fn: SourceFunction) -> SourceFunction:
        _REGISTRY[kind] = fn
        return fn

    return deco


def registered_kinds() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def read_source(spec: SourceSpec, ctx: SourceContext) -> Iterator[SourceItem]:
    """Yield what a configured source holds; unknown kinds are a configuration error."""
    _load_builtin(spec.kind)
    try:
        fn = _REGISTRY[spec.kind]
    except KeyError:
        raise ConfigError(
            f"source {spec.name!r}: kind {spec.kind!r} is not available here "
            f"(available: {', '.join(sorted(_REGISTRY))})",
            path=str(ctx.settings.config_path) if ctx.settings.config_path else None,
        ) from None
    yield from fn(spec, ctx)


# The module that registers each built-in kind: a run of files imports neither feedparser, lxml
# nor the HTTP stack.
_BUILTIN = {"files": "files", "feed": "feeds", "sitemap": "sitemaps", "page": "pages"}


def _load_builtin(kind: str | None = None) -> None:
    """Import the module of built-in ``kind`` (of every built-in kind without one): importing a
    module registers its kinds."""
    import importlib

    if kind is not None and kind in _REGISTRY:
        return
    for name in (_BUILTIN[kind],) if kind in _BUILTIN else _BUILTIN.values():
        importlib.import_module(f"newswatch.sources.{name}")
