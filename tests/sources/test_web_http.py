"""The fetcher against the real 127.0.0.1 server: limits, safety, robots, retries, conditional GET."""

from __future__ import annotations

import time
from typing import Any

import pytest

from newswatch.errors import FetchError, TerminalFetchError
from newswatch.records import HttpValidators
from newswatch.settings import FetchSettings
from newswatch.sources.http import Fetcher, charset_of, parse_retry_after

Site = Any
FAST: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def _fast(fast_fetch: dict[str, Any]) -> None:
    FAST.update(fast_fetch)


def fetcher(**over: Any) -> Fetcher:
    return Fetcher(FetchSettings(**{**FAST, **over}))


def test_page_is_fetched_gunzipped_with_our_user_agent(site: Site) -> None:
    with fetcher() as f:
        resp = f.get(site.url("/news/dw.com.colonial.html"))
    assert resp.status == 200
    assert b"</html>" in resp.content.lower() or b"<body" in resp.content.lower()  # decoded, not gzip
    assert resp.headers["etag"] and resp.sha256
    sent = site.requests("/news/dw.com.colonial.html")[-1]
    assert sent["user-agent"].startswith("newswatch/")


def test_conditional_get_gives_not_modified_and_keeps_validators(site: Site) -> None:
    url = site.url("/news.rss")
    with fetcher() as f:
        first = f.fetch(url, source="t")
        assert first.fetch.outcome == "ok" and first.fetch.etag
        known = HttpValidators(url, first.fetch.etag, first.fetch.last_modified, first.fetch.content_sha256)
        second = f.fetch(url, source="t", validators=known)
    assert second.fetch.outcome == "not_modified" and second.fetch.status == 304
    assert second.fetch.etag == first.fetch.etag and second.fetch.content_sha256 == first.fetch.content_sha256
    sent = site.requests("/news.rss")[-1]
    assert sent["if-none-match"] == first.fetch.etag
    assert sent["if-modified-since"] == first.fetch.last_modified


def test_same_bytes_without_validators_is_unchanged(site: Site) -> None:
    url = site.url("/news.rss")
    with fetcher() as f:
        first = f.fetch(url, source="t")
        again = f.fetch(
            url, source="t", validators=HttpValidators(url, content_sha256=first.fetch.content_sha256)
        )
    assert again.fetch.outcome == "unchanged"


@pytest.mark.parametrize(
    ("path", "outcome", "status"),
    [
        ("/fault/500", "server_error", 500),
        ("/fault/gone", "client_error", 404),
        ("/fault/429-long", "rate_limited", 429),
        ("/fault/slow", "timeout", None),
        ("/fault/big", "too_large", 200),
        ("/fault/loop", "redirect_loop", 302),
        ("/private/feed.rss", "robots_disallowed", None),
    ],
)
def test_faults_map_to_outcomes(site: Site, path: str, outcome: str, status: int | None) -> None:
    with fetcher() as f:
        result = f.fetch(site.url(path), source="t")
    assert result.response is None
    assert result.fetch.outcome == outcome, result.fetch.error
    assert result.fetch.status == status
    assert result.fetch.error


def test_retryable_failures_are_retried_and_4xx_are_not(site: Site) -> None:
    site.clear()
    with fetcher(max_retries=2) as f:
        f.fetch(site.url("/fault/500"), source="t")
        f.fetch(site.url("/fault/gone"), source="t")
    assert len(site.requests("/fault/500")) == 3  # the first try and two retries
    assert len(site.requests("/fault/gone")) == 1


def test_retry_after_is_honoured_then_served(site: Site) -> None:
    while site.hits.get("/fault/429", 0) % 2:  # make the next request the refused one
        site.hits["/fault/429"] += 1
    with fetcher() as f:
        started = time.monotonic()
        result = f.fetch(site.url("/fault/429"), source="t")
        waited = time.monotonic() - started
    assert result.fetch.outcome == "ok"
    assert [r.outcome for r in result.retries] == ["retried"]
    assert "rate_limited" in (result.retries[0].error or "")
    assert waited >= 0.9  # Retry-After: 1


def test_long_retry_after_is_not_waited_for(site: Site) -> None:
    site.clear()
    with fetcher(max_retries=3) as f:
        result = f.fetch(site.url("/fault/429-long"), source="t")
    assert result.fetch.outcome == "rate_limited" and "3600" in (result.fetch.error or "")
    assert len(site.requests("/fault/429-long")) == 1


