"""A raw HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose.

``http.server`` writes whole header blocks; the faults here need byte-level control: headers sent
one byte a second, bodies dripped, connections reset, compression bombs in every Content-Encoding
(built here, streamed through the compressor, never held decoded). Every loop is bounded in count
and time and stops when the client hangs up.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import socketserver
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import brotli
import zstandard

MIB = 1024 * 1024

Handler = Callable[[socket.socket, str], None]


def _zeros(total: int, step: int = MIB) -> Iterator[bytes]:
    block = bytes(step)
    left = total
    while left > 0:
        yield block[: min(step, left)]
        left -= step


def gzip_bomb(size: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join([*(z.compress(c) for c in _zeros(size)), z.flush()])


def deflate_bomb(size: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
    return b"".join([*(z.compress(c) for c in _zeros(size)), z.flush()])


def brotli_bomb(size: int) -> bytes:
    c = brotli.Compressor(quality=5, lgwin=24)
    return b"".join([*(c.process(b) for b in _zeros(size)), c.finish()])


def zstd_bomb(size: int) -> bytes:
    z = zstandard.ZstdCompressor(level=3).compressobj()
    return b"".join([*(z.compress(c) for c in _zeros(size)), z.flush()])


def bombs(size: int) -> dict[str, tuple[str, bytes]]:
    """name -> (Content-Encoding, body): ``size`` bytes of zeros in every encoding httpx accepts."""
    gz = gzip_bomb(size)
    br = brotli_bomb(size)
    return {
        "gzip": ("gzip", gz),
        "deflate": ("deflate", deflate_bomb(size)),
        "br": ("br", br),
        "zstd": ("zstd", zstd_bomb(size)),
        "gzip-gzip": ("gzip, gzip", gzip.compress(gz, 9)),
        "gzip-br": ("gzip, br", brotli.compress(gz)),
    }


def head(status: int, headers: dict[str, str], length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'X'}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(status: int, body: bytes = b"", **headers: str) -> Handler:
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}

    def handle(sock: socket.socket, path: str) -> None:
        sock.sendall(head(status, hdrs, len(body)) + body)

    return handle


def slow_headers(interval: float = 1.0, limit: int = 120) -> Handler:
    """The status line and headers, one byte every ``interval`` seconds (``limit`` bytes at most)."""

    def handle(sock: socket.socket, path: str) -> None:
        data = head(200, {"Content-Type": "text/html", "X-Pad": "p" * 200}, 5)
        for byte in data[:limit]:
            sock.sendall(bytes([byte]))
            time.sleep(interval)

    return handle


def drip(interval: float = 0.2, limit: int = 400) -> Handler:
    """Headers at once, then the body a byte every ``interval`` seconds."""

    def handle(sock: socket.socket, path: str) -> None:
        sock.sendall(head(200, {"Content-Type": "text/html"}, limit))
        for _ in range(limit):
            sock.sendall(b"x")
            time.sleep(interval)

    return handle


def reset(sock: socket.socket, path: str) -> None:
    """Close with a TCP RST before any answer."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def bomb(encoding: str, body: bytes) -> Handler:
    return respond(200, body, Content_Type="text/html; charset=utf-8", Content_Encoding=encoding)


@dataclass
class FaultServer:
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    heads: list[tuple[str, str]] = field(default_factory=list)  # (path, request head) of each request
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path


class _TCP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-fault is the point


@contextmanager
def serve(routes: dict[str, Handler]) -> Iterator[FaultServer]:
    """Serve ``routes`` (path -> handler) on 127.0.0.1 at a free port until the block ends."""
    state = FaultServer(routes=routes)

    class H(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock: socket.socket = self.request
            sock.settimeout(30)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                data += chunk
            try:
                path = data.split(b" ", 2)[1].decode("latin-1").split("?", 1)[0]
            except IndexError:
                return
            with state.lock:
                state.hits[path] = state.hits.get(path, 0) + 1
                state.heads.append((path, data.split(b"\r\n\r\n", 1)[0].decode("latin-1")))
            handler = state.routes.get(path, respond(404, b"no such page"))
            with contextlib.suppress(OSError):  # the client hung up
                handler(sock, path)

    server = _TCP(("127.0.0.1", 0), H)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
