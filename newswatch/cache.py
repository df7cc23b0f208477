"""Derived data kept between processes: built once from installed packages, then read back fast.

Every newswatch process that extracts or tags pays to turn package data into what it uses: the
language identifier's model (an LZMA-compressed archive: ~0.4 s to decompress) and the gazetteer
(a large JSON file of cities: ~0.25 s to parse). A small run pays that in every process, and so does
each extraction worker. The derived form is written once to a cache directory and read back from
there (memory-mapped where it is big).

The directory is ``$NEWSWATCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/newswatch``, else
``~/.cache/newswatch``. Each entry is named by what it was built from (package versions, file sizes
and times, the building module's own source), so an upgrade builds a new entry instead of reading a
stale one; old entries can be deleted at any time. An entry is built in a temporary directory and
renamed into place, so concurrent processes never read a half-written one. When the directory cannot
be written, callers build in memory as before: the cache only saves time, it never changes a result.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger("newswatch.cache")

ENV = "NEWSWATCH_CACHE_DIR"


def cache_root() -> Path:
    """Where derived data is kept (see the module docstring)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newswatch"


def stamp(*parts: object, files: Iterable[Path | str] = ()) -> str:
    """A short name for what an entry is built from: ``parts`` and each file's size and mtime."""
    h = hashlib.sha256()
    for p in parts:
        h.update(repr(p).encode())
    for f in files:
        st = os.stat(f)
        h.update(f"{f}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def entry(name: str, key: str, build: Callable[[Path], None]) -> Path | None:
    """The directory ``<root>/<name>-<key>``, filled by ``build(directory)`` the first time.

    None when it cannot be made (a read-only home, a full disk, a failing ``build``): the caller
    then builds in memory.
    """
    root = cache_root()
    final = root / f"{name}-{key}"
    if final.is_dir():
        return final
    tmp: Path | None = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".{name}-"))
        build(tmp)
        os.rename(tmp, final)  # atomic; fails if another process got there first
        tmp = None
    except OSError:
        if final.is_dir():
            return final
        log.debug("cache entry %s not written", final, exc_info=True)
        return None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return final
