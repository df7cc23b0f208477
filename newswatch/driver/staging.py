"""A run's staging area: what was read and extracted waits on disk, not in memory, until it is loaded.

A run reads its sources in chunks of documents, extracts each chunk, and loads the articles in
event-time order (copies and stories depend on that order, across the whole run). Between those
steps the documents and the extracted articles sit in files here; the run keeps only small keys
(an article's id, its event time and where its record is). So memory follows the batch size, not
the size of the run, and a task receives a reference to its batch, never the batch's neighbours.

Each ``write`` makes one new file (one pickle per object, one after the other): writers never share
a file, so tasks may write from threads or from other processes on the same machine. The folder
sits beside the warehouse (``data/newswatch.staging/<run id>``: not ``/tmp``, often memory) and is
removed when the run ends; folders of runs that died are removed by the next run.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Ref:
    """Where one staged object is: its file, offset and length."""

    file: str
    offset: int
    length: int


def staging_root(warehouse: Path) -> Path:
    return warehouse.with_suffix(".staging")


def new_area(warehouse: Path, run_id: str) -> Path:
    """A fresh folder for one run's staging, after removing what dead runs left (call it while
    holding the run lock: no other run is alive then)."""
    root = staging_root(warehouse)
    if root.exists():
        for old in root.iterdir():
            shutil.rmtree(old, ignore_errors=True)
    area = root / run_id
    area.mkdir(parents=True, exist_ok=True)
    return area


def remove_area(area: Path) -> None:
    shutil.rmtree(area, ignore_errors=True)
    with contextlib.suppress(OSError):  # the root too, when no other run's folder is left
        area.parent.rmdir()


def write(area: Path | str, objects: Iterable[Any]) -> list[Ref]:
    """Pickle ``objects`` one after the other into a new file of ``area``; their references."""
    path = Path(area) / f"{uuid.uuid4().hex}.pkl"
    refs: list[Ref] = []
    offset = 0
    with path.open("wb") as fh:
        for obj in objects:
            blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
            fh.write(blob)
            refs.append(Ref(str(path), offset, len(blob)))
            offset += len(blob)
    return refs


def read(refs: Sequence[Ref]) -> list[Any]:
    """The staged objects of ``refs``, in order (each file opened once)."""
    out: list[Any] = [None] * len(refs)
    by_file: dict[str, list[int]] = {}
    for i, ref in enumerate(refs):
        by_file.setdefault(ref.file, []).append(i)
    for file, positions in by_file.items():
        fd = os.open(file, os.O_RDONLY)
        try:
            for i in positions:
                out[i] = pickle.loads(os.pread(fd, refs[i].length, refs[i].offset))
        finally:
            os.close(fd)
    return out
