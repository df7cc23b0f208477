"""The Prefect flow itself over web sources (slow: it starts Prefect's engine)."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest


@pytest.mark.slow
def test_flow_runs_web_sources_twice_without_duplicates(
    prefect_harness: Any, site: Any, make_config: Any
) -> None:
    from newswatch.flows.pipeline import newswatch_run

    config = make_config(
        [
            {"name": "news-rss", "kind": "feed", "url": site.url("/news.rss")},
            {"name": "news-sitemap", "kind": "sitemap", "url": site.url("/sitemap-index.xml")},
            {"name": "broken", "kind": "feed", "url": site.url("/fault/500")},
        ],
        max_retries=0,
    )
    first = newswatch_run(config=str(config))
    second = newswatch_run(config=str(config))
    assert first["status"] == second["status"] == "completed"
    assert first["new"] == 11 and second["new"] == 0
    conn = duckdb.connect(str(config.parent / "nw.duckdb"), read_only=True)
    try:
        outcomes = dict(
            conn.execute(
                "SELECT source, list(DISTINCT outcome ORDER BY outcome) FROM fetches"
                " WHERE run_id = (SELECT max_by(run_id, started_at) FROM runs) AND url NOT LIKE '%/news/%'"
                " GROUP BY source"
            ).fetchall()
        )
        failures = conn.execute(
            "SELECT consecutive_failures FROM source_state WHERE source = 'broken'"
        ).fetchone()
    finally:
        conn.close()
    assert outcomes == {
        "news-rss": ["not_modified"],
        "news-sitemap": ["not_modified", "unchanged"],
        "broken": ["server_error"],
    }
    assert failures == (2,)
