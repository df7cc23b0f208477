"""Bulk writes: each insert declared once (table, columns with their types and getters), its rows
sent in one statement per table and batch, and the ``IN (ids)`` parameter as one JSON string.

A ``Table`` is the one column list of an insert: the statement's column names, the types its
rows are cast to and the values of each row all come from the same ``Column`` tuple, so they cannot
drift apart. What a conflicting row updates is derived from the same list (every column but the
key and the ones it keeps), with an explicit SQL expression only where a column merges instead of
being replaced.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import duckdb

from newswatch.warehouse.db import quote_ident

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Stamp:
    """What every row of one write shares: when it was written and by which run."""

    now: datetime
    run_id: str = ""


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """One column of an insert: its name, the SQL type its values are cast to, and the value of a
    row for an item (``get(item, stamp)``)."""

    name: str
    sql_type: str
    get: Callable[[T, Stamp], Any]


@dataclass(frozen=True)
class Table(Generic[T]):
    """An insert into ``name`` of the ``columns``; with a ``key``, an upsert on it.

    On a conflict every column but the key and ``keep`` takes the new row's value
    (``excluded.column``), or the expression ``merge`` gives for it.
    """

    name: str
    columns: tuple[Column[T], ...]
    key: tuple[str, ...] = ()
    keep: frozenset[str] = frozenset()
    merge: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        unknown = (set(self.key) | self.keep | set(self.merge)) - set(names)
        if len(set(names)) != len(names) or unknown:
            raise ValueError(f"table {self.name}: duplicate or unknown columns {sorted(unknown)}")

    @property
    def head(self) -> str:
        names = ", ".join(quote_ident(c.name) for c in self.columns)
        return f"INSERT INTO {quote_ident(self.name)} ({names})"

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(c.sql_type for c in self.columns)

    @property
    def upsert(self) -> str:
        """The ``ON CONFLICT`` clause ("" without a key)."""
        if not self.key:
            return ""
        sets = [
            f"{quote_ident(c.name)} = {self.merge.get(c.name) or 'excluded.' + quote_ident(c.name)}"
            for c in self.columns
            if c.name not in self.key and c.name not in self.keep
        ]
        target = ", ".join(quote_ident(k) for k in self.key)
        return f"ON CONFLICT ({target}) DO UPDATE SET {', '.join(sets)}"

    def rows(self, items: Iterable[T], stamp: Stamp) -> list[list[Any]]:
        return [[c.get(item, stamp) for c in self.columns] for item in items]

    def write(
        self, conn: duckdb.DuckDBPyConnection, items: Iterable[T], stamp: Stamp, *, upsert: bool = True
    ) -> None:
        """Insert the items' rows in one statement (upserting on the key unless ``upsert=False``:
        rows known to be new skip the conflict check)."""
        insert_rows(conn, self.head, self.types, self.rows(items, stamp), self.upsert if upsert else "")


def to_json(value: Any) -> str:
    """A JSON column's value (sorted keys, so equal mappings store equal text)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


# Rows per multi-row VALUES statement: bounds the statement's size in a large batch.
VALUES_ROWS = 500


def insert_rows(
    conn: duckdb.DuckDBPyConnection,
    head: str,
    types: Sequence[str],
    rows: Sequence[Sequence[Any]],
    tail: str = "",
) -> None:
    """``head`` + the rows as one ``SELECT`` statement; ``tail`` follows (ON CONFLICT).

    One statement per table and batch: ``executemany`` runs one statement per row, which made the
    load the slowest stage of the pipeline (about 80 ms CPU per article with its entities). The
    rows go in as ONE JSON parameter that DuckDB parses and casts column by column: binding each
    value from Python costs DuckDB about 5 us (it looks for pandas twice per value), 35 us per
    five-column row against 4 us through JSON. Rows with blobs go in as one multi-row ``VALUES``
    of scalar parameters (typed by the insert's target columns): a blob bound inside a list costs
    DuckDB about 20 ns per byte, 1 ms for a 48 KiB raw page, against 0.1 ms as a scalar. Values
    JSON cannot carry (NaN, infinity, other types) go in as one typed list per column instead,
    unnest zipping them back into rows.
    """
    if not rows:
        return
    if "BLOB" in types:
        width = "(" + ", ".join(["?"] * len(types)) + ")"
        for start in range(0, len(rows), VALUES_ROWS):
            chunk = rows[start : start + VALUES_ROWS]
            conn.execute(
                f"{head} VALUES {', '.join([width] * len(chunk))} {tail}", [v for row in chunk for v in row]
            )
        return
    try:
        data = json.dumps(rows, ensure_ascii=False, allow_nan=False, default=_json_value)
    except (TypeError, ValueError):
        pass
    else:
        select = ", ".join(_from_json(i, t) for i, t in enumerate(types))
        conn.execute(
            f"{head} SELECT {select} FROM (SELECT unnest(json_extract(?::JSON, '$[*]')) AS r) {tail}",
            [data],
        )
        return
    columns = [list(col) for col in zip(*rows, strict=True)]
    select = ", ".join(f"unnest(?::{t}[])" for t in types)
    conn.execute(f"{head} SELECT {select} {tail}", columns)


def id_list(ids: Iterable[str]) -> str:
    """The parameter of a query's ``IN (SELECT unnest(json_extract_string(?, '$[*]')))``.

    The ids go in as ONE JSON string: DuckDB's Python binding tries to import pandas twice for
    every value it binds, list elements included, and a failed import searches sys.path each
    time: a statement binding 77 ids as a list cost 9 ms CPU here, as one JSON string 0.3 ms.
    """
    return json.dumps(list(ids), ensure_ascii=False)


def _json_value(value: Any) -> str:
    if isinstance(value, datetime):  # naive ones are read in the session's zone (UTC), as bound
        return value.isoformat()
    raise TypeError(f"not for JSON: {type(value).__name__}")


def _from_json(i: int, sql_type: str) -> str:
    """Column ``i`` of a JSON row ``r`` as ``sql_type`` (the value DuckDB would bind)."""
    if sql_type == "VARCHAR":
        return f"r->>{i}"
    if sql_type.endswith("[]"):
        return f"(r->{i})::{sql_type}"
    return f"(r->>{i})::{sql_type}"
