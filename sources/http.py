"""HTTP fetching: one shared client, polite per host, safe, bounded, conditional.

``make_client(settings)`` builds the one ``Fetcher`` a run uses (an ``httpx.Client`` with HTTP/2
where the server offers it, gzip/deflate/br). ``Fetcher.get`` makes one logical request:

1. the URL must be http(s) and its host must not resolve to a private, loopback, link-local or
   reserved address, also as the IPv4 address a NAT64, 6to4, Teredo or IPv4-mapped form carries
   (unless ``allow_private_networks``); the connection goes to the address that was checked, never
   to a second resolution (``sources.transport``); redirects are followed by hand so every hop is
   checked the same way, up to ``max_redirects``, and a loop is named as such;
2. robots.txt of the origin is read once per run (protego); a disallowed path is refused, and its
   Crawl-delay (capped) raises the host's delay; 4xx robots means "no rules", 5xx means "stay out";
3. at most ``per_host_concurrency`` requests per host at once, ``per_host_delay`` seconds apart;
4. the body is decoded in bounded steps (``sources.decoding``: every Content-Encoding httpx
   accepts, stacked ones too) and refused past ``max_bytes`` of decoded bytes; every socket
   operation ends by the request's total deadline, from connect to the last byte, headers included;
   ``If-None-Match``/``If-Modified-Since`` are sent when validators are known;
5. retryable failures (timeouts, resets, 5xx, 429) are retried with exponential backoff and
   jitter, honouring ``Retry-After``; 4xx and refusals are never retried, nor a request that used
   its whole total deadline (the next run tries it again);
6. a run's fetching has a time budget, and so has each host (``run_budget``, ``host_budget``):
   past it, what is left is not requested but recorded ``deferred`` for the next run.

Failures raise ``FetchError`` subclasses whose ``outcome`` is the word stored in ``fetches``.
``Fetcher.fetch`` wraps ``get`` for sources: it never raises, and returns the ``Fetch`` rows of
every attempt with the response when there is one.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import ipaddress
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from newswatch.errors import FetchError, TerminalFetchError, TransientFetchError
from newswatch.outcomes import Outcome
from newswatch.records import Fetch, HttpValidators
from newswatch.settings import FetchSettings, Settings
from newswatch.sources.addresses import describe, is_public
from newswatch.sources.decoding import DecodingFailed, decoded_chunks
from newswatch.sources.transport import deadline, getaddrinfo_ips, literal_ip, pinned_transport

REDIRECT_CODES = {301, 302, 303, 307, 308}
# Retry jitter draws from its own generator: fetch threads never move the global `random` state
# that a user's program (or a test framework) seeds and reads.
_JITTER = random.Random()


class DeadlinePassed(TransientFetchError):
    """The request used its whole total deadline: not retried in this run (it would only repeat)."""

    outcome = Outcome.TIMEOUT


class Deferred(TransientFetchError):
    """The run's or the host's fetch budget is spent: the URL is left for the next run."""

    outcome = Outcome.DEFERRED


class RateLimited(TransientFetchError):
    """429 or 503: the server asked us to come back later (``retry_after`` seconds, if it said)."""

    outcome = Outcome.RATE_LIMITED

    def __init__(self, input: str, reason: str, *, status: int, retry_after: float | None) -> None:
        super().__init__(input, reason, status=status)
        self.retry_after = retry_after


@dataclass(slots=True)
class Response:
    """A finished response: the body (decoded from gzip/br, capped) and what the cache needs."""

    url: str
    final_url: str
    status: int
    headers: httpx.Headers
    content: bytes
    elapsed_ms: float
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        return charset_of(self.headers.get("content-type"))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(slots=True)
class FetchResult:
    """What ``Fetcher.fetch`` gives a source: the final row, earlier failed attempts, the response."""

    fetch: Fetch
    response: Response | None
    retries: list[Fetch] = field(default_factory=list)

    @property
    def rows(self) -> list[Fetch]:
        return [*self.retries, self.fetch]


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header (quotes and spaces tolerated)."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, sep, value = param.partition("=")
        if sep and key.strip().lower() == "charset":
            value = value.strip().strip("'\"").strip()
            return value or None
    return None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


class _Host:
    """Politeness state of one host: a concurrency gate and the earliest time of the next request."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self.gate = threading.Semaphore(concurrency)
        self.lock = threading.Lock()
        self.delay = delay
        self.next_at = 0.0


