"""Compression bombs of 1 GiB in every encoding: ``too_large``, and a peak memory over a normal
fetch's far below 300 MB (each measured in a process of its own; figures in docs/reliability.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from faultserver import MIB, FaultServer, bomb, bombs, respond, serve

PROBE = Path(__file__).with_name("bomb_probe.py")
PAGE = b"<html><body>" + b"<p>An ordinary page of text.</p>" * 3000 + b"</body></html>"
NAMES = ["gzip", "deflate", "br", "zstd", "gzip-gzip", "gzip-br"]


@pytest.fixture(scope="module")
def bomb_server() -> Iterator[FaultServer]:
    routes = {"/page": respond(200, PAGE, Content_Type="text/html")}
    for name, (encoding, body) in bombs(1024 * MIB).items():
        routes[f"/bomb/{name}"] = bomb(encoding, body)
    with serve(routes) as s:
        yield s


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_a_gibibyte_bomb_costs_little_memory(bomb_server: FaultServer, name: str) -> None:
    out = subprocess.run(
        [sys.executable, str(PROBE), bomb_server.url("/page"), bomb_server.url(f"/bomb/{name}")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\n{name}: {probe}")  # pytest -s shows the figures docs/reliability.md quotes
    assert probe["baseline_outcome"] == "ok"
    assert probe["outcome"] == "too_large", probe
    assert probe["peak_mb"] - probe["baseline_mb"] < 300, probe
