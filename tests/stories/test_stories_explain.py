"""`newswatch story ID`: members, outlets, evidence and the facts on which versions differ."""

from __future__ import annotations

import json
from pathlib import Path

from stories_support import FIXTURES, SEEDS, ingest_paths
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.settings import Settings
from newswatch.stories.facts import differences
from newswatch.warehouse.db import connect


def test_the_seeds_differ_on_the_date_of_the_talks() -> None:
    versions = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    found = [(d.kind, d.a.value, d.b.value) for d in differences(versions)]
    assert ("date", "December 4", "January 4") in found
    # The visit's span (January 3 to January 5) is not a contradiction of its own.
    assert not any("January 3" in (a, b) or "January 5" in (a, b) for _, a, b in found)


def test_figures_and_role_holders_that_disagree_are_found_and_agreeing_ones_are_not() -> None:
    a = "The blast killed five people in Quetta, Interior Minister Mohsin Naqvi said on Tuesday."
    b = "The blast killed 7 people in Quetta, Interior Minister Talal Chaudhry said on Tuesday."
    c = "The blast killed five people in Quetta, Interior Minister Mohsin Naqvi told reporters."
    found = {(d.kind, d.role, d.a.value, d.b.value) for d in differences([("a", a), ("b", b)])}
    assert ("number", "people", "5", "7") in found
    assert ("name", "interior minister", "Mohsin Naqvi", "Talal Chaudhry") in found
    assert differences([("a", a), ("c", c)]) == []


def test_story_command_shows_members_outlets_evidence_and_differences(tmp_path: Path) -> None:
    db = tmp_path / "nw.duckdb"
    conn = connect(db)
    ingest_paths(conn, [SEEDS, FIXTURES / "seeds_plus"], Settings())
    (sid,) = conn.execute("SELECT story_id FROM stories").fetchone()  # type: ignore[misc]
    conn.close()
    result = CliRunner().invoke(app, ["story", sid, "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert sid in out and "wire-mirror.example" in out and "regional-daily.example" in out
    assert out.count("copy of a_") == 2
    # The evidence: the joining member's shared names (the 12 rarest; which seed joins and which
    # opens depends on ids, i.e. on the checkout's path, so any of the event's own names will do).
    evidence = next(line for line in out.splitlines() if "shared names:" in line)
    assert any(n in evidence for n in ("Ishaq Dar", "Wang Yi", "Beijing", "Taliban", "TTP")), evidence
    # member order follows ids (hashes of the file paths), so either account may come first
    assert "December 4 vs January 4" in out or "January 4 vs December 4" in out
    data = json.loads(CliRunner().invoke(app, ["story", sid, "--db", str(db), "-f", "json"]).output)
    assert data["article_count"] == 2 and data["version_count"] == 4
    assert len(data["members"]) == 4


def test_story_command_follows_a_merged_id_and_fails_clearly_on_an_unknown_one(tmp_path: Path) -> None:
    db = tmp_path / "nw.duckdb"
    conn = connect(db)
    ingest_paths(conn, [SEEDS], Settings())
    (sid,) = conn.execute("SELECT story_id FROM stories").fetchone()  # type: ignore[misc]
    conn.execute("INSERT INTO story_merges VALUES ('s_gone', ?, 'a_x', 0.5, now())", [sid])
    conn.close()
    result = CliRunner().invoke(app, ["story", "s_gone", "--db", str(db)])
    assert result.exit_code == 0 and f"Story {sid}" in result.output
    assert "s_gone was merged into this story" in result.output
    missing = CliRunner().invoke(app, ["story", "s_nope", "--db", str(db)])
    assert missing.exit_code != 0
