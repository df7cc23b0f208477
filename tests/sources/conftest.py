"""A real HTTP server on 127.0.0.1 for the whole session, serving copies of the corpora.

Routes:
- ``/feeds/<path>``: every corpus feed, with the Content-Type of manifest.tsv's hint (none when
  the manifest gives none, as in feedparser's own tests);
- ``/news/<name>.html``: real news pages, sent gzipped with ``Content-Encoding: gzip``;
- ``/news.rss`` (RSS 2.0 over the first 5 pages, some links relative), ``/sitemap-index.xml`` ->
  ``/sitemap-news.xml.gz`` (a gzipped Google News sitemap over pages 7 to 12); page 6 is left for
  a ``page`` source; ``/`` is a homepage advertising two feeds;
- faults: ``/fault/500``, ``/fault/429`` (once, Retry-After: 1), ``/fault/429-long``
  (Retry-After: 3600), ``/fault/slow``, ``/fault/big`` (streamed past the limit, no length),
  ``/fault/trickle`` (a byte every 0.2 s), ``/fault/loop``, ``/fault/blocked`` (to 127.0.0.2),
  ``/private/`` (robots.txt says no), ``/fault/html-feed`` (a homepage where a feed was
  expected), ``/fault/gone`` (404), ``/empty.html`` (a page without an article).

Every static route has an ETag and a Last-Modified and answers conditional requests with 304; the
server keeps a log of every request (path and headers) so tests can see what the client sent.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "web"
FEEDS = FIXTURES / "feeds"
NEWS = FIXTURES / "news_html"  # the manifest of the pages served
PAGES = FIXTURES.parent / "news_html"  # the pages themselves, shared with the extraction tests
OTHER_TYPES = {
    ".json": "application/feed+json",
    ".xml": "application/xml",
    ".gz": "application/gzip",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".html": "text/html",  # an RSS document served as HTML, as some sites do
}
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    static: bool = True  # gets an ETag and Last-Modified, answers 304


Handler = Callable[[BaseHTTPRequestHandler, "Site"], None]


@dataclass
class Site:
    """The server's content and its request log."""

    base: str = ""
    routes: dict[str, Route | Handler] = field(default_factory=dict)
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [h for p, h in self.log if p == path]

    def clear(self) -> None:
        with self.lock:
            self.log.clear()
            self.hits.clear()


