"""Digest files and delivery: beside their warehouse, with the umask's permissions, and sent by
e-mail and webhook to real sinks on 127.0.0.1 (an SMTP server and an HTTP server)."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from nwtest import run_plain, write_config
from typer.testing import CliRunner

from newswatch.atomic import write_atomically
from newswatch.cli import app
from newswatch.digest.deliver import expand, notify
from newswatch.errors import ConfigError
from newswatch.settings import load_settings

runner = CliRunner()


def test_digest_files_get_the_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = write_atomically(tmp_path / "d" / "x.md", "hello")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        os.umask(0o027)
        path = write_atomically(tmp_path / "d" / "x.md", "again")
        assert stat.S_IMODE(path.stat().st_mode) == 0o640 and path.read_text() == "again"
    finally:
        os.umask(old)
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["x.md"]  # no temporary file left


def test_digests_live_beside_their_warehouse(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[warehouse]\npath = 'data/newswatch.duckdb'\n", encoding="utf-8")
    assert load_settings(config).digests_path == Path("data/digests")
    assert load_settings(config, db=tmp_path / "other.duckdb").digests_path == tmp_path / "other-digests"
    assert (
        load_settings(config, db=tmp_path / "x" / "newswatch.duckdb").digests_path
        == tmp_path / "x" / "digests"
    )
    config.write_text("[warehouse]\ndigests_dir = 'out/d'\n", encoding="utf-8")
    assert load_settings(config, db=tmp_path / "other.duckdb").digests_path == Path("out/d")


def test_timezone_is_checked_when_settings_load(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[digest]\ntimezone = 'Asia/Karachi'\n", encoding="utf-8")
    assert load_settings(config).digest.timezone == "Asia/Karachi"
    config.write_text("[digest]\ntimezone = 'Mars/Olympus'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
        load_settings(config)


def test_notify_urls_take_secrets_from_the_environment_only() -> None:
    assert expand("mailto://u:${PW}@h", {"PW": "s3cret"}) == "mailto://u:s3cret@h"
    with pytest.raises(ConfigError, match="environment variable PW is not set"):
        expand("mailto://u:${PW}@h", {})
    results = notify(["json://u:${NOPE}@127.0.0.1:9/x", "nonsense://"], title="t", body="b", env={})
    assert [r.ok for r in results] == [False, False]
    assert "NOPE is not set" in results[0].reason and "****" in results[0].target
    assert "apprise" in results[1].reason


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        _Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_sink() -> Iterator[str]:
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"json://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp_sink() -> Iterator[tuple[str, _Mailbox]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = _Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"mailto://127.0.0.1:{port}?from=newswatch@example.org&to=desk@example.org&mode=insecure", box
    finally:
        controller.stop()


def _seeded(tmp_path: Path, seeds_dir: Path, extra: str = "") -> Path:
    config = write_config(
        tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{seeds_dir}"\n', extra=extra
    )
    run_plain(config)
    return config


def test_digest_is_sent_by_mail_and_webhook_to_local_sinks(
    tmp_path: Path, seeds_dir: Path, http_sink: str, smtp_sink: tuple[str, _Mailbox], monkeypatch
) -> None:
    mail_url, box = smtp_sink
    monkeypatch.setenv("HOOK_URL_PATH", "hook")
    hook = http_sink.replace("/hook", "/${HOOK_URL_PATH}")
    extra = f"[digest]\nnotify = {json.dumps([mail_url, hook])}\n"
    config = _seeded(tmp_path, seeds_dir, extra)
    today = date.today().isoformat()
    result = runner.invoke(app, ["digest", "--date", today, "--send", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "sent to mailto://" in result.output and "sent to json://" in result.output
    assert len(box.messages) == 1
    sender, rcpts, raw = box.messages[0]
    assert sender == "newswatch@example.org" and rcpts == ["desk@example.org"]
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == f"newswatch digest — {today}"
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<h3>" in html and "1 story (1 new)" in html
    assert len(_Hook.received) == 1 and "1 story (1 new)" in str(_Hook.received[0]["message"])


def test_one_failing_target_does_not_stop_the_others(tmp_path: Path, seeds_dir: Path, http_sink: str) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    extra = f"[digest]\nnotify = {json.dumps([f'json://127.0.0.1:{dead}/x', http_sink])}\n"
    config = _seeded(tmp_path, seeds_dir, extra)
    result = runner.invoke(app, ["digest", "--send", "--format", "html", "--config", str(config)])
    assert result.exit_code == 1
    assert f"not sent to json://127.0.0.1:{dead}" in result.output
    assert len(_Hook.received) == 1
    assert "<!doctype html>" in result.output  # the digest itself was still printed
    plain = write_config(tmp_path, "")  # the same warehouse, nothing to send to
    nothing = runner.invoke(app, ["digest", "--send", "--config", str(plain)])
    assert nothing.exit_code == 2 and "no [digest] notify targets" in nothing.output
