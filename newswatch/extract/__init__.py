"""Extraction: a fetched or read document becomes a title, deck, body and metadata.

``document`` dispatches by media type (text, records, HTML); ``html`` is the page pipeline
(parse, metadata from ``meta``, body passes from ``trafpass``, bylines from ``byline``);
``encoding`` decodes bytes.
"""

from newswatch.extract.document import extract_document, parse_datetime

__all__ = ["extract_document", "parse_datetime"]
