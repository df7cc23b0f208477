"""Copies: the canonical version is the earliest published, ties go to the most complete text."""

from __future__ import annotations

from datetime import UTC, datetime

from stories_support import SEEDS

from newswatch.clean import clean
from newswatch.copies.minhash import CopyIndex, assign_copies, signatures_for
from newswatch.extract.document import parse_text
from newswatch.records import Article
from newswatch.settings import CopySettings

WHEN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SEED = next(iter(sorted(SEEDS.glob("*.txt"))))


def version(url: str, extra: str = "", minute: int = 0) -> Article:
    text = SEED.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    art = clean(parse_text(f"{title}\n\n{body.strip()}\n\n{extra}", name=url), source=url, url=url)
    art.published_at = WHEN.replace(minute=minute)
    return art


def test_at_the_same_time_the_most_complete_text_is_canonical_whatever_the_order() -> None:
    longer_text = (
        "Officials in Islamabad said a further round of talks would follow within weeks of the statement."
    )
    short, longer = version("https://a.example/1"), version("https://b.example/2", longer_text)
    for order in ([short, longer], [longer, short]):
        for a in order:
            a.copy_of = None
        index = CopyIndex(CopySettings())
        found = assign_copies(order, index, signatures_for(order, CopySettings()))
        assert [(m.article_id, m.copy_of) for m in found] == [(short.article_id, longer.article_id)]


def test_the_earliest_published_is_canonical_even_when_shorter() -> None:
    early = version("https://a.example/1", minute=0)
    late = version("https://b.example/2", "A longer text that was published later than the other.", minute=30)
    batch = [late, early]
    found = assign_copies(batch, CopyIndex(CopySettings()), signatures_for(batch, CopySettings()))
    assert [(m.article_id, m.copy_of) for m in found] == [(late.article_id, early.article_id)]
