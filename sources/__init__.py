"""Getting documents in: the source registry, local files, and extraction of article records."""

from sources.extract import extract_document
from sources.registry import SourceContext, read_source, register, registered_kinds

__all__ = ["SourceContext", "extract_document", "read_source", "register", "registered_kinds"]
