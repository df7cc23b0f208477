"""`newswatch tag`: tags and entities of one article, and taxonomy errors with file and line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from newswatch.cli import app

TAXONOMY = Path(__file__).resolve().parents[2] / "sources" / "topics.toml"


def test_tag_prints_topics_evidence_and_entities() -> None:
    result = CliRunner().invoke(
        app,
        [
            "tag",
            "Pakistan, China press TTP over attacks",
            "-b",
            "Ishaq Dar met Wang Yi in Beijing.",
            "-t",
            str(TAXONOMY),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "terrorism" in result.output and "title: ttp ×1" in result.output
    assert "Beijing ×1 CN [geonames:1816670]" in result.output
    assert "Tehrik-e-Taliban Pakistan ×1 PK" in result.output


def test_tag_reports_an_invalid_taxonomy(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[topic]]\nid = "a"\nregex = ["(x"]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["tag", "x", "-t", str(bad)])
    assert result.exit_code != 0
    assert f"{bad}:3: invalid regex" in result.output.replace("\n", "")


def test_tag_has_help() -> None:
    result = CliRunner().invoke(app, ["tag", "--help"])
    assert result.exit_code == 0 and "evidence" in result.output


def test_tag_cleans_the_text_as_ingestion_does() -> None:
    """Share bars and comment footers are cleaned away before tagging, so their words name no
    entity (``newswatch tag`` used to read the raw text)."""
    body = (
        "Ishaq Dar met Wang Yi in Beijing on Thursday.\n\n"
        "Share Facebook Twitter WhatsApp Email Telegram\n\n"
        "For more information, please see our Comments FAQ"
    )
    result = CliRunner().invoke(app, ["tag", "Talks in Beijing", "-b", body, "-t", str(TAXONOMY)])
    assert result.exit_code == 0, result.output
    assert "Beijing" in result.output
    for furniture in ("WhatsApp", "Telegram", "FAQ"):
        assert furniture not in result.output, furniture


def test_tag_says_when_the_text_is_not_english() -> None:
    body = (
        "Die Europäische Zentralbank hat den Leitzins am Donnerstag gesenkt. Präsidentin Christine "
        "Lagarde sagte in Frankfurt, die Inflation im Euroraum sei deutlich zurückgegangen."
    )
    result = CliRunner().invoke(app, ["tag", "EZB senkt den Leitzins", "-b", body, "-t", str(TAXONOMY)])
    assert result.exit_code == 0, result.output
    assert "language: de" in result.output and "Frankfurt am Main" in result.output
    assert "economy" not in result.output and "Leitzins" not in result.output


def test_tag_reads_a_file_in_another_character_set_as_ingestion_does(tmp_path: Path) -> None:
    text = (
        "Caf\xe9 owners in Montr\xe9al protested on Tuesday against a new tax on terraces. The owners "
        "said the city's d\xe9cision would cost them customers through the summer, and the mayor's "
        "office replied that the tax would pay for wider pavements in the old quarter."
    )
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(text.encode("cp1252"))
    args = ["tag", "Montreal cafes protest", "--file", str(latin1), "-t", str(TAXONOMY)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Montr\xe9al" in result.output


def test_tag_reports_a_file_that_is_not_text(tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    result = CliRunner().invoke(app, ["tag", "x", "--file", str(binary), "-t", str(TAXONOMY)])
    assert result.exit_code == 2, result.output
    assert "photo.txt" in result.output and "binary content" in result.output.replace("\n", " ")
