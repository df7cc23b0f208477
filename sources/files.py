"""The ``files`` source: local files and folders.

Kinds of file, by suffix:
- ``.txt`` / ``.md``: one article: title line, optional deck line, body (see ``extract.parse_text``);
- ``.html`` / ``.htm``: one article page, extracted like a fetched page;
- ``.json``: one article record, or a list of them; ``.jsonl``: one record per line;
- ``.csv``: one record per row (header names matched case-insensitively, with common aliases).

A record has ``url`` (else the file and line stand in), ``title``, optional ``body``, ``published_at``
and ``source`` (the outlet). Every file read is a ``fetches`` row; a file or record that cannot be
read is recorded with its reason, never skipped silently. Hidden files and folders are ignored.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newswatch.errors import SourceError, UnreadableInput
from newswatch.extract.encoding import decode
from newswatch.outcomes import Outcome
from newswatch.records import Document, Fetch
from newswatch.settings import SourceSpec
from newswatch.sources.registry import SourceContext, SourceItem, register

TEXT_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
}
RECORD_TYPES = {".json", ".jsonl", ".ndjson", ".csv"}
RECORD_MEDIA_TYPE = "application/x-newswatch-record"

# Header aliases for CSV and JSON records (lower-cased).
FIELD_ALIASES = {
    "url": ("url", "link", "href"),
    "title": ("title", "headline", "name"),
    "body": ("body", "text", "content", "summary", "description"),
    "published_at": ("published_at", "published", "date", "timestamp", "pubdate", "time"),
    "source": ("source", "publisher", "outlet", "site", "hostname"),
    "html": ("html",),
    "id": ("id", "guid"),
}


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


@register("files")
def read_files(spec: SourceSpec, ctx: SourceContext) -> Iterator[SourceItem]:
    """Yield a document (or a failed ``Fetch``) for every file under the source's path."""
    assert spec.path is not None
    root = Path(spec.path)
    if not root.exists():
        yield Fetch(
            url=file_url(root),
            source=spec.name,
            outcome=Outcome.MISSING,
            error=f"{root}: no such file or folder",
        )
        return
    for path in iter_files(root, recursive=spec.recursive):
        yield from read_file(path, spec.name, max_bytes=ctx.settings.fetch.max_bytes)


def iter_files(root: Path, *, recursive: bool = True) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    pattern = "**/*" if recursive else "*"
    for path in sorted(root.glob(pattern)):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        yield path


def read_file(path: Path, source: str, *, max_bytes: int) -> Iterator[SourceItem]:
    url = file_url(path)
    started = time.perf_counter()
    fetch = Fetch(url=url, source=source)
    suffix = path.suffix.lower()
    if suffix not in TEXT_TYPES and suffix not in RECORD_TYPES:
        yield fetch.fail("unsupported", f"{path.name}: unsupported file type {suffix or '(none)'!r}")
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield fetch.fail("too_large", f"{path.name}: {size} bytes is over the limit of {max_bytes}")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield fetch.fail("unreadable", f"{path.name}: {exc.strerror or exc}")
        return
    fetch.bytes = len(data)
    fetch.elapsed_ms = (time.perf_counter() - started) * 1000
    if suffix in TEXT_TYPES:
        yield Document(source=source, url=url, content=data, media_type=TEXT_TYPES[suffix], fetch=fetch)
        return
    try:
        text, _ = decode(data, name=path.name)
    except SourceError as exc:
        yield fetch.fail(exc.outcome, str(exc))
        return
    yield fetch  # the file read itself; each record below is a document of its own
    yield from read_records(text, path=path, source=source, suffix=suffix)


def read_records(text: str, *, path: Path, source: str, suffix: str) -> Iterator[SourceItem]:
    base = file_url(path)
    rows: Iterator[tuple[int, Any]]
    if suffix == ".csv":
        rows = ((i + 2, row) for i, row in enumerate(csv.DictReader(io.StringIO(text))))
    elif suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Fetch(
                url=base,
                source=source,
                outcome=Outcome.BAD_RECORD,
                error=f"{path.name}: invalid JSON: {exc}",
            )
            return
        items = data if isinstance(data, list) else [data]
        rows = ((i + 1, item) for i, item in enumerate(items))
    else:
        rows = _jsonl_rows(text)
    for line, row in rows:
        where = f"{base}#{'row' if suffix == '.csv' else 'line'}={line}"
        if isinstance(row, SourceError):
            yield Fetch(
                url=where,
                source=source,
                outcome=row.outcome,
                error=f"{path.name}:{line}: {row.reason}",
            )
            continue
        if not isinstance(row, dict):
            yield Fetch(
                url=where,
                source=source,
                outcome=Outcome.BAD_RECORD,
                error=f"{path.name}:{line}: a record must be an object, not {type(row).__name__}",
            )
            continue
        fields = normalise_record(row)
        url = str(fields.get("url") or where)
        yield Document(
            source=source,
            url=url,
            content=b"",
            media_type=RECORD_MEDIA_TYPE,
            fetch=None,
            fields={**fields, "origin": source, "record_location": f"{path.name}:{line}"},
        )


def _jsonl_rows(text: str) -> Iterator[tuple[int, Any]]:
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield i, json.loads(line)
        except json.JSONDecodeError as exc:
            yield i, UnreadableInput(f"line {i}", f"invalid JSON: {exc.msg}", outcome="bad_record")


def normalise_record(row: dict[str, Any]) -> dict[str, Any]:
    """Map a record's keys onto newswatch's names (``TITLE`` -> title, ``PUBLISHER`` -> source...)."""
    lower = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    out: dict[str, Any] = {}
    for name, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            value = lower.get(alias)
            if value not in (None, ""):
                out[name] = value
                break
    extra = {k: v for k, v in lower.items() if not any(k in a for a in FIELD_ALIASES.values())}
    if extra:
        out["extra"] = extra
    return out
