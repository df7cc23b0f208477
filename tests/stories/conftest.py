"""Fixtures for the stories tests; they live in stories_support.py, imported by that unique name."""

from stories_support import *  # noqa: F403
