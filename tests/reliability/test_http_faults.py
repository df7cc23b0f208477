"""The fault suite on 127.0.0.1: slow headers, drip, reset, 5xx, 429, loops, bombs, budgets, pinning.

Each test serves one fault from ``faultserver`` and checks the fetch's outcome and how long it took
(bounded waits with slack, never a speed target).
"""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Iterator
from typing import Any

import brotli
import pytest
import zstandard
from faultserver import MIB, FaultServer, bomb, bombs, drip, reset, respond, serve, slow_headers

from newswatch.settings import FetchSettings
from newswatch.sources import http as http_module
from newswatch.sources.decoding import decoded_chunks
from newswatch.sources.http import Fetcher

BOMB_SIZE = 64 * MIB
PAGE = (
    b"<html><head><title>A page</title></head><body>" + b"<p>Words of a page.</p>" * 400 + b"</body></html>"
)


def settings(**kw: Any) -> FetchSettings:
    base: dict[str, Any] = {
        "allow_private_networks": True,
        "respect_robots": False,
        "per_host_delay": 0.0,
        "connect_timeout": 2.0,
        "read_timeout": 5.0,
        "total_timeout": 3.0,
        "max_retries": 1,
        "retry_base_delay": 0.05,
        "retry_max_delay": 1.0,
        "max_bytes": 1_000_000,
    }
    return FetchSettings(**{**base, **kw})


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    routes = {
        "/page": respond(200, PAGE, Content_Type="text/html"),
        "/slow-headers": slow_headers(1.0),
        "/drip": drip(0.2),
        "/reset": reset,
        "/503": respond(503, b"down"),
        "/429": respond(429, b"slow down", Retry_After="3600"),
        "/loop-a": respond(302, Location="/loop-b"),
        "/loop-b": respond(302, Location="/loop-a"),
        "/wrong-type": respond(200, b"\x89PNG\r\n\x1a\n" + bytes(500), Content_Type="text/html"),
    }
    for name, (encoding, body) in bombs(BOMB_SIZE).items():
        routes[f"/bomb/{name}"] = bomb(encoding, body)
    routes["/gzip"] = respond(200, gzip.compress(PAGE), Content_Encoding="gzip")
    routes["/deflate"] = respond(200, zlib.compress(PAGE), Content_Encoding="deflate")
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    routes["/raw-deflate"] = respond(200, raw.compress(PAGE) + raw.flush(), Content_Encoding="deflate")
    routes["/br"] = respond(200, brotli.compress(PAGE), Content_Encoding="br")
    routes["/zstd"] = respond(200, zstandard.ZstdCompressor().compress(PAGE), Content_Encoding="zstd")
    routes["/gzip-br"] = respond(200, brotli.compress(gzip.compress(PAGE)), Content_Encoding="gzip, br")
    routes["/corrupt-br"] = respond(200, b"not brotli at all" * 10, Content_Encoding="br")
    with serve(routes) as s:
        yield s


@pytest.mark.parametrize("name", ["gzip", "deflate", "raw-deflate", "br", "zstd", "gzip-br"])
def test_every_encoding_decodes(server: FaultServer, name: str) -> None:
    with Fetcher(settings()) as f:
        result = f.fetch(server.url(f"/{name}"), source="t")
    assert result.fetch.outcome == "ok" and result.response is not None
    assert result.response.content == PAGE


@pytest.mark.parametrize("name", ["gzip", "deflate", "br", "zstd", "gzip-gzip", "gzip-br"])
def test_compression_bombs_are_too_large(server: FaultServer, name: str) -> None:
    with Fetcher(settings()) as f:
        result = f.fetch(server.url(f"/bomb/{name}"), source="t")
    assert result.fetch.outcome == "too_large", result.fetch.error
    assert "after decoding" in (result.fetch.error or "")
    assert not result.retries  # too large is final


def test_decoder_steps_stay_small() -> None:
    """Each decoded chunk is at most 64 KB, whatever the ratio (the bound the fetcher relies on)."""
    _, body = bombs(8 * MIB)["gzip-br"]
    sizes = [len(c) for c in decoded_chunks([body], "gzip, br")]
    assert sum(sizes) == 8 * MIB and max(sizes) <= 64 * 1024


def test_corrupt_encoding_is_bad_encoding(server: FaultServer) -> None:
    with Fetcher(settings()) as f:
        result = f.fetch(server.url("/corrupt-br"), source="t")
    assert result.fetch.outcome == "bad_encoding"


