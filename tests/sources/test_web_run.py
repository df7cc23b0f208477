"""Whole runs against the 127.0.0.1 server: what lands in articles, fetches and source_state.

The stages run as plain functions (no Prefect), wired like the flow. Three runs: the first loads
everything and records every fault; the second sends conditional requests and adds nothing; the
third leaves the sources that failed twice alone (back-off) and says so.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

FAULTS = {
    "f-500": ("/fault/500", "server_error"),
    "f-429-long": ("/fault/429-long", "rate_limited"),
    "f-slow": ("/fault/slow", "timeout"),
    "f-big": ("/fault/big", "too_large"),
    "f-loop": ("/fault/loop", "redirect_loop"),
    "f-blocked": ("/fault/blocked", "blocked_address"),
    "f-robots": ("/private/feed.rss", "robots_disallowed"),
    "f-html": ("/fault/html-feed", "bad_feed"),
    "f-empty-doc": ("/feeds/illformed/rss_empty_document.xml", "bad_feed"),
}


def _sources(site: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"name": "news-rss", "kind": "feed", "url": site.url("/news.rss")},
        {"name": "news-sitemap", "kind": "sitemap", "url": site.url("/sitemap-index.xml")},
        {
            "name": "npr-json",
            "kind": "feed",
            "url": site.url("/feeds/other/jsonfeed_npr_technology_trafilatura.json"),
            "fetch_pages": False,  # its links point off this machine: keep what the feed says
        },
        {"name": "one-page", "kind": "page", "url": site.url("/news/jamaica.gleaner.com-victims.html")},
        {"name": "gone-page", "kind": "page", "url": site.url("/fault/gone")},
        {"name": "f-429-once", "kind": "feed", "url": site.url("/fault/429")},
    ]
    out += [{"name": name, "kind": "feed", "url": site.url(path)} for name, (path, _) in FAULTS.items()]
    return out


def _q(db: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(sql, list(params)).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def three_runs(site: Any, make_config: Any, run_web: Any) -> dict[str, Any]:
    while site.hits.get("/fault/429", 0) % 2:  # the next request to it is refused once
        site.hits["/fault/429"] += 1
    # Private addresses refused except the test server's own: the blocked redirect is real.
    config = make_config(_sources(site), allow_private_networks=False, allowed_networks=["127.0.0.1/32"])
    site.clear()
    first = run_web(config)
    log1 = list(site.log)
    first["state"] = _q(
        first["db"], "SELECT source, items_seen, items_new, consecutive_failures FROM source_state"
    )
    first["cache"] = _q(first["db"], "SELECT url FROM http_cache WHERE etag IS NOT NULL")
    site.clear()
    second = run_web(config)
    log2 = list(site.log)
    site.clear()
    third = run_web(config)
    log3 = list(site.log)
    return {"runs": [first, second, third], "logs": [log1, log2, log3], "db": first["db"], "site": site}


def test_first_run_loads_every_source_and_records_every_fault(three_runs: dict[str, Any]) -> None:
    db, site = three_runs["db"], three_runs["site"]
    first = three_runs["runs"][0]
    by_origin = dict(_q(db, "SELECT origin, count(*) FROM articles GROUP BY origin"))
    assert by_origin == {"news-rss": 5, "news-sitemap": 6, "npr-json": 25, "one-page": 1}
    assert first["new"] == 37
    # Item links (half of them relative) resolved against the feed's URL.
    urls = {u for (u,) in _q(db, "SELECT url FROM articles WHERE origin IN ('news-rss', 'news-sitemap')")}
    assert all(u.startswith(site.url("/news/")) and u.endswith(".html") for u in urls) and len(urls) == 11
    titles = [t for (t,) in _q(db, "SELECT title FROM articles WHERE origin = 'npr-json'")]
    assert any("Keller Rinaudo" in t for t in titles)
    # Raw bytes of every fetched page kept (compressed) for re-extraction.
    raw = _q(db, "SELECT count(*) FROM raw_documents WHERE url LIKE ?", site.url("/news/") + "%")
    assert raw == [(12,)]
    run_id = first["run_id"]
    for name, (_path, outcome) in FAULTS.items():
        rows = _q(
            db, "SELECT outcome, error, status FROM fetches WHERE run_id = ? AND source = ?", run_id, name
        )
        final = [r for r in rows if r[0] != "retried"]
        assert [r[0] for r in final] == [outcome], (name, rows)
        assert final[0][1], name  # a reason, always
    assert _q(
        db, "SELECT outcome, status FROM fetches WHERE run_id = ? AND source = 'gone-page'", run_id
    ) == [("client_error", 404)]
    once = _q(
        db, "SELECT outcome FROM fetches WHERE run_id = ? AND source = 'f-429-once' ORDER BY fetch_id", run_id
    )
    assert [r[0] for r in once] == ["retried", "ok"]
    # Every page fetch is a row with its bytes and time, tied to its article.
    pages = _q(
        db,
        "SELECT count(*), min(bytes), min(elapsed_ms) FROM fetches WHERE run_id = ? AND url LIKE ? "
        "AND article_id IS NOT NULL",
        run_id,
        site.url("/news/") + "%",
    )
    assert pages[0][0] == 12 and pages[0][1] > 1000 and pages[0][2] > 0


def test_second_run_is_conditional_and_adds_nothing(three_runs: dict[str, Any]) -> None:
    db, site = three_runs["db"], three_runs["site"]
    second = three_runs["runs"][1]
    log2 = three_runs["logs"][1]
    assert second["new"] == 0
    assert _q(db, "SELECT count(*) FROM articles") == [(37,)]
    # The index is read in full every time (its children change while it does not), then compared.
    assert len([p for p, _ in log2 if p == "/sitemap-index.xml"]) == 1
    for path in (
        "/news.rss",
        "/sitemap-news.xml.gz",
        "/feeds/other/jsonfeed_npr_technology_trafilatura.json",
        "/news/jamaica.gleaner.com-victims.html",
    ):
        sent = [h for p, h in log2 if p == path]
        assert len(sent) == 1 and sent[0].get("if-none-match"), path
    # No article page listed by a feed or sitemap was asked for again.
    listed = [p for p, _ in log2 if p.startswith("/news/") and "jamaica.gleaner" not in p]
    assert listed == []
    outcomes = dict(
        _q(
            db,
            "SELECT source, outcome FROM fetches WHERE run_id = ? AND url = ?",
            second["run_id"],
            site.url("/news.rss"),
        )
    )
    assert outcomes == {"news-rss": "not_modified"}


def test_failing_sources_back_off_and_say_so(three_runs: dict[str, Any]) -> None:
    db = three_runs["db"]
    third = three_runs["runs"][2]
    log3 = three_runs["logs"][2]
    state = {
        r[0]: r[1:]
        for r in _q(db, "SELECT source, consecutive_failures, backoff_until, last_error FROM source_state")
    }
    for name, (path, outcome) in FAULTS.items():
        failures, backoff_until, last_error = state[name]
        assert failures == 2 and backoff_until is not None, name  # threshold 2 in the test settings
        assert last_error.startswith(outcome), (name, last_error)
        assert not [p for p, _ in log3 if p == path], name  # left alone during its back-off
        rows = _q(
            db, "SELECT outcome, error FROM fetches WHERE run_id = ? AND source = ?", third["run_id"], name
        )
        assert rows and rows[0][0] == "backoff" and "2 failures in a row" in rows[0][1]
    good = state["news-rss"]
    assert good[0] == 0 and good[1] is None
    seen = _q(
        db,
        "SELECT items_seen, items_new, last_success_at IS NOT NULL FROM source_state"
        " WHERE source = 'npr-json'",
    )
    assert seen == [(25, 0, True)]  # a 304: the items of the last read, none new


def test_items_seen_and_new_on_a_first_read(three_runs: dict[str, Any]) -> None:
    first, site = three_runs["runs"][0], three_runs["site"]
    state = {r[0]: r[1:] for r in first["state"]}
    assert state["news-rss"] == (5, 5, 0)
    assert state["news-sitemap"] == (6, 6, 0)
    assert state["npr-json"] == (25, 25, 0)
    assert state["f-500"][2] == 1
    cached = {u for (u,) in first["cache"]}
    assert site.url("/news.rss") in cached and site.url("/sitemap-news.xml.gz") in cached
    assert not any("/fault/" in u for u in cached)


def test_a_page_url_that_serves_a_feed_is_read_as_a_feed(site: Any, make_config: Any, run_web: Any) -> None:
    config = make_config(
        [{"name": "ingest-1", "kind": "page", "url": site.url("/news.rss"), "fetch_pages": False}]
    )
    result = run_web(config)
    assert result["new"] == 5


def test_a_page_that_failed_for_now_is_retried_with_its_feed(
    site: Any, make_config: Any, run_web: Any
) -> None:
    path = "/fault/feed-with-broken-page.rss"
    config = make_config([{"name": "flaky", "kind": "feed", "url": site.url(path)}], max_retries=0)
    site.clear()
    run_web(config)
    run_web(config)
    feed_requests = site.requests(path)
    assert len(feed_requests) == 2 and not any("if-none-match" in h for h in feed_requests)
    assert len(site.requests("/fault/500")) == 2  # the page is asked for again on the next run


def test_a_page_that_is_gone_settles_and_keeps_its_feed_conditional(
    site: Any, make_config: Any, run_web: Any
) -> None:
    """A 404 is final for that page, not the feed's fault: the next run asks for the feed with its
    validators (304) and does not ask for the page again. (A 5xx, above, retries both.)"""
    path = "/fault/feed-with-gone-page.rss"
    config = make_config([{"name": "gone", "kind": "feed", "url": site.url(path)}], max_retries=0)
    site.clear()
    first = run_web(config)
    run_web(config)
    feed_requests = site.requests(path)
    assert len(feed_requests) == 2 and "if-none-match" in feed_requests[1]
    assert len(site.requests("/fault/gone")) == 1
    rows = _q(first["db"], "SELECT outcome, status FROM fetches WHERE url = ?", site.url("/fault/gone"))
    assert rows == [("client_error", 404)]


def test_items_over_the_limit_wait_for_the_next_run(site: Any, make_config: Any, run_web: Any) -> None:
    config = make_config(
        [{"name": "news-rss", "kind": "feed", "url": site.url("/news.rss"), "fetch_pages": False}],
        max_items_per_source=2,
    )
    first = run_web(config)
    second = run_web(config)
    third = run_web(config)
    assert (first["new"], second["new"], third["new"]) == (2, 2, 1)


def test_a_page_without_an_article_is_recorded_and_its_bytes_kept(
    site: Any, make_config: Any, run_web: Any
) -> None:
    from newswatch.warehouse.loader import decode_raw

    config = make_config([{"name": "empty", "kind": "page", "url": site.url("/empty.html")}])
    result = run_web(config)
    db = result["db"]
    assert _q(db, "SELECT count(*) FROM articles") == [(0,)]
    outcome = _q(db, "SELECT outcome, status, bytes > 0 FROM fetches WHERE source = 'empty'")
    assert outcome == [("no_body", 200, True)]  # a title, no text: the extractor's word for it
    raw = _q(db, "SELECT content FROM raw_documents WHERE url = ?", site.url("/empty.html"))
    assert decode_raw(raw[0][0]) == site.routes["/empty.html"].body
    run_web(config)  # the page has not changed: a 304, nothing parsed
    assert _q(db, "SELECT outcome FROM fetches WHERE source = 'empty' ORDER BY fetch_id") == [
        ("no_body",),
        ("not_modified",),
    ]
