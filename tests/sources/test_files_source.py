import json
from pathlib import Path

from nwtest import SEED_000, SEED_003, SEEDS

from newswatch.driver.stages import extract, read
from newswatch.extract.document import parse_text
from newswatch.records import Document, Fetch
from newswatch.settings import Settings, SourceSpec
from newswatch.sources.registry import SourceContext


def _read(path: Path) -> tuple[list[Document], list[Fetch]]:
    spec = SourceSpec(name="t", kind="files", path=path)
    haul = read(spec, SourceContext(settings=Settings()))
    return haul.documents, haul.fetches


def test_plain_text_title_deck_and_body() -> None:
    seed3 = parse_text(SEED_003.read_text(encoding="utf-8"), name="003")
    assert seed3.title == "Pakistan, China press Taliban for verifiable action on terror"
    assert seed3.deck is not None and seed3.deck.startswith("Joint communique of 7th Strategic Dialogue")
    assert seed3.body.startswith("Pakistan and China on Monday delivered")
    seed0 = parse_text(SEED_000.read_text(encoding="utf-8"), name="000")
    assert seed0.deck is None  # a blank line follows the title: no deck
    assert seed0.body.startswith("In a significant diplomatic development")


def test_seeds_become_clean_articles() -> None:
    docs, fetches = _read(SEEDS)
    assert len(docs) == 2 and fetches == []
    out = extract(docs)
    assert out.failures == []
    by_title = {a.title: a for a in out.articles}
    seed3 = by_title["Pakistan, China press Taliban for verifiable action on terror"]
    assert "COMMENTS" not in seed3.body and "Comments are moderated" not in seed3.body
    assert "Comments FAQ" not in seed3.body
    assert "Joint communique of 7th" not in seed3.body  # the deck is not body
    assert seed3.body.endswith("on mutually convenient dates.")
    assert seed3.language == "en"
    seed0 = by_title[next(t for t in by_title if t.startswith("Pakistan and China call"))]
    assert "‘visible and verifiable’" in seed0.title  # typography kept in stored text
    assert seed0.word_count > 250


def test_bad_files_are_recorded_with_reasons_never_crash(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A headline\n\nA body that is long enough to keep.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("\n\n   \n", encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20)
    (folder / "title-only.txt").write_text("Just a headline\n", encoding="utf-8")
    (folder / "no-title.txt").write_text("x" * 1000 + "\n\nbody\n", encoding="utf-8")
    (folder / "report.pdf").write_bytes(b"%PDF-1.7")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    (folder / ".hidden.txt").write_text("Hidden\n\nignored\n", encoding="utf-8")
    lines = [
        json.dumps({"url": "https://example.org/a", "title": "Record A", "body": "Text A."}),
        "{oops",
        json.dumps(["not", "an", "object"]),
        json.dumps({"url": "https://example.org/b", "body": "no title"}),
    ]
    (folder / "items.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    docs, fetches = _read(folder)
    out = extract(docs)
    outcomes = {
        Path(f.url.split("#")[0]).name + (("#" + f.url.split("#")[1]) if "#" in f.url else ""): (
            f.outcome,
            f.error,
        )
        for f in fetches + out.failures
    }
    assert outcomes["empty.txt"][0] == "empty"
    assert outcomes["blank.md"][0] == "empty"
    assert outcomes["image.txt"][0] == "binary"
    assert outcomes["title-only.txt"][0] == "no_body"
    assert outcomes["no-title.txt"][0] == "no_title"
    assert outcomes["report.pdf"][0] == "unsupported"
    assert outcomes["broken.json"][0] == "bad_record"
    assert outcomes["items.jsonl#line=2"][0] == "bad_record"
    assert outcomes["items.jsonl#line=3"][0] == "bad_record"
    assert all(error for outcome, error in outcomes.values() if outcome != "ok")
    assert ".hidden.txt" not in outcomes
    titles = sorted(a.title for a in out.articles)
    assert titles == ["A headline", "Record A"]
    # every input is accounted for: an article or a row with a reason
    no_title_record = [f for f in out.failures if f.url == "https://example.org/b"]
    assert no_title_record and no_title_record[0].outcome == "no_title"


def test_csv_records_with_common_headers(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(
        "ID,TITLE,URL,PUBLISHER,TIMESTAMP\n"
        "1,Fed official says weak data caused by weather,"
        "http://example.com/1,Los Angeles Times,1394470370698\n",
        encoding="utf-8",
    )
    docs, fetches = _read(path)
    assert [f.outcome for f in fetches] == ["ok"]
    out = extract(docs)
    (art,) = out.articles
    assert art.title.startswith("Fed official")
    assert art.source == "Los Angeles Times" and art.origin == "t"
    assert art.published_at is not None and art.published_at.isoformat().startswith("2014-03-10T")
    assert art.url == "http://example.com/1"


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\ntitle: Front title\nsource: Dawn\npublished_at: 2026-01-05T10:00:00+05:00\n"
        "url: https://example.org/x\n---\n# Front title\n\nBody paragraph one.\n\nBody two.\n",
        encoding="utf-8",
    )
    docs, _ = _read(path)
    (art,) = extract(docs).articles
    assert art.title == "Front title" and art.source == "Dawn"
    assert art.canonical_url == "https://example.org/x"
    assert art.published_at is not None and art.published_at.hour == 5  # stored as UTC
    assert art.body == "Body paragraph one.\n\nBody two."


def test_missing_path_is_recorded(tmp_path: Path) -> None:
    docs, fetches = _read(tmp_path / "nowhere")
    assert docs == [] and [f.outcome for f in fetches] == ["missing"]
