"""Named reports: ``reports/*.sql`` files whose header says what they are and what they take.

A named report starts with a header of ``--`` comment lines::

    -- report: Top stories of a day, most outlets first.
    -- param day DATE = today: the day (UTC)
    -- param limit INTEGER = 20: how many stories
    -- (more comment lines: notes for the reader)

``report:`` is the one-line description ``newswatch report`` lists; each ``param`` line gives a
name, a type (DATE, INTEGER, DOUBLE, VARCHAR, BOOLEAN), an optional default (``today`` for a
date, ``null`` for none) and a description. The query uses each parameter as ``$name``: values are
bound by DuckDB, never pasted into the SQL. Files without a ``report:`` line (the digest's
queries) are not named reports. Reports run on the sealed connection (:mod:`.sealed`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

import duckdb

from newswatch.errors import NewswatchError
from newswatch.warehouse.sealed import run_query

_REPORT = re.compile(r"^--\s*report:\s*(?P<description>.+?)\s*$")
_PARAM = re.compile(
    r"^--\s*param\s+(?P<name>[a-z_][a-z0-9_]*)\s+(?P<type>[A-Z]+)"
    r"(?:\s*=\s*(?P<default>[^:]+?))?\s*:\s*(?P<description>.+?)\s*$"
)
TYPES = {"DATE", "INTEGER", "DOUBLE", "VARCHAR", "BOOLEAN"}


class ReportError(NewswatchError):
    """A report that does not exist, or a parameter it does not take or cannot read."""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str
    default: str | None  # as written in the header; None: required
    description: str

    @property
    def required(self) -> bool:
        return self.default is None

    def value(self, text: str | None) -> Any:
        """``text`` (or the default) as the Python value DuckDB binds for this parameter's type."""
        raw = self.default if text is None else text
        if raw is None:
            raise ReportError(f"parameter {self.name!r} is required ({self.description})")
        if raw.strip().lower() == "null":
            return None
        try:
            if self.type == "DATE":
                return datetime.now(UTC).date() if raw == "today" else date.fromisoformat(raw)
            if self.type == "INTEGER":
                return int(raw)
            if self.type == "DOUBLE":
                return float(raw)
            if self.type == "BOOLEAN":
                if raw.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                    raise ValueError(raw)
                return raw.lower() in {"true", "1", "yes"}
        except ValueError as exc:
            raise ReportError(f"parameter {self.name}={raw!r}: expected {self.type.lower()}") from exc
        return raw


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    description: str
    params: tuple[Param, ...]
    sql: str

    def bind(self, given: dict[str, str]) -> dict[str, Any]:
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            takes = ", ".join(sorted(known)) or "no parameters"
            raise ReportError(f"report {self.name!r} takes {takes}; not {', '.join(unknown)}")
        return {p.name: p.value(given.get(p.name)) for p in self.params}


def parse_report(name: str, sql: str) -> Report | None:
    """The report in ``sql`` (None when the file has no ``report:`` header line)."""
    description, params = None, []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        if m := _REPORT.match(line):
            description = m.group("description")
        elif m := _PARAM.match(line):
            if m.group("type") not in TYPES:
                raise ReportError(
                    f"reports/{name}.sql: parameter {m.group('name')}: unknown type {m.group('type')}"
                )
            default = m.group("default")
            params.append(Param(m.group("name"), m.group("type"), default.strip() if default else None,
                                m.group("description")))  # fmt: skip
    if description is None:
        return None
    return Report(name, description, tuple(params), sql)


def reports() -> dict[str, Report]:
    """Every named report shipped under ``reports/``, by name."""
    root = resources.files("newswatch.warehouse").joinpath("reports")
    out = {}
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".sql"):
            continue
        name = entry.name.removesuffix(".sql")
        report = parse_report(name, entry.read_text(encoding="utf-8"))
        if report is not None:
            out[name] = report
    return out


def get_report(name: str) -> Report:
    found = reports()
    if name not in found:
        raise ReportError(f"no report {name!r}; the reports are: {', '.join(found)}")
    return found[name]


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``key=value`` strings (``--param`` options) as a dict; a malformed one is an error."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ReportError(f"--param {pair!r}: expected key=value")
        out[key.strip()] = value
    return out


def run_report(
    conn: duckdb.DuckDBPyConnection, name: str, given: dict[str, str] | None = None
) -> tuple[list[str], list[tuple[object, ...]]]:
    """Run the report ``name`` with ``given`` parameters (text, as typed) on a sealed connection."""
    report = get_report(name)
    return run_query(conn, report.sql, report.bind(given or {}))
