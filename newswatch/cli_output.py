"""How the CLI prints: tables that fit the terminal, CSV and JSON, plurals, and progress bars.

Every command that prints rows goes through :func:`write_rows`, so ``--format table|csv|json``
means the same everywhere. A table never cuts a header: each column is at least as wide as its
name, cells wrap, and when the names alone do not fit the terminal the right-most columns (the
least important: commands put them last) are left out with a note saying which.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

console = Console()
err = Console(stderr=True)

FORMATS = ("table", "csv", "json")


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 failed input``, ``2 failed inputs``, ``0 copies`` (``many`` for irregular plurals)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def plain(value: Any) -> Any:
    """A value as JSON has it: dates as ISO 8601, bytes as hex, containers walked."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def cell(value: Any) -> str:
    """A value as a table cell: empty for NULL, lists joined with commas."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, datetime):  # stored in UTC; seconds are enough to read
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(plain(value))


# A column narrower than this (or than its values, when they are shorter) is hard to read.
MIN_READABLE = 10


def fit_columns(
    cols: Sequence[str], width: int, keep: int = 1, mins: Sequence[int] | None = None
) -> list[str]:
    """The columns that fit in ``width`` characters at their minimum widths, dropping from the right.

    A column's minimum is its name's length (or ``mins``). A rich table with an outer border and
    one space of padding each side takes 3 characters per column plus 1. The first ``keep``
    columns are never dropped.
    """
    need = list(mins) if mins is not None else [len(c) for c in cols]
    n = len(cols)
    while n > keep and sum(need[:n]) + 3 * n + 1 > width:
        n -= 1
    return list(cols[:n])


def natural_widths(names: Sequence[str], cells: Sequence[Sequence[str]]) -> list[int]:
    return [
        max([len(n)] + [max((len(line) for line in c[i].splitlines()), default=0) for c in cells])
        for i, n in enumerate(names)
    ]


def minimum_widths(names: Sequence[str], natural: Sequence[int]) -> list[int]:
    return [max(len(n), min(w, MIN_READABLE)) for n, w in zip(names, natural, strict=True)]


def column_widths(names: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> list[int]:
    """Widths for columns so the table fits ``width``: each at least its name (and a readable
    minimum), wide columns share what is left (water-filling: narrow ones keep their width)."""
    natural = natural_widths(names, cells)
    room = width - (3 * len(names) + 1)
    if sum(natural) <= room:
        return natural
    widths = [min(m, room) for m in minimum_widths(names, natural)]
    spare = room - sum(widths)
    # Give the spare space to the columns that want more, smallest wish first, equal shares.
    wanting = sorted(range(len(names)), key=lambda i: natural[i] - widths[i])
    for k, i in enumerate(wanting):
        share = spare // (len(wanting) - k)
        extra = min(natural[i] - widths[i], max(share, 0))
        widths[i] += extra
        spare -= extra
    return widths


def make_table(
    cols: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    width: int,
    markup: Callable[[str, Any], Text | str] | None = None,
) -> tuple[Table, list[str]]:
    """A table of ``rows`` that fits ``width``; returns it and the names of columns left out."""
    all_texts = [[cell(v) for v in r] for r in rows]
    mins = minimum_widths(cols, natural_widths(cols, all_texts))
    shown = fit_columns(cols, width, mins=mins)
    idx = list(range(len(shown)))
    texts = [t[: len(shown)] for t in all_texts]
    widths = column_widths(shown, texts, width)
    table = Table(show_lines=False)
    for name, w in zip(shown, widths, strict=True):
        table.add_column(name, width=w, overflow="fold")
    for r, t in zip(rows, texts, strict=True):
        table.add_row(*(markup(cols[i], r[i]) if markup else Text(t[j]) for j, i in enumerate(idx)))
    return table, [c for c in cols if c not in shown]


def write_rows(
    cols: list[str],
    rows: Sequence[Sequence[Any]],
    fmt: str,
    *,
    markup: Callable[[str, Any], Text | str] | None = None,
    count: bool = True,
) -> None:
    """Print rows as a table (fit to the terminal), CSV or JSON (a list of objects)."""
    if fmt == "json":
        json.dump(
            [dict(zip(cols, map(plain, r), strict=True)) for r in rows],
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(cols)
        for r in rows:
            writer.writerow(
                [
                    json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                    for v in map(plain, r)
                ]
            )
    else:
        out = Console(file=sys.stdout)  # the stdout of now (tests swap it), at the terminal's width
        table, dropped = make_table(cols, rows, width=out.width, markup=markup)
        out.print(table)
        if count:
            out.print(plural(len(rows), "row"), style="dim", highlight=False)
        if dropped:
            out.print(
                f"left out to fit {out.width} columns: {', '.join(dropped)}"
                " (--format json shows every column)",
                style="dim",
                highlight=False,
            )


def marked(text: str) -> Text:
    """``**term**`` marks (search snippets) as bold text on a terminal."""
    out = Text()
    for i, part in enumerate(text.split("**")):
        out.append(part, style="bold yellow" if i % 2 else "")
    return out


def show_progress() -> bool:
    """Progress bars only for a person at a terminal: not in CI, not when output is piped."""
    return sys.stdout.isatty() and not os.environ.get("CI")


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Callable[[str], None]]:
    """A progress bar on a terminal (stderr); elsewhere nothing. Yields ``step(label)``."""
    if not show_progress():
        yield lambda _label: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task(description, total=total)
        first = True

        def step(label: str) -> None:
            nonlocal first
            if not first:
                bar.advance(task)
            first = False
            bar.update(task, description=f"{description} {label}")

        yield step
        bar.update(task, completed=total)
