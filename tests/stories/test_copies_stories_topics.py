"""Copies, stories and topics on the seeds and real unrelated pages, as plain functions."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from nwtest import FIXTURES, SEED_000, SEED_003, page_html

from newswatch.clean import clean
from newswatch.copies.minhash import CopyIndex, assign_copies, signatures_for
from newswatch.extract.document import extract_html, parse_text
from newswatch.records import Article
from newswatch.settings import CopySettings, StorySettings, default_config_path, load_settings
from newswatch.stories.assign import StoryIndex, assign_stories
from newswatch.topics.taxonomy import load_taxonomy, tag_article

TAXONOMY = default_config_path().parent / "topics.toml"


SEEN = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def seed(path: Path, url: str | None = None) -> Article:
    return clean(
        parse_text(path.read_text(encoding="utf-8"), name=path.name),
        source="seeds",
        url=url or path.resolve().as_uri(),
        first_seen_at=SEEN,
    )


def republished(path: Path, url: str) -> Article:
    """The same text as a wire copy: a new headline, a dateline, other boilerplate."""
    original = path.read_text(encoding="utf-8")
    title, _, rest = original.partition("\n")
    text = (
        f"Wire: {title.upper()}\n\n"
        "Share on Facebook | Share on Twitter\n"
        f"ISLAMABAD (Agencies) - {rest.strip()}\n"
        "Follow us on Twitter for the latest updates\n"
        "Related articles\nChina, Pakistan sign deals\nOther news of the day\n"
    )
    return clean(parse_text(text, name=url), source="wire", url=url)


def page(name: str) -> Article:
    return clean(
        extract_html(page_html(name), url=f"https://example.org/{name}"),
        source="page",
        url=f"https://example.org/{name}",
    )


def test_a_copy_with_other_boilerplate_and_headline_is_a_copy() -> None:
    settings = CopySettings()
    index = CopyIndex(settings)
    originals = [seed(SEED_000), seed(SEED_003)]
    copies = [
        republished(SEED_000, "https://wire.example/a"),
        republished(SEED_003, "https://wire.example/b"),
    ]
    batch = originals + copies
    found = assign_copies(batch, index, signatures_for(batch, settings))
    assert {(m.article_id, m.copy_of) for m in found} == {
        (copies[0].article_id, originals[0].article_id),
        (copies[1].article_id, originals[1].article_id),
    }
    assert all(m.method in {"content_hash", "minhash"} for m in found)
    # Two different accounts of one event are not copies of each other.
    assert originals[0].copy_of is None and originals[1].copy_of is None


def test_the_seeds_are_one_story_and_an_unrelated_article_is_not() -> None:
    index = StoryIndex(StorySettings())
    articles = [
        seed(SEED_000),
        seed(SEED_003),
        page("bbc.com.52241221.html.gz"),
        page("abc7news.com-Napa.html.gz"),
    ]
    assignments, _ = assign_stories(articles, index)
    story = {a.article_id: a.story_id for a in articles}
    s0, s3 = story[articles[0].article_id], story[articles[1].article_id]
    assert s0 == s3
    assert story[articles[2].article_id] not in {s0}
    assert story[articles[3].article_id] not in {s0, story[articles[2].article_id]}
    joined = next(a for a in assignments if not a.is_new_story)
    shared = set(joined.evidence["shared_entities"])  # type: ignore[arg-type]
    assert {"Ishaq Dar", "Wang Yi", "Beijing"} <= shared


def test_story_ids_do_not_depend_on_the_run() -> None:
    first = [seed(SEED_000), seed(SEED_003)]
    again = [seed(SEED_003), seed(SEED_000)]  # other order in, same event-time order out
    assign_stories(first, StoryIndex(StorySettings()))
    assign_stories(again, StoryIndex(StorySettings()))
    assert {a.article_id: a.story_id for a in first} == {a.article_id: a.story_id for a in again}


def test_seed_topics() -> None:
    taxonomy = load_taxonomy(TAXONOMY)
    tags0 = {t.topic: t for t in tag_article(seed(SEED_000), taxonomy)}
    tags3 = {t.topic: t for t in tag_article(seed(SEED_003), taxonomy)}
    for tags in (tags0, tags3):
        assert {"terrorism", "diplomacy", "international-relations"} <= set(tags)
        assert tags["terrorism"].evidence and tags["terrorism"].score >= taxonomy.threshold
    assert "cpec" in tags3
    assert any("cpec" in e for e in tags3["cpec"].evidence)
    # A subtopic implies its parent.
    assert "conflict-war-peace" in tags0 and "politics-government" in tags0


def test_unrelated_page_gets_its_own_topics_not_the_seeds() -> None:
    taxonomy = load_taxonomy(TAXONOMY)
    tags = {t.topic for t in tag_article(page("bbc.com.52241221.html.gz"), taxonomy)}
    assert "health" in tags
    assert "terrorism" not in tags and "cpec" not in tags


def test_default_config_points_at_the_bundled_taxonomy() -> None:
    settings = load_settings(default_config_path(), env={})
    assert settings.topics.taxonomy == TAXONOMY.resolve()
    assert (FIXTURES / "pages" / "LICENSE.trafilatura.txt").exists()


@pytest.mark.parametrize(
    ("toml", "reason", "line"),
    [
        ('[[topic]]\nid = "a"\nterms = ["x"]\n\n[[topic]]\nid = "b"\nparent = "zzz"\n', "unknown parent", 7),
        ('[[topic]]\nid = "a"\nregex = ["(unclosed"]\n', "invalid regex", 3),
        ('[[topic]]\nid = "Bad Id"\n', "topic id must be", 2),
        ('[[topic]]\nid = "a"\niptc = "20000053"\n', "iptc code", 3),
        ('[[topic]]\nid = "a"\nterms = "x"\n', "terms must be a list", 3),
        ('[[topic]]\nid = "a"\nmystery = 1\n', "unknown key", 3),
    ],
)
def test_invalid_taxonomy_fails_with_file_line_and_reason(
    tmp_path: Path, toml: str, reason: str, line: int
) -> None:
    from newswatch.errors import ConfigError

    path = tmp_path / "t.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=reason) as info:
        load_taxonomy(path)
    assert str(info.value).startswith(f"{path}:{line}:")
