"""Fixtures for the extraction tests; they live in extraction_support.py, imported by that unique name."""

from extraction_support import *  # noqa: F403
