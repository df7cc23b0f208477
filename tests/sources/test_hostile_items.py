"""One hostile item in each of three sources: every other article still lands.

A lone surrogate in a JSON Feed title, ``&#xD800;`` in one RSS item and a JSONL record with a lone
surrogate, a NUL and control characters: before the Unicode boundary (``newswatch.text.valid_text``)
the first stopped every run (a tokenizer ``TypeError``, a DuckDB cast error) and the second made the
whole feed ``bad_feed``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from conftest import Route, Site

GOOD = "The provincial assembly approved the new water budget after a long debate on Tuesday"


def _json_feed(base: str) -> bytes:
    items = [
        {"id": f"j{i}", "url": f"{base}/json/{i}.html", "title": f"JSON story {i}", "content_text": GOOD}
        for i in range(3)
    ]
    items[1]["title"] = "Lone \ud800 surrogate"  # json.dumps writes it as the escape \ud800
    items.append({"id": "j-wrong", "url": ["not", "a", "url"], "title": {"x": 1}, "content_text": 5})
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": items}
    return json.dumps(doc).encode("ascii")


def _rss(base: str) -> bytes:
    items = "".join(
        f"<item><title>RSS story {i}{' &#xD800; &#0;' if i == 1 else ''}</title>"
        f"<link>{base}/rss/{i}.html</link><description>{GOOD}</description></item>"
        for i in range(3)
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>R</title>{items}</channel></rss>".encode()
    )


def _jsonl(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"url": f"https://files.example/{i}", "title": f"File story {i}", "body": GOOD} for i in range(3)]
    rows[1]["title"] = "Bad \ud800 record \x00 with\x07 controls"
    rows[1]["body"] = GOOD + " \udfff and a NUL \x00."
    lines = [json.dumps(r) for r in rows]
    (folder / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_one_hostile_item_per_source_loses_nothing_else(
    site: Site,
    make_config: Callable[..., Path],
    run_web: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
) -> None:
    site.routes["/hostile/feed.json"] = Route(
        body=_json_feed(site.base), headers={"Content-Type": "application/feed+json"}
    )
    site.routes["/hostile/feed.rss"] = Route(
        body=_rss(site.base), headers={"Content-Type": "application/rss+xml"}
    )
    cut = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>C</title><item>"
        f"<title>Cut feed story</title><link>{site.base}/cut/1.html</link>"
        f"<description>{GOOD}</description></item><item><title>cut"
    )
    site.routes["/hostile/cut.rss"] = Route(
        body=cut.encode(), headers={"Content-Type": "application/rss+xml"}
    )
    config = make_config(
        [
            {
                "name": "hostile-json",
                "kind": "feed",
                "url": site.url("/hostile/feed.json"),
                "fetch_pages": False,
            },
            {
                "name": "hostile-rss",
                "kind": "feed",
                "url": site.url("/hostile/feed.rss"),
                "fetch_pages": False,
            },
            {"name": "hostile-files", "kind": "files", "path": str(_jsonl(tmp_path / "records"))},
            {"name": "cut-feed", "kind": "feed", "url": site.url("/hostile/cut.rss"), "fetch_pages": False},
        ]
    )
    first = run_web(config)
    with duckdb.connect(str(first["db"]), read_only=True) as db:
        titles = sorted(r[0] for r in db.execute("SELECT title FROM articles").fetchall())
        status = db.execute("SELECT status FROM runs WHERE run_id = ?", [first["run_id"]]).fetchone()
        feeds = dict(db.execute("SELECT url, outcome FROM fetches WHERE url LIKE '%/hostile/%'").fetchall())
    assert status == ("completed",)
    assert feeds == {
        site.url("/hostile/feed.json"): "ok",
        site.url("/hostile/feed.rss"): "ok",
        site.url("/hostile/cut.rss"): "malformed_feed",  # cut short: what parsed is kept
    }
    # Every good item lands; the hostile ones too, their text made valid (U+FFFD for surrogates and
    # forbidden references, controls removed); the item of wrong types has no link and no title.
    assert titles == sorted(
        [f"{kind} story {i}" for kind in ("JSON", "RSS", "File") for i in (0, 2)]
        + ["Lone \ufffd surrogate", "RSS story 1 \ufffd \ufffd", "Bad \ufffd record with controls"]
        + ["Cut feed story"]
    )
    # A rerun neither fails nor duplicates.
    second = run_web(config)
    with duckdb.connect(str(second["db"]), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (len(titles),)
        assert db.execute("SELECT status FROM runs WHERE run_id = ?", [second["run_id"]]).fetchone() == (
            "completed",
        )
