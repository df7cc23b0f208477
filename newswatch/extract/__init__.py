"""Extraction: a fetched or read document becomes a title, deck, body and metadata.

``document`` dispatches by media type (text, records, HTML); ``html`` is the page pipeline
(parse, metadata from ``meta``, the body passes); ``vendored`` holds the faster versions of the
trafilatura steps it calls (page loader, cheap precision pass, byline), each beside the library
call it replaces; ``encoding`` decodes bytes; ``authors`` cleans bylines.
"""

from newswatch.extract.document import extract_document, parse_datetime

__all__ = ["extract_document", "parse_datetime"]
