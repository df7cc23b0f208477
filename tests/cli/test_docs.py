"""Like sqlite-utils' test_docs.py: every command and option has help text, every command is in the
README's commands table, the exit codes are documented, and docs/analysis.md shows the analyst's
commands with their output."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer.main
from nwtest import ROOT

from newswatch.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
ANALYSIS = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")


# typer ships its own click (typer._click): commands are walked by shape, not by class.
def walk(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    if hasattr(group, "commands"):
        for name, cmd in sorted(group.commands.items()):
            path = f"{prefix} {name}".strip()
            out.append((path, cmd))
            out.extend(walk(cmd, path))
    return out


COMMANDS = walk(typer.main.get_command(app))


def test_the_walk_finds_the_commands() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"run", "sql", "search", "report", "export", "runs", "sources", "sources discover"} <= names


@pytest.mark.parametrize(("name", "cmd"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_and_option_has_help(name: str, cmd: Any) -> None:
    assert cmd.help and len(cmd.help) > 30, name
    for param in cmd.params:
        if param.param_type_name == "option" and param.name != "help":
            assert param.help, f"newswatch {name} {param.opts[0]} has no help text"


@pytest.mark.parametrize("name", [n for n, _ in COMMANDS])
def test_every_command_is_in_the_readme_commands_table(name: str) -> None:
    pattern = rf"^\| `newswatch {re.escape(name)}\b"
    assert re.search(pattern, README, re.M), f"`newswatch {name}` is not in the README's commands table"


def test_exit_codes_are_documented() -> None:
    section = README[README.index("### Exit codes") :]
    for code in ("0", "1", "2"):
        assert re.search(rf"^\| {code} \|", section, re.M), code


@pytest.mark.parametrize("name", ["search", "report", "export", "sql", "runs"])
def test_the_analysts_commands_are_shown_with_output(name: str) -> None:
    shown = re.search(rf"^\$ newswatch {name}\b", ANALYSIS, re.M)
    assert shown, f"docs/analysis.md shows no `newswatch {name}` with its output"
