"""Share bars flattened into a paragraph are removed; sentences that name networks are not."""

from __future__ import annotations

import pytest

from newswatch.clean import strip_boilerplate, strip_share_bars


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "By James Whittaker - May 4, 2022 Share Facebook Twitter WhatsApp Email Telegram A senior "
            "prison official has said",
            "By James Whittaker - May 4, 2022 A senior prison official has said",
        ),
        ("Share this article Facebook Twitter Email\nNext paragraph.", "\nNext paragraph."),
        (
            "He posted it on Facebook, Twitter and WhatsApp.",
            "He posted it on Facebook, Twitter and WhatsApp.",
        ),
        ("Follow the Facebook Twitter feud", "Follow the Facebook Twitter feud"),  # two names: a phrase
        ("Print Email Share", "Print Email Share"),  # no network: not taken for a bar
        ("facebook twitter whatsapp users", "facebook twitter whatsapp users"),  # not capitalised
    ],
)
def test_share_bars(text: str, expected: str) -> None:
    assert strip_share_bars(text) == expected


def test_cleaning_drops_the_bar_from_the_body() -> None:
    body = "Lead paragraph by a writer. Share Facebook Twitter LinkedIn The story goes on.\nSecond."
    assert strip_boilerplate(body) == "Lead paragraph by a writer. The story goes on.\nSecond."