class Fetcher:
    """The shared HTTP client of a run (thread-safe). Build it with ``make_client``."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=16)
        self.client = client or httpx.Client(
            http2=True,
            follow_redirects=False,  # every hop is checked by hand (addresses, robots, loops)
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.total_timeout,
            ),
            limits=limits,
            headers={"User-Agent": settings.user_agent},
            # Connections go to the checked addresses only (proxies from the environment excepted).
            transport=pinned_transport(self.pinned_addresses, http2=True, limits=limits),
        )
        self._sleep = sleep
        self._lock = threading.Lock()
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, Protego | str] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._resolved: dict[str, list[ipaddress.IPv4Address | ipaddress.IPv6Address]] = {}
        self._allowed = [ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks]
        self.robots_token = settings.user_agent.split("/")[0].strip() or "newswatch"
        # The run's fetch budget, from the client's creation (one client per run), and each host's
        # share: seconds spent in requests to it.
        self._clock = time.monotonic
        self._started = self._clock()
        self._spent: dict[str, float] = {}

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        self.client.close()

    def __reduce__(self) -> tuple[Callable[[FetchSettings], Fetcher], tuple[FetchSettings]]:
        # Sent to a task in another process (a Dask worker, flows/runners.py), a fetcher becomes
        # that process's one fetcher for these settings: per-host limits then hold per process.
        return (process_client, (self.settings,))

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the API sources use ---------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        source: str,
        validators: HttpValidators | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """``get`` for a source: never raises a ``FetchError``; every attempt becomes a row."""
        started = time.perf_counter()
        retries: list[Fetch] = []
        row = Fetch(url=url, source=source)
        try:
            resp = self.get(url, validators=validators, accept=accept, on_retry=retries.append, source=source)
        except FetchError as exc:
            row.fail(exc.outcome, exc.reason)
            row.status = exc.status
            row.elapsed_ms = (time.perf_counter() - started) * 1000
            return FetchResult(row, None, retries)
        row.status = resp.status
        row.bytes = len(resp.content)
        row.elapsed_ms = resp.elapsed_ms
        if resp.not_modified:
            row.outcome = Outcome.NOT_MODIFIED
            if validators is not None:  # keep what we knew: the body did not change
                row.etag, row.last_modified = validators.etag, validators.last_modified
                row.content_sha256 = validators.content_sha256
            row.etag = resp.headers.get("etag") or row.etag
            return FetchResult(row, resp, retries)
        row.etag = resp.headers.get("etag")
        row.last_modified = resp.headers.get("last-modified")
        row.content_sha256 = resp.sha256
        if validators is not None and validators.content_sha256 == row.content_sha256:
            row.outcome = Outcome.UNCHANGED
        return FetchResult(row, resp, retries)

    def get(
        self,
        url: str,
        *,
        validators: HttpValidators | None = None,
        accept: str | None = None,
        on_retry: Callable[[Fetch], None] | None = None,
        source: str = "",
    ) -> Response:
        """One logical GET with retries on transient failures; raises ``FetchError`` subclasses."""
        headers = {}
        if accept:
            headers["Accept"] = accept
        if validators is not None:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                self.check_budget(url)
                resp = self._follow(url, headers)
                resp.attempts = attempt + 1
                return resp
            except TransientFetchError as exc:
                if attempt >= self.settings.max_retries or isinstance(exc, DeadlinePassed | Deferred):
                    raise
                wait = self._retry_wait(exc, attempt)
                if wait is None:
                    raise
                if on_retry is not None:
                    row = Fetch(url=url, source=source, status=exc.status)
                    row.fail(
                        "retried",
                        f"{exc.outcome}: {exc.reason}; attempt {attempt + 1}, retry in {wait:.2f} s",
                    )
                    row.elapsed_ms = (time.perf_counter() - started) * 1000
                    on_retry(row)
                self._sleep(wait)
                attempt += 1

    def _retry_wait(self, exc: TransientFetchError, attempt: int) -> float | None:
        """Seconds before the next try, or None when the server asks for longer than we wait."""
        cap = self.settings.retry_max_delay
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return exc.retry_after if exc.retry_after <= cap else None
        base = self.settings.retry_base_delay * (2**attempt)
        # "Equal jitter": half fixed, half random, so retries of many sources spread out.
        return min(cap, base / 2 + _JITTER.uniform(0, base / 2))

    # -- one attempt: redirects, safety, robots, politeness, the capped body ----------------------

    def _follow(self, url: str, headers: dict[str, str], *, robots: bool = True) -> Response:
        started = time.perf_counter()
        current = url
        visited: set[str] = set()
        for _hop in range(self.settings.max_redirects + 1):
            self.check_address(current)
            if robots and self.settings.respect_robots:
                self.check_robots(current)
            visited.add(current)
            with self._slot(current):
                began = self._clock()
                try:
                    status, resp_headers, content, location = self._request(current, headers)
                finally:
                    self._charge(current, self._clock() - began)
            if location is None:
                return Response(
                    url=url,
                    final_url=current,
                    status=status,
                    headers=resp_headers,
                    content=content,
                    elapsed_ms=(time.perf_counter() - started) * 1000,
                )
            nxt = urljoin(current, location)
            if nxt in visited:
                raise TerminalFetchError(
                    url, f"redirect loop: {current} -> {nxt}", outcome="redirect_loop", status=status
                )
            current = nxt
        raise TerminalFetchError(
            url,
            f"more than {self.settings.max_redirects} redirects (last: {current})",
            outcome="too_many_redirects",
        )

    def _request(self, url: str, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes, str | None]:
        """Send one request; returns status, headers, body and a redirect target (or None).

        From connect to the last byte, headers included, within ``total_timeout``: the transport
        cuts every socket wait to the deadline (``sources.transport.deadline``). Counted from here,
        not from the start of the attempt: waiting for the host's turn is not slowness.
        """
        limit = self.settings.max_bytes
        total = self.settings.total_timeout
        until = time.monotonic() + total
        try:
            with deadline(total), self.client.stream("GET", url, headers=headers) as r:
                if r.status_code in REDIRECT_CODES and r.headers.get("location"):
                    return r.status_code, r.headers, b"", r.headers["location"]
                if r.status_code == 304:
                    return 304, r.headers, b"", None
                self._raise_for_status(url, r)
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise TerminalFetchError(
                        url,
                        f"body of {declared} bytes is over the limit of {limit}",
                        outcome="too_large",
                        status=r.status_code,
                    )
                chunks, size = [], 0
                for chunk in _body(r):
                    size += len(chunk)
                    if size > limit:
                        raise TerminalFetchError(
                            url,
                            f"body over the limit of {limit} bytes after decoding (stopped reading)",
                            outcome="too_large",
                            status=r.status_code,
                        )
                    if time.monotonic() > until:
                        raise DeadlinePassed(
                            url, f"total timeout of {total} s exceeded while reading", status=r.status_code
                        )
                    chunks.append(chunk)
                return r.status_code, r.headers, b"".join(chunks), None
        except httpx.TimeoutException as exc:
            if self._past(until):
                raise DeadlinePassed(
                    url, f"total timeout of {total} s exceeded ({type(exc).__name__})"
                ) from exc
            raise TransientFetchError(url, f"timed out ({type(exc).__name__})", outcome="timeout") from exc
        except (httpx.DecodingError, DecodingFailed) as exc:
            raise TerminalFetchError(url, f"bad content encoding: {exc}", outcome="bad_encoding") from exc
        except httpx.InvalidURL as exc:
            raise TerminalFetchError(url, f"invalid URL: {exc}", outcome="bad_url") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
            raise TransientFetchError(
                url, f"connection failed: {type(exc).__name__}: {exc}", outcome="connection_error"
            ) from exc
        except httpx.HTTPError as exc:
            raise TerminalFetchError(url, f"{type(exc).__name__}: {exc}", outcome="http_error") from exc

    @staticmethod
    def _past(until: float) -> bool:
        return time.monotonic() >= until - 0.05

    def _raise_for_status(self, url: str, r: httpx.Response) -> None:
        code = r.status_code
        if code < 400:
            return
        reason = f"HTTP {code} {r.reason_phrase}".strip()
        wait = parse_retry_after(r.headers.get("retry-after"))
        if code == 429 or (code == 503 and wait is not None):
            if wait is not None:
                reason += f" (Retry-After: {wait:.0f} s)"
                if wait <= self.settings.retry_max_delay:  # a wait we honour: the whole host waits
                    self._push_back(url, wait)
            raise RateLimited(url, reason, status=code, retry_after=wait)
        outcome = Outcome.for_status(code)
        if outcome.retryable:
            raise TransientFetchError(url, reason, outcome=outcome, status=code)
        raise TerminalFetchError(url, reason, outcome=outcome, status=code)

    # -- safety ----------------------------------------------------------------------------------

    def check_address(self, url: str) -> None:
        """Refuse non-http(s) URLs and hosts in private/loopback/link-local/reserved ranges.

        The addresses checked are kept for the run: the connection goes to them and nowhere else.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TerminalFetchError(
                url, f"only http(s) URLs are fetched, not {url[:80]!r}", outcome="bad_url"
            )
        host = parts.hostname
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise TerminalFetchError(url, f"invalid port: {exc}", outcome="bad_url") from exc
        addresses = self._addresses(url, host, port)
        if self.settings.allow_private_networks:
            return
        for ip in addresses:
            if is_public(ip, self._allowed):
                continue
            raise TerminalFetchError(
                url,
                f"{host} resolves to {describe(ip)}, a private, loopback, link-local or reserved address",
                outcome="blocked_address",
            )

    def _addresses(
        self, url: str, host: str, port: int
    ) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        ip = literal_ip(host)
        if ip is not None:
            return [ip]
        key = host.lower().rstrip(".")
        with self._lock:
            cached = self._resolved.get(key)
        if cached is not None:
            return cached
        try:
            out = getaddrinfo_ips(host, port)
        except (OSError, UnicodeError) as exc:
            raise TransientFetchError(url, f"cannot resolve {host}: {exc}", outcome="dns_error") from exc
        with self._lock:
            # The first answer stays for the run: a rebinding name server cannot change it later.
            out = self._resolved.setdefault(key, out)
        return out

    def pinned_addresses(self, host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        """The addresses a connection to ``host`` may use: those ``check_address`` saw."""
        ip = literal_ip(host)
        if ip is not None:
            return [ip]
        with self._lock:
            cached = self._resolved.get(host.lower().rstrip("."))
        if cached is not None:
            return cached
        # Not checked by this fetcher (a proxy from the environment): resolve now, and hold it
        # to the same rule.
        out = self._addresses(f"http://{host}/", host, port)
        if not self.settings.allow_private_networks:
            out = [ip for ip in out if is_public(ip, self._allowed)]
        return out

    # -- budgets ---------------------------------------------------------------------------------

    def check_budget(self, url: str) -> None:
        """Raise ``Deferred`` when the run's or the URL's host's fetch time is spent."""
        used = self._clock() - self._started
        if used > self.settings.run_budget:
            raise Deferred(
                url, f"the run's fetch budget of {self.settings.run_budget:.0f} s is spent; next run"
            )
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            spent = self._spent.get(host, 0.0)
        if spent > self.settings.host_budget:
            raise Deferred(
                url,
                f"{host} used its fetch budget of {self.settings.host_budget:.0f} s in this run; next run",
            )

    def _charge(self, url: str, seconds: float) -> None:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            self._spent[host] = self._spent.get(host, 0.0) + seconds

    # -- robots.txt ------------------------------------------------------------------------------

    def check_robots(self, url: str) -> None:
        """Refuse a URL that the origin's robots.txt disallows for our user agent."""
        rules = self._robots_for(url)
        if rules == "allow":
            return
        if isinstance(rules, str):
            raise TerminalFetchError(url, rules, outcome="robots_disallowed")
        if not rules.can_fetch(url, self.robots_token):
            raise TerminalFetchError(url, "robots.txt disallows this path", outcome="robots_disallowed")

    def _robots_for(self, url: str) -> Protego | str:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:  # one robots.txt request per origin, even with many threads waiting
            if origin in self._robots:
                return self._robots[origin]
            rules = self._load_robots(origin)  # a network failure raises: the page fails with it
            self._robots[origin] = rules
            if isinstance(rules, Protego):
                delay = rules.crawl_delay(self.robots_token)
                if delay:
                    host = self._host(origin)
                    host.delay = max(host.delay, min(float(delay), self.settings.max_crawl_delay))
            return rules

    def _load_robots(self, origin: str) -> Protego | str:
        try:
            resp = self._follow(origin + "/robots.txt", {}, robots=False)
        except FetchError as exc:
            # RFC 9309: 4xx means there are no rules; a server error on robots.txt means stay out.
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                return "allow"
            if exc.status is None and exc.retryable:  # the site is unreachable: say that, not robots
                raise
            return f"robots.txt unreachable ({exc.reason}): not fetching from this site now"
        text = resp.content.decode(resp.charset or "utf-8", errors="replace")
        return Protego.parse(text)

    # -- politeness ------------------------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = _Host(self.settings.per_host_concurrency, self.settings.per_host_delay)
                self._hosts[key] = host
            return host

    @contextlib.contextmanager
    def _slot(self, url: str) -> Iterator[None]:
        host = self._host(url)
        host.gate.acquire()
        try:
            with host.lock:
                now = time.monotonic()
                start = max(now, host.next_at)
                host.next_at = start + host.delay
            if start > now:
                self._sleep(start - now)
            yield
        finally:
            host.gate.release()

    def _push_back(self, url: str, seconds: float) -> None:
        host = self._host(url)
        with host.lock:
            host.next_at = max(host.next_at, time.monotonic() + min(seconds, self.settings.retry_max_delay))


def _body(r: httpx.Response) -> Iterator[bytes]:
    """The decoded body: the raw bytes decoded here in bounded steps (httpx decodes each chunk
    whole); a response already read (a test's mock transport) as httpx decoded it."""
    if r.is_stream_consumed:
        return iter([r.content])
    return decoded_chunks(r.iter_raw(), r.headers.get("content-encoding"))


def make_client(settings: Settings | FetchSettings) -> Fetcher:
    """The one HTTP client of a run, built from the ``[fetch]`` settings. Close it when done."""
    return Fetcher(settings.fetch if isinstance(settings, Settings) else settings)


_process_clients: dict[FetchSettings, Fetcher] = {}
_process_clients_lock = threading.Lock()


def process_client(settings: FetchSettings) -> Fetcher:
    """The one fetcher of this process for ``settings`` (kept open while the process lives)."""
    with _process_clients_lock:
        fetcher = _process_clients.get(settings)
        if fetcher is None:
            fetcher = _process_clients[settings] = Fetcher(settings)
        return fetcher


__all__ = [
    "DeadlinePassed",
    "Deferred",
    "FetchResult",
    "Fetcher",
    "RateLimited",
    "Response",
    "charset_of",
    "make_client",
    "process_client",
]
