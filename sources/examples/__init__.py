"""Example configurations that ship with newswatch: ``outlets.toml``, real outlets' feeds and news
sitemaps on the seeds' subject (``newswatch run --config <this folder>/outlets.toml``)."""

from pathlib import Path

OUTLETS = Path(__file__).resolve().with_name("outlets.toml")

__all__ = ["OUTLETS"]
