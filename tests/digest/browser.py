"""Headless Chromium driven over the DevTools protocol (a websocket, no extra package): load a
page at a phone's width, collect console errors, measure, and take a full-page screenshot."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageReport:
    errors: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    screenshot: Path | None = None


class _Session:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv(timeout=60))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {method} within {timeout} s")
            try:
                self.events.append(json.loads(self.ws.recv(timeout=left)))
            except TimeoutError:
                continue


MEASURE = """(() => {
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const cards = [...document.querySelectorAll('section.card')];
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    cards: cards.length,
    visibleCards: cards.filter(visible).length,
    headlines: cards.filter(c => {
      const h = c.querySelector('h3'); return h && visible(h) && h.textContent.trim();
    }).length,
    summaries: cards.filter(c => { const s = c.querySelector('.summary'); return s && visible(s); }).length,
    svg: document.querySelectorAll('svg').length,
    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
    wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390.5)
            .slice(0, 5).map(e => e.tagName + '.' + e.className),
    fontSize: getComputedStyle(document.body).fontSize,
  };
})()"""


def inspect_page(page: Path, screenshot: Path, *, width: int = 390, height: int = 844) -> PageReport:
    """Open ``page`` in headless Chromium at ``width`` CSS pixels; report errors and measurements."""
    from websockets.sync.client import connect

    binary = chromium()
    if binary is None:
        raise FileNotFoundError("chromium is not installed")
    profile = tempfile.mkdtemp(prefix="nw-chromium-")
    proc = subprocess.Popen(
        [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": "/dev/null"},
    )
    report = PageReport()
    try:
        # Chromium writes the port it chose and the browser's websocket path into the profile.
        active = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (active.exists() and len(active.read_text().split()) >= 2):
            if proc.poll() is not None:
                raise RuntimeError(f"chromium exited with {proc.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port, path = active.read_text().split()[:2]
        url = f"ws://127.0.0.1:{port}{path}"
        with connect(url, max_size=64 * 2**20, open_timeout=30) as ws:
            cdp = _Session(ws)
            target = cdp.call("Target.createTarget", url="about:blank")["targetId"]
            sid = cdp.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
                cdp.call(domain, sid)
            cdp.call("Emulation.setDeviceMetricsOverride", sid, width=width, height=height,
                     deviceScaleFactor=1, mobile=True)  # fmt: skip
            cdp.call("Page.navigate", sid, url=page.resolve().as_uri())
            cdp.wait_for("Page.loadEventFired")
            report.facts = cdp.call("Runtime.evaluate", sid, expression=MEASURE, returnByValue=True)[
                "result"
            ]["value"]
            shot = cdp.call("Page.captureScreenshot", sid, format="png", captureBeyondViewport=True)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            report.screenshot = screenshot
            for e in cdp.events:
                method, params = e.get("method"), e.get("params", {})
                if method == "Runtime.exceptionThrown":
                    report.errors.append(str(params.get("exceptionDetails", {}).get("text")))
                elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                    report.errors.append(json.dumps(params.get("args"))[:300])
                elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                    report.errors.append(str(params["entry"].get("text"))[:300])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return report
