"""The daily digest: the day's stories rendered as Markdown or HTML (Jinja2 templates)."""

from newswatch.digest.render import FORMATS, Digest, build_digest, render

__all__ = ["FORMATS", "Digest", "build_digest", "render"]
