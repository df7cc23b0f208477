"""The connections of the HTTP client: to the address that was checked, and never past a deadline.

Two gaps a plain client leaves open:

- *DNS rebinding*: the address check resolves the host, then the client resolves it again to
  connect, and a hostile name server can answer a public address the first time and a private one
  the second. ``PinnedBackend`` connects only to the addresses the check saw (``resolve(host,
  port)``, the fetcher's per-run cache); TLS still gets the URL's host name for SNI and certificate
  checks (httpcore passes it to ``start_tls``), and the Host header is the URL's.
- *Slow headers*: httpx's timeouts are per socket operation, so a server that sends one byte of its
  headers every second never times out. Every socket operation here waits at most until the
  calling thread's deadline (``deadline(seconds)``, set by the fetcher around a request, from
  connect to last byte); past it the operation raises a timeout at once. A connection kept alive
  for later requests serves each under that request's own deadline.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
import typing
from collections.abc import Callable, Iterable, Iterator

import httpcore
import httpx

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[IP]]

_local = threading.local()


class DeadlineExpired(httpx.TimeoutException):
    """The request's total deadline passed (raised by the fetcher's checks between chunks)."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Every socket operation of this thread in the block ends by ``seconds`` from now."""
    previous = getattr(_local, "deadline", None)
    at = time.monotonic() + seconds
    _local.deadline = at
    try:
        yield at
    finally:
        _local.deadline = previous


def remaining(timeout: float | None) -> float | None:
    """``timeout`` cut to what is left of this thread's deadline (0 when it has passed)."""
    at: float | None = getattr(_local, "deadline", None)
    if at is None:
        return timeout
    left = max(0.0, at - time.monotonic())
    return left if timeout is None else min(timeout, left)


def expired() -> bool:
    at: float | None = getattr(_local, "deadline", None)
    return at is not None and time.monotonic() >= at


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write is bounded by the calling thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if expired():
            raise httpcore.ReadTimeout("the request's total deadline passed")
        return self._inner.read(max_bytes, remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if expired():
            raise httpcore.WriteTimeout("the request's total deadline passed")
        self._inner.write(buffer, remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        if expired():
            raise httpcore.ConnectTimeout("the request's total deadline passed")
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, remaining(timeout)))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Opens TCP connections to the addresses ``resolve`` gives for the URL's host, in order."""

    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve
        self._plain = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._resolve(host, port)
        if not addresses:
            raise httpcore.ConnectError(f"no checked address for {host}")
        error: Exception | None = None
        for ip in addresses:  # as socket.create_connection: the first address that answers
            if expired():
                raise httpcore.ConnectTimeout("the request's total deadline passed")
            try:
                stream = self._plain.connect_tcp(
                    str(ip), port, remaining(timeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return DeadlineStream(stream)
        assert error is not None
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:  # pragma: no cover - never configured
        raise httpcore.ConnectError("unix sockets are not used")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def pinned_transport(resolve: Resolver, **kwargs: typing.Any) -> httpx.HTTPTransport:
    """An httpx transport whose connections go through ``PinnedBackend(resolve)``."""
    transport = httpx.HTTPTransport(**kwargs)
    # httpx builds its httpcore pool without a way to pass a network backend; the pool reads this
    # attribute each time it opens a connection (tests/sources/test_pinning.py holds it to that).
    pool = transport._pool
    assert hasattr(pool, "_network_backend"), "httpcore's pool no longer takes a network backend"
    pool._network_backend = PinnedBackend(resolve)
    return transport


def literal_ip(host: str) -> IP | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


def getaddrinfo_ips(host: str, port: int) -> list[IP]:
    """Every address ``host`` resolves to, in the resolver's order (IPv6 scope ids dropped)."""
    out: list[IP] = []
    for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if ip not in out:
            out.append(ip)
    return out


__all__ = [
    "DeadlineExpired",
    "DeadlineStream",
    "PinnedBackend",
    "deadline",
    "expired",
    "getaddrinfo_ips",
    "literal_ip",
    "pinned_transport",
    "remaining",
]