def feed_hints() -> dict[str, str | None]:
    """manifest.tsv path -> the Content-Type to serve (None: send no Content-Type)."""
    out: dict[str, str | None] = {}
    with (FEEDS / "manifest.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            hint = row["http_header_hint"].strip()
            name, _, value = hint.partition(":")
            out[row["path"]] = value.strip() if name.strip().lower() == "content-type" else None
    return out


def news_pages() -> list[tuple[str, str]]:
    """(served path, title) of each fixture news page."""
    out = []
    with (NEWS / "manifest.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            name = Path(row["filename"]).name.removesuffix(".html.gz")
            out.append((f"/news/{name}.html", row["title"]))
    return out


def _news_rss(pages: list[tuple[str, str]], base: str) -> bytes:
    items = []
    for i, (path, title) in enumerate(pages[:5]):
        link = path.lstrip("/") if i % 2 else base + path  # half relative: resolved against the feed
        items.append(
            f"<item><title><![CDATA[{title}]]></title><link>{link}</link>"
            f"<guid>{base}{path}</guid><pubDate>Mon, 0{i + 1} Jun 2026 08:00:00 GMT</pubDate>"
            f"<description>Summary of story {i}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local news</title>'
        f"<link>{base}/</link><description>test</description>{''.join(items)}</channel></rss>"
    ).encode()


def _news_sitemap(pages: list[tuple[str, str]], base: str) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{path}</loc><news:news><news:publication><news:name>T</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>2026-06-1{i}T08:00:00Z</news:publication_date>"
        f"<news:title>{title.replace('&', '&amp;').replace('<', '&lt;')}</news:title></news:news></url>"
        for i, (path, title) in enumerate(pages[6:])
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>"
    ).encode()


def build_site(base: str) -> Site:
    site = Site(base=base)
    r = site.routes
    hints = feed_hints()
    for file in sorted(FEEDS.rglob("*")):
        rel = str(file.relative_to(FEEDS))
        if not file.is_file() or "/" not in rel:
            continue
        # feedparser's cases come with their header (or none); the others by their suffix.
        ctype = hints[rel] if rel in hints else OTHER_TYPES.get(file.suffix)
        r[f"/feeds/{rel}"] = Route(body=file.read_bytes(), headers={"Content-Type": ctype} if ctype else {})
    pages = news_pages()
    for path, _ in pages:
        name = path.removeprefix("/news/").removesuffix(".html")
        gz = (PAGES / f"{name}.html.gz").read_bytes()
        r[path] = Route(body=gz, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    r["/news.rss"] = Route(body=_news_rss(pages, base), headers={"Content-Type": "application/rss+xml"})
    sitemap = _news_sitemap(pages, base)
    r["/sitemap-news.xml.gz"] = Route(
        body=gzip.compress(sitemap), headers={"Content-Type": "application/gzip"}
    )
    r["/sitemap-index.xml"] = Route(
        body=(
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<sitemap><loc><![CDATA[/sitemap-news.xml.gz]]></loc></sitemap></sitemapindex>"
        ),
        headers={"Content-Type": "application/xml"},
    )
    home = (
        b"<!doctype html><html><head><title>Home</title>"
        b'<link rel="alternate" type="application/rss+xml" title="All news" href="/news.rss">'
        b'<link rel="alternate" type="application/feed+json" title="JSON" '
        b'href="/feeds/other/feedparser_json_example.json">'
        b'<link rel="stylesheet" href="/s.css"></head><body><p>Hello</p></body></html>'
    )
    r["/"] = Route(body=home, headers={"Content-Type": "text/html; charset=utf-8"})
    r["/fault/html-feed"] = Route(body=home, headers={"Content-Type": "text/html"})
    r["/robots.txt"] = Route(
        body=b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}
    )
    r["/private/feed.rss"] = Route(
        body=_news_rss(pages, base), headers={"Content-Type": "application/rss+xml"}
    )
    r["/fault/500"] = Route(status=500, body=b"oops", static=False)
    r["/empty.html"] = Route(
        body=b"<html><head><title>Nothing</title></head><body><script>var a = 1;</script></body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    r["/fault/feed-with-broken-page.rss"] = Route(
        body=(
            f"<rss version='2.0'><channel><title>t</title><item><title>Broken</title>"
            f"<link>{base}/fault/500</link></item></channel></rss>"
        ).encode(),
        headers={"Content-Type": "application/rss+xml"},
    )
    r["/fault/gone"] = Route(status=404, body=b"not here", static=False)
    r["/fault/feed-with-gone-page.rss"] = Route(
        body=(
            f"<rss version='2.0'><channel><title>t</title><item><title>Gone</title>"
            f"<link>{base}/fault/gone</link></item></channel></rss>"
        ).encode(),
        headers={"Content-Type": "application/rss+xml"},
    )
    r["/fault/429-long"] = Route(status=429, body=b"slow down", headers={"Retry-After": "3600"}, static=False)
    r["/fault/loop"] = Route(status=302, headers={"Location": "/fault/loop2"}, static=False)
    r["/fault/loop2"] = Route(status=302, headers={"Location": "/fault/loop"}, static=False)
    r["/fault/blocked"] = Route(
        status=302, headers={"Location": base.replace("127.0.0.1", "127.0.0.2") + "/news.rss"}, static=False
    )
    r["/fault/429"] = _once_429
    r["/fault/slow"] = _slow
    r["/fault/big"] = _big
    r["/fault/trickle"] = _trickle
    return site


def _once_429(h: BaseHTTPRequestHandler, site: Site) -> None:
    if site.hits.get(h.path, 0) % 2 == 1:  # every other request: refused once, then served
        _send(h, 429, b"too many", {"Retry-After": "1"})
    else:
        body = b"<rss version='2.0'><channel><title>later</title><link>/</link></channel></rss>"
        _send(h, 200, body, {"Content-Type": "application/rss+xml"})


def _slow(h: BaseHTTPRequestHandler, site: Site) -> None:
    time.sleep(2.0)
    _send(h, 200, b"<rss version='2.0'><channel><title>late</title></channel></rss>", {})


def _trickle(h: BaseHTTPRequestHandler, site: Site) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Connection", "close")
    h.end_headers()
    try:
        for _ in range(15):  # a byte every 0.2 s: never a read timeout, but slow in total
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        pass
    h.close_connection = True


def _big(h: BaseHTTPRequestHandler, site: Site) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"<!-- " + b"x" * 65_000 + b" -->\n"
    try:
        for _ in range(64):  # ~4 MB, no Content-Length: the cap must hold while streaming
            h.wfile.write(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    h.close_connection = True


def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
    h.send_response(status)
    for k, v in headers.items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed ACKs

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            with site.lock:
                site.log.append((path, {k.lower(): v for k, v in self.headers.items()}))
                site.hits[path] = site.hits.get(path, 0) + 1
            route = site.routes.get(path)
            if route is None:
                _send(self, 404, b"no such page", {"Content-Type": "text/plain"})
                return
            if callable(route):
                route(self, site)
                return
            headers = dict(route.headers)
            if route.static and route.status == 200:
                etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                headers["ETag"] = etag
                headers["Last-Modified"] = LAST_MODIFIED
                if self.headers.get("If-None-Match") == etag:
                    _send(self, 304, b"", {"ETag": etag})
                    return
            _send(self, route.status, route.body, headers)

    return H


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on the slow and oversize endpoints is the point of those tests


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    """The session's server on 127.0.0.1 (a random free port) and its content."""
    server = _Server(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    content = build_site(base)
    server.RequestHandlerClass = make_handler(content)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield content
    finally:
        server.shutdown()
        server.server_close()


FAST_FETCH = {
    "connect_timeout": 1.0,
    "read_timeout": 0.5,
    "total_timeout": 5.0,
    "max_bytes": 2_000_000,
    "per_host_concurrency": 4,
    "per_host_delay": 0.0,
    "max_retries": 1,
    "retry_base_delay": 0.05,
    "retry_max_delay": 2.0,
    "allow_private_networks": True,
    "failure_threshold": 2,
    "backoff_base": 3600.0,
}


ROOT = Path(__file__).resolve().parents[2]


def web_config(tmp_path: Path, sources: list[dict[str, Any]], **fetch: Any) -> Path:
    """A newswatch.toml in ``tmp_path`` with these sources and the fast fetch settings."""
    import json

    lines = [
        "[warehouse]",
        f"path = {json.dumps(str(tmp_path / 'nw.duckdb'))}",
        f"digests_dir = {json.dumps(str(tmp_path / 'digests'))}",
        "[topics]",
        f"taxonomy = {json.dumps(str(ROOT / 'sources' / 'topics.toml'))}",
        "[fetch]",
    ]
    lines += [f"{k} = {json.dumps(v)}" for k, v in {**FAST_FETCH, **fetch}.items()]
    for spec in sources:
        lines.append("[[sources]]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in spec.items()]
    path = tmp_path / "newswatch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_web_once(config: Path) -> dict[str, Any]:
    """One run of every stage without Prefect (``flows.runs.run_locally``)."""
    from newswatch.driver.runs import run_locally
    from newswatch.settings import load_settings

    settings = load_settings(config, env={})
    stats = run_locally(settings, command="test")
    return {
        "run_id": stats.run_id,
        "new": stats.new,
        "unchanged": stats.unchanged,
        "db": settings.warehouse.path,
    }


@pytest.fixture(scope="session")
def fast_fetch() -> dict[str, Any]:
    """Fetch settings small enough to keep the suite fast (tests import nothing from here)."""
    return dict(FAST_FETCH)


@pytest.fixture(scope="session")
def make_config(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``make_config(sources, **fetch)``: a newswatch.toml (and warehouse path) in a new folder."""
    return lambda sources, **fetch: web_config(tmp_path_factory.mktemp("web"), sources, **fetch)


@pytest.fixture(scope="session")
def run_web() -> Callable[[Path], dict[str, Any]]:
    """``run_web(config)``: one run of every stage, without Prefect."""
    return run_web_once
