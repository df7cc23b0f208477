"""Getting documents in: the source registry and its kinds (files, feeds, sitemaps, pages), and
HTTP fetching with its limits (``http``, ``web``)."""

from newswatch.sources.registry import SourceContext, read_source, register, registered_kinds

__all__ = ["SourceContext", "read_source", "register", "registered_kinds"]
