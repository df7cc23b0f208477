"""The same page linked from two feeds, once plain and once with tracking parameters, is stored once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from conftest import Route, Site, news_pages


def _rss(links: list[str]) -> bytes:
    items = "".join(f"<item><title>Item {i}</title><link>{u}</link></item>" for i, u in enumerate(links))
    return f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


def test_tracking_parameters_make_no_second_article(
    site: Site, make_config: Callable[..., Path], run_web: Callable[[Path], dict[str, Any]]
) -> None:
    paths = [p for p, _ in news_pages()[13:17]]
    plain = [site.url(p) for p in paths]
    tracked = [
        site.url(p) + f"?utm_source=feed&utm_medium=rss&utm_campaign=c{i}#comments"
        for i, p in enumerate(paths)
    ]
    # The second feed lists each page twice itself: tracked, and with a fragment.
    site.routes["/canon/a.rss"] = Route(body=_rss(plain), headers={"Content-Type": "application/rss+xml"})
    site.routes["/canon/b.rss"] = Route(
        body=_rss(tracked + [u + "#top" for u in plain]), headers={"Content-Type": "application/rss+xml"}
    )
    config = make_config(
        [
            {"name": "canon-a", "kind": "feed", "url": site.url("/canon/a.rss")},
            {"name": "canon-b", "kind": "feed", "url": site.url("/canon/b.rss")},
        ]
    )
    first = run_web(config)
    with duckdb.connect(str(first["db"]), read_only=True) as db:
        rows = db.execute("SELECT url, canonical_url FROM articles").fetchall()
    assert len(rows) == len(paths), rows  # one article per page
    assert sorted(r[0].split("?")[0] for r in rows) == sorted(plain)  # the URL as fetched is kept
    second = run_web(config)
    with duckdb.connect(str(second["db"]), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (len(paths),)