def test_slow_headers_end_at_the_total_deadline(server: FaultServer) -> None:
    """One header byte a second: every read is quick, the request is not; no retry in the run."""
    started = time.monotonic()
    with Fetcher(settings(total_timeout=2.5, read_timeout=10.0, max_retries=2)) as f:
        result = f.fetch(server.url("/slow-headers"), source="t")
    took = time.monotonic() - started
    assert result.fetch.outcome == "timeout" and "total timeout" in (result.fetch.error or "")
    assert not result.retries
    assert took < 2.5 + 1.5, took


def test_a_dripped_body_ends_at_the_total_deadline(server: FaultServer) -> None:
    started = time.monotonic()
    with Fetcher(settings(total_timeout=2.0, read_timeout=10.0)) as f:
        result = f.fetch(server.url("/drip"), source="t")
    assert result.fetch.outcome == "timeout" and not result.retries
    assert time.monotonic() - started < 2.0 + 1.5


def test_reset_is_a_retried_connection_error(server: FaultServer) -> None:
    with Fetcher(settings(max_retries=1)) as f:
        result = f.fetch(server.url("/reset"), source="t")
    assert result.fetch.outcome == "connection_error"
    assert [r.outcome for r in result.retries] == ["retried"]


@pytest.mark.parametrize(
    ("path", "outcome"),
    [
        ("/503", "server_error"),
        ("/429", "rate_limited"),
        ("/loop-a", "redirect_loop"),
        ("/nothing", "client_error"),
    ],
)
def test_http_faults_have_their_outcome(server: FaultServer, path: str, outcome: str) -> None:
    with Fetcher(settings(max_retries=1)) as f:
        result = f.fetch(server.url(path), source="t")
    assert result.fetch.outcome == outcome


def test_host_budget_defers_the_rest(server: FaultServer) -> None:
    """A host that used its share of the run's fetch time gets no more requests: deferred."""
    with Fetcher(settings(total_timeout=1.5, read_timeout=10.0, host_budget=1.0)) as f:
        first = f.fetch(server.url("/drip"), source="t")
        second = f.fetch(server.url("/page"), source="t")
    assert first.fetch.outcome == "timeout"
    assert second.fetch.outcome == "deferred" and "budget" in (second.fetch.error or "")
    assert second.fetch.outcome.retryable  # the next run tries it


def test_run_budget_defers_everything_after_it(server: FaultServer) -> None:
    with Fetcher(settings(run_budget=0.5)) as f:
        ok = f.fetch(server.url("/page"), source="t")
        time.sleep(0.6)
        late = f.fetch(server.url("/page"), source="t")
    assert ok.fetch.outcome == "ok" and late.fetch.outcome == "deferred"


def test_the_connection_goes_to_the_checked_address(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The host name is resolved once, by the check; the connection uses that answer (a second,
    rebinding answer is never asked for), and the Host header stays the URL's."""
    import ipaddress

    answers = [[ipaddress.ip_address("127.0.0.1")], [ipaddress.ip_address("10.0.0.1")]]
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[Any]:
        calls.append(host)
        return answers[min(len(calls) - 1, 1)]

    monkeypatch.setattr(http_module, "getaddrinfo_ips", resolver)
    server.routes["/pinned"] = respond(200, PAGE, Content_Type="text/html")
    port = server.base.rsplit(":", 1)[1]
    url = f"http://news.pinned.test:{port}/pinned"
    with Fetcher(settings(allow_private_networks=False, allowed_networks=("127.0.0.0/8",))) as f:
        first = f.fetch(url, source="t")
        second = f.fetch(url, source="t")
    assert first.fetch.outcome == "ok" and second.fetch.outcome == "ok"
    assert calls == ["news.pinned.test"]  # one resolution for the run
    heads = [h for p, h in server.heads if p == "/pinned"]
    assert len(heads) == 2 and all(f"host: news.pinned.test:{port}" in h.lower() for h in heads)


def test_pinning_with_private_networks_allowed(server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``allow_private_networks`` the check refuses nothing, but still pins what it resolved."""
    import ipaddress

    calls: list[str] = []

    def resolver(host: str, port: int) -> list[Any]:
        calls.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(http_module, "getaddrinfo_ips", resolver)
    port = server.base.rsplit(":", 1)[1]
    with Fetcher(settings()) as f:
        result = f.fetch(f"http://only-in-the-check.test:{port}/page", source="t")
    assert result.fetch.outcome == "ok" and calls == ["only-in-the-check.test"]


def test_a_wrong_content_type_is_a_body_not_a_crash(server: FaultServer) -> None:
    with Fetcher(settings()) as f:
        result = f.fetch(server.url("/wrong-type"), source="t")
    assert result.fetch.outcome == "ok" and result.response is not None
