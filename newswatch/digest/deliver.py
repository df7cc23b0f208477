"""Delivering a digest: files always, and where ``[digest] notify`` says (e-mail, webhooks).

Files are written atomically beside the warehouse (``Settings.digests_path``) with the umask's
permissions (``newswatch.atomic``). Notifications go through apprise (installed with Prefect):
each ``notify`` entry is an apprise URL (``mailto://``, ``json://``, ``slack://``, ...). Secrets stay
out of the configuration file: ``${NAME}`` in a URL is replaced by the environment variable NAME at
send time, and every message about a URL shows it with its password masked. One failing target
never stops the others; each gets a ``Delivery`` with its reason.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from newswatch.atomic import write_atomically
from newswatch.errors import ConfigError

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
EXTENSIONS = {"md": "md", "html": "html"}


@dataclass(frozen=True, slots=True)
class Delivery:
    target: str  # the URL with secrets masked
    ok: bool
    reason: str = ""


def digest_path(folder: Path, day: date, fmt: str) -> Path:
    return Path(folder) / f"{day.isoformat()}.{EXTENSIONS[fmt]}"


def write_digests(folder: Path, day: date, texts: Mapping[str, str]) -> dict[str, Path]:
    """Write each format's text to ``<folder>/<day>.<ext>``; return the paths by format."""
    return {fmt: write_atomically(digest_path(folder, day, fmt), text) for fmt, text in texts.items()}


def expand(url: str, env: Mapping[str, str] | None = None) -> str:
    """``url`` with each ``${NAME}`` replaced by the environment variable NAME (which must be set)."""
    environ = os.environ if env is None else env

    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in environ:
            raise ConfigError(f"[digest] notify: environment variable {name} is not set")
        return environ[name]

    return _VARIABLE.sub(value, url)


def _masked(url: str) -> str:
    """The URL as configured, user info hidden (variables are shown as written, not expanded)."""
    return re.sub(r"(://)[^/@]*@", r"\1****@", url)


def notify(
    urls: Sequence[str],
    *,
    title: str,
    body: str,
    fmt: str = "html",
    env: Mapping[str, str] | None = None,
) -> list[Delivery]:
    """Send the digest to every apprise URL; one result per URL, failures with their reason."""
    if not urls:
        return []
    # apprise loads its plugins on first use; some import modules Python deprecates (imghdr).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return _send(urls, title=title, body=body, fmt=fmt, env=env)


def _send(
    urls: Sequence[str], *, title: str, body: str, fmt: str, env: Mapping[str, str] | None
) -> list[Delivery]:
    import apprise  # only when something is configured: it loads many plugins

    body_format = apprise.NotifyFormat.HTML if fmt == "html" else apprise.NotifyFormat.MARKDOWN
    out: list[Delivery] = []
    for url in urls:
        shown = _masked(url)
        try:
            target = apprise.Apprise.instantiate(expand(url, env))
        except ConfigError as exc:
            out.append(Delivery(shown, False, str(exc)))
            continue
        if not target:
            out.append(Delivery(shown, False, "not a URL apprise can send to"))
            continue
        shown = target.url(privacy=True)
        sender = apprise.Apprise()
        sender.add(target)
        try:
            ok = bool(sender.notify(title=title, body=body, body_format=body_format))
        except Exception as exc:  # a plugin's own error: recorded, the next target still gets it
            out.append(Delivery(shown, False, f"{type(exc).__name__}: {exc}"))
            continue
        out.append(Delivery(shown, ok, "" if ok else "the target refused it or could not be reached"))
    return out


def today_in(zone: str) -> date:
    """Today's date in the digest's time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(zone)).date()


def send_digest(
    urls: Sequence[str], day: date, texts: Mapping[str, str], fmt: str, logger: Any
) -> list[Delivery]:
    """Send the day's digest (the ``fmt`` text) to ``urls``; log each result, never raise."""
    title = f"newswatch digest — {day.isoformat()}"
    results = notify(urls, title=title, body=texts[fmt], fmt=fmt)
    for result in results:
        if result.ok:
            logger.info("digest sent to %s", result.target)
        else:
            logger.warning("digest not sent to %s: %s", result.target, result.reason)
    return results
