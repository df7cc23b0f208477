"""Fetching benchmark: article pages fetched, and fetched + extracted, per second.

A local server on 127.0.0.1 serves N pages (the real news pages of ../shared/corpora/news_html,
cycled under distinct URLs, gzipped as they are stored) and one RSS feed listing them all. The
``feed`` source reads the feed and fetches every page through the real fetcher (robots, per-host
gate, size cap, conditional headers); then the ``extract`` stage runs trafilatura on each page.
A second read of the feed measures the incremental path (a 304, no page fetched).

    PYTHONPATH=$PWD .venv/bin/python bench/fetch.py [--pages 300] [--workers 4]

Reads ../shared/corpora directly; exits 0 with a message when it is absent. The server runs
in the same process (the same 2 cores), so the figures are a floor for a remote site.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "shared/corpora/news_html/trafilatura"


def serve(pages: list[bytes], n: int) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def feed(part: int = 0, of: int = 1) -> bytes:
        """The feed of every ``of``-th page from ``part`` on (``/feed.rss?part=0&of=1``: all of them)."""
        items = "".join(
            f"<item><title>Page {i}</title><link>{base}/p/{i}.html</link></item>" for i in range(part, n, of)
        )
        return f"<rss version='2.0'><channel><title>bench</title>{items}</channel></rss>".encode()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            headers = {"Content-Type": "text/html"}
            path, _, qs = self.path.partition("?")
            if path == "/feed.rss":
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                args = dict(kv.split("=", 1) for kv in qs.split("&") if "=" in kv)
                body = feed(int(args.get("part", 0)), int(args.get("of", 1)))
                headers = {"Content-Type": "application/rss+xml", "ETag": '"v1"'}
            elif self.path.startswith("/p/"):
                body = pages[int(self.path[3:].split(".")[0]) % len(pages)]
                headers["Content-Encoding"] = "gzip"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server.RequestHandlerClass = H
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--workers", type=int, default=4, help="page_workers and per_host_concurrency")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent (the shared corpora are not on this machine)")
        return 0
    pages = [p.read_bytes() for p in sorted(CORPUS.glob("*.html.gz"))]
    raw_mb = sum(len(gzip.decompress(p)) for p in pages) / len(pages) / 1e6

    from newswatch.driver.stages import extract, read
    from newswatch.records import HttpValidators
    from newswatch.settings import Settings, SourceSpec
    from newswatch.sources.http import make_client
    from newswatch.sources.registry import SourceContext

    server, base = serve(pages, args.pages)
    settings = Settings(
        fetch={
            "allow_private_networks": True,
            "per_host_delay": 0.0,
            "per_host_concurrency": args.workers,
            "page_workers": args.workers,
            "max_items_per_source": max(500, args.pages),
        }
    )
    spec = SourceSpec(name="bench", kind="feed", url=f"{base}/feed.rss")
    with make_client(settings) as client:
        ctx = SourceContext(settings=settings, client=client)
        t0 = time.perf_counter()
        haul = read(spec, ctx)
        t1 = time.perf_counter()
        extraction = extract(haul.documents)
        t2 = time.perf_counter()
        feed_row = next(f for f in haul.fetches if f.url == spec.url)
        ctx2 = SourceContext(
            settings=settings,
            client=client,
            http_cache={spec.url: HttpValidators(spec.url, feed_row.etag, feed_row.last_modified)},
        )
        t3 = time.perf_counter()
        again = read(spec, ctx2)
        t4 = time.perf_counter()
    server.shutdown()

    fetched = len(haul.documents)
    failed = [f.outcome for f in haul.fetches if f.outcome != "ok"]
    print(f"pages served: {args.pages} (cycling {len(pages)} real pages, {raw_mb:.2f} MB of HTML on average)")
    print(f"page workers / per-host concurrency: {args.workers}, per-host delay 0 s")
    print(f"fetched {fetched} pages in {t1 - t0:.2f} s: {fetched / (t1 - t0):.1f} pages/s (failed: {failed})")
    print(
        f"extracted {len(extraction.articles)} articles in {t2 - t1:.2f} s: "
        f"{len(extraction.articles) / (t2 - t1):.1f} pages/s"
    )
    print(f"fetched + extracted: {len(extraction.articles) / (t2 - t0):.1f} pages/s")
    outcomes = sorted({f.outcome for f in again.fetches})
    print(f"second read (conditional): {t4 - t3:.3f} s, {len(again.documents)} documents, {outcomes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