def test_redirect_to_a_blocked_address_is_refused_before_connecting(site: Site) -> None:
    with fetcher(allow_private_networks=False, allowed_networks=["127.0.0.1/32"]) as f:
        ok = f.fetch(site.url("/news.rss"), source="t")
        blocked = f.fetch(site.url("/fault/blocked"), source="t")
    assert ok.fetch.outcome == "ok"
    assert blocked.fetch.outcome == "blocked_address"
    assert "127.0.0.2" in (blocked.fetch.error or "")


def test_private_addresses_and_other_schemes_are_refused() -> None:
    with fetcher(allow_private_networks=False) as f:
        for url in (
            "http://127.0.0.1:9/",
            "http://10.1.2.3/",
            "http://169.254.169.254/latest",
            "http://[::1]/",
        ):
            with pytest.raises(TerminalFetchError) as err:
                f.check_address(url)
            assert err.value.outcome == "blocked_address"
        for url in ("file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)"):
            with pytest.raises(TerminalFetchError) as err:
                f.check_address(url)
            assert err.value.outcome == "bad_url"


def test_robots_is_read_once_per_origin(site: Site) -> None:
    site.clear()
    with fetcher() as f:
        for _ in range(3):
            f.get(site.url("/news.rss"))
        with pytest.raises(FetchError):
            f.get(site.url("/private/feed.rss"))
    assert len(site.requests("/robots.txt")) == 1
    assert site.requests("/private/feed.rss") == []  # refused without asking the server


def test_robots_can_be_ignored_when_configured(site: Site) -> None:
    with fetcher(respect_robots=False) as f:
        assert f.get(site.url("/private/feed.rss")).status == 200


def test_per_host_delay_spaces_requests(site: Site) -> None:
    calls: list[float] = []
    f = Fetcher(FetchSettings(**{**FAST, "per_host_delay": 0.5}), sleep=calls.append)
    with f:
        for _ in range(3):
            f.get(site.url("/news.rss"))
    # robots.txt, then three requests: each waits for the one before it
    assert len(calls) >= 2 and all(c > 0.3 for c in calls)


def test_header_helpers() -> None:
    assert charset_of("text/xml; charset='us-ascii'") == "us-ascii"
    assert charset_of('application/rss+xml;charset= "UTF-8"') == "UTF-8"
    assert charset_of("text/xml; charset:iso-8859-1") is None
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 60) == 60.0
    assert parse_retry_after("soon") is None


def _mock_fetcher(robots_status: int, robots_text: str, sleeps: list[float], **over: Any) -> Fetcher:
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(robots_status, text=robots_text)
        return httpx.Response(200, text="<rss version='2.0'/>")

    settings = FetchSettings(**{**FAST, "max_retries": 0, **over})
    return Fetcher(settings, client=httpx.Client(transport=httpx.MockTransport(handler)), sleep=sleeps.append)


def test_robots_server_error_means_stay_out_and_4xx_means_no_rules() -> None:
    with _mock_fetcher(503, "", []) as f:
        assert f.fetch("http://127.0.0.1/feed", source="t").fetch.outcome == "robots_disallowed"
    with _mock_fetcher(404, "", []) as f:
        assert f.fetch("http://127.0.0.1/feed", source="t").fetch.outcome == "ok"


def test_robots_crawl_delay_slows_the_host_down_within_its_cap() -> None:
    sleeps: list[float] = []
    with _mock_fetcher(200, "User-agent: *\nCrawl-delay: 5\n", sleeps, max_crawl_delay=3.0) as f:
        for _ in range(3):
            assert f.fetch("http://127.0.0.1/feed", source="t").fetch.outcome == "ok"
    # The sleeps are recorded, not slept: each request is scheduled 3 s (the cap) after the last.
    assert len(sleeps) == 2
    assert sleeps[0] == pytest.approx(3.0, abs=0.2) and sleeps[1] == pytest.approx(6.0, abs=0.2)


def test_total_timeout_stops_a_trickling_body(site: Site) -> None:
    with fetcher(total_timeout=0.8, max_retries=0) as f:  # no read waits 0.5 s: only the total can stop it
        result = f.fetch(site.url("/fault/trickle"), source="t")
    assert result.fetch.outcome == "timeout" and "total timeout" in (result.fetch.error or "")
