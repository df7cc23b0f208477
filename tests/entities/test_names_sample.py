"""Scoring against hand labels, and the labelled sample of fixture pages (tests/fixtures/names)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newswatch.clean import clean
from newswatch.driver.derive import entity_text
from newswatch.entities.evaluate import LabelledPage, Score, read_labels, score_page
from newswatch.entities.names import extract_entities
from newswatch.extract.document import extract_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_scoring_counts_aliases_neutral_names_and_kinds() -> None:
    page = LabelledPage(
        "p",
        "dev",
        (("Thomas Malone", "person", ("Malone",)), ("MIT", "organisation", ())),
        ("The Future of Work",),
    )
    s = score_page(
        page, [("Thomas Malone", "person"), ("Malone", "other"), ("Future", "other"), ("AI", "other")]
    )
    assert (s.predicted, s.correct, s.duplicates, s.found, s.gold, s.kind_right) == (3, 2, 1, 1, 2, 1)
    assert s.false == ["p: AI (other)"] and s.missed == ["p: MIT"]
    assert s.precision == pytest.approx(2 / 3) and s.recall == 0.5


def test_bad_label_lines_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text('{"page": "a", "split": "dev", "entities": []}\n{"page": "b"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"labels.jsonl:2: not a labelled page"):
        read_labels(path)


@pytest.mark.slow
def test_the_labelled_samples_keep_their_precision_and_recall() -> None:
    first, second = Score(), Score()
    for page in read_labels(FIXTURES / "names" / "labels.jsonl"):
        html = gzip.decompress((FIXTURES / "news_html" / f"{page.page}.html.gz").read_bytes()).decode(
            "utf-8", "replace"
        )
        url = f"https://example.org/{page.page}"
        art = clean(extract_html(html, url=url), source="test", url=url)
        score = score_page(page, [(e.name, e.kind) for e in extract_entities(art.title, entity_text(art))])
        if page.split in ("dev", "report"):
            first.add(score)
        elif page.page != "harpers.org.justice":  # a list of 152 signatories, apart (bench/names.py)
            second.add(score)
    # Both splits of each sample together (bench/names.py reports them apart). Before this stage's
    # precision work the first sample scored P 0.62, R 0.79; the second, labelled later, scored
    # P 0.68, R 0.89 with the rules it was first read with, P 0.80, R 0.97 now.
    assert first.precision >= 0.78 and first.recall >= 0.88, (first.precision, first.recall)
    assert second.precision >= 0.76 and second.recall >= 0.94, (second.precision, second.recall)
