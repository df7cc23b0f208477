"""Cleaning's furniture patterns: prompts and credits go, prose that mentions the same words stays."""

from __future__ import annotations

import pytest

from newswatch.clean import clean, strip_boilerplate
from newswatch.records import Extracted

PROSE = "The council voted 7 to 2 on Tuesday to delay the budget until the audit is finished."


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe now to our eNATION edition for the full story.",
        "To view the full story, please subscribe to The Haitian Times.",
        "If you're seeing this message but you're already a subscriber, you can log in.",
        "Never miss the latest news by signing up to our newsletter here.",
        "Follow The Gleaner on Twitter and Instagram @JamaicaGleaner.",
        "For the latest stories download the Nationnews apps for iOS and Android.",
        "This article is the copyrighted property of Breaking Belize News.",
        "Written permission must be obtained before reprint in online or print media.",
        "Lea también: Impiden ingreso a Nicaragua a reportero estadounidense",
        "Credit: Getty Images",
        "We want to hear what you think about this article.",
        "(Credit: Clara Diaz / Example Wire)",
        "(Photo credit: City Council)",
        "Get The Daily Example's Morning Edition by email and never miss our top stories Free Sign Up",
    ],
)
def test_furniture_lines_are_dropped(line: str) -> None:
    assert strip_boilerplate(f"{PROSE}\n{line}\n{PROSE} Again.") == f"{PROSE}\n{PROSE} Again."


@pytest.mark.parametrize(
    "line",
    [
        "Voters who subscribe to the idea of a full recount say the story is not over, officials said.",
        "She followed the money for two years before publishing the investigation on the port deal.",
        "The minister said the permission to build was granted in 2019 after a public consultation.",
        "Lenders tightened credit (and raised rates: twice) as the audit went on, the bank said.",
        "Get the facts by email and in person, the mayor told residents at the packed meeting on Monday.",
    ],
)
def test_prose_is_kept(line: str) -> None:
    assert line in strip_boilerplate(f"{PROSE}\n{line}")


def test_deck_that_repeats_the_lead_is_not_a_deck() -> None:
    body = f"{PROSE} More words follow here.\n\nA second paragraph with other words."
    ex = Extracted(title="Budget delayed", body=body, deck=PROSE[:60] + "...", provenance={"deck": "meta"})
    art = clean(ex, source="t", url="https://x.example/a")
    assert art.deck is None and "deck" not in art.provenance
    assert art.body.startswith(PROSE)  # the lead paragraph stays in the body
    real = clean(
        Extracted(title="Budget delayed", body=body, deck="Why the council waited", provenance={}),
        source="t",
        url="https://x.example/a",
    )
    assert real.deck == "Why the council waited"
