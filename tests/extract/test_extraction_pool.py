"""Large batches are extracted in a process pool with the same results as in one process: the same
articles, derived results and stored pages, and in the end the same warehouse."""

from __future__ import annotations

import copy
import gzip
from pathlib import Path

import duckdb
import numpy as np
import pytest
from extraction_support import FIXTURES

from newswatch.driver.derive import derive
from newswatch.driver.pool import POOL_MIN_DOCUMENTS, Derivation, shutdown_pool
from newswatch.driver.stages import Extraction, extract, load_in_batches, prepare_load
from newswatch.rawstore import decode_raw, stored_raw
from newswatch.records import Document, Fetch, RunStats
from newswatch.settings import CopySettings, Settings, TopicSettings, WarehouseSettings
from newswatch.topics.taxonomy import load_configured
from newswatch.warehouse.db import connect

TAXONOMY = Path(__file__).resolve().parents[2] / "sources" / "topics.toml"
DERIVATION = Derivation(TopicSettings(taxonomy=TAXONOMY), CopySettings())
# Columns that say when a row was written or by which run: the only ones allowed to differ.
WHEN = {
    *("first_seen_at", "last_seen_at", "updated_at", "run_id"),
    *("fetched_at", "stored_at", "assigned_at", "applied_at"),
}


def _docs() -> list[Document]:
    pages = sorted(FIXTURES.glob("*.html.gz"))[:POOL_MIN_DOCUMENTS]
    docs = [
        Document(
            "t", f"https://pages.example.org/{p.name}", gzip.decompress(p.read_bytes()), "text/html", None
        )
        for p in pages
    ]
    docs.append(Document("t", "https://pages.example.org/empty", b"", "text/html", Fetch("u", "t")))
    return docs


@pytest.fixture(scope="module")
def extractions() -> tuple[list[Document], Extraction, Extraction]:
    """The same documents extracted in this process and in a pool of two workers (deriving)."""
    docs = _docs()
    one = extract(docs, workers=1, derivation=DERIVATION)
    try:
        two = extract(docs, workers=2, derivation=DERIVATION)
    finally:
        shutdown_pool()
    return docs, one, two


def test_pool_gives_the_same_articles_and_failures_as_one_process(
    extractions: tuple[list[Document], Extraction, Extraction],
) -> None:
    docs, one, two = extractions
    assert len(one.articles) >= POOL_MIN_DOCUMENTS - 3
    key = [(a.article_id, a.title, a.content_hash, a.published_at) for a in one.articles]
    assert key == [(a.article_id, a.title, a.content_hash, a.published_at) for a in two.articles]
    assert [(f.url, f.outcome) for f in one.failures] == [(f.url, f.outcome) for f in two.failures]
    assert set(two.raw) == {a.article_id for a in two.articles}
    # the caller's fetch rows, not copies from the workers, carry the outcome
    assert docs[-1].fetch is not None and docs[-1].fetch.outcome == "empty"


def test_workers_derive_what_the_caller_would(
    extractions: tuple[list[Document], Extraction, Extraction],
) -> None:
    _, one, two = extractions
    assert one.derived == {}  # in the calling process: process_and_load derives
    here = derive(one.articles, load_configured(DERIVATION.topics), DERIVATION.copies)
    assert set(two.derived) == set(here) and len(here) >= POOL_MIN_DOCUMENTS - 3
    for aid, mine in here.items():
        theirs = two.derived[aid]
        assert (theirs.content_hash, theirs.tags, theirs.entities) == (
            mine.content_hash,
            mine.tags,
            mine.entities,
        )
        assert (theirs.signature is None) == (mine.signature is None)
        assert theirs.signature is None or np.array_equal(theirs.signature, mine.signature)
        # Story text features, in the same order too: ties between terms are broken by it.
        assert theirs.story == mine.story
        assert list(theirs.story.terms.items()) == list(mine.story.terms.items())
        assert list(theirs.story.entities.items()) == list(mine.story.entities.items())
    assert any(d.tags for d in here.values()) and any(d.entities for d in here.values())
    assert all(d.story.terms for d in here.values()) and any(d.story.entities for d in here.values())


def test_workers_make_the_stored_form_of_the_pages_the_loader_would(
    extractions: tuple[list[Document], Extraction, Extraction],
) -> None:
    docs, one, two = extractions
    assert all(r.stored is None for r in one.raw.values())  # in the calling process: the loader makes it
    pages = {d.url: d.content for d in docs}
    assert set(two.raw) == set(one.raw)
    for aid, raw in two.raw.items():
        assert raw.content == one.raw[aid].content == pages[raw.url]  # the caller's own bytes
        assert raw.stored == stored_raw(raw.content)
        assert raw.stored is not None and decode_raw(raw.stored.frame) == raw.content


def _contents(conn: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every table's rows, sorted, without the columns that say when or by which run."""
    out = {}
    tables = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
    ).fetchall()
    for (table,) in tables:
        columns = [
            c
            for (c,) in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
            if c not in WHEN
        ]
        out[table] = sorted(
            repr(r) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        )
    return out


def test_the_pool_loads_the_same_warehouse_as_one_process(
    extractions: tuple[list[Document], Extraction, Extraction], tmp_path: Path
) -> None:
    settings = Settings(topics=DERIVATION.topics, warehouse=WarehouseSettings(batch_size=16))
    taxonomy = load_configured(settings.topics)
    contents = []
    for name, extraction in zip(("one", "two"), extractions[1:], strict=True):
        extraction = copy.deepcopy(extraction)  # loading sets ids of copies and stories on articles
        conn = connect(tmp_path / f"{name}.duckdb")
        stats = RunStats(run_id=f"r_{name}")
        ordered, indexes = prepare_load(conn, extraction, [], settings=settings, stats=stats)
        load_in_batches(
            conn, ordered, extraction, settings=settings, taxonomy=taxonomy, indexes=indexes, stats=stats
        )
        contents.append(_contents(conn))
        conn.close()
    one, two = contents
    assert one == two
    assert len(one["articles"]) >= POOL_MIN_DOCUMENTS - 3
    for table in ("story_links", "raw_documents", "copy_signatures"):
        assert len(one[table]) == len(one["articles"])
    assert one["article_topics"] and one["article_entities"] and one["stories"]


def test_a_merged_extraction_keeps_what_was_derived_for_the_last_read_of_an_id_only() -> None:
    """One URL in two extraction batches (the pool's, then a small one): the last article wins in
    event order, so what the pool derived from the first read must not be used for it."""
    from newswatch.clean import clean
    from newswatch.driver.derive import Derived
    from newswatch.records import Extracted
    from newswatch.stories.assign import text_features

    def read(title: str) -> Extraction:
        art = clean(Extracted(title=title, body="Same body."), source="t", url="https://t.example/1")
        return Extraction(articles=[art])

    first, second = read("Old headline"), read("New headline")
    old = first.articles[0]
    first.derived[old.article_id] = Derived(old.content_hash, [], [], None, text_features(old))
    assert Extraction.merge([first, second]).derived == {}
    assert Extraction.merge([second, first]).derived == first.derived


def test_an_edited_taxonomy_file_gets_workers_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(TAXONOMY.read_text(encoding="utf-8"), encoding="utf-8")
    before = Derivation.of(TopicSettings(taxonomy=path), CopySettings())
    assert before.stamp and before == Derivation.of(TopicSettings(taxonomy=path), CopySettings())
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = Derivation.of(TopicSettings(taxonomy=path), CopySettings())
    assert after.key() != before.key()  # the pool and the workers' taxonomy are made anew


def test_warm_up_builds_the_one_time_tables_pool_workers_start_with() -> None:
    import trafilatura.external as external
    from htmldate.extractors import get_external_parser

    from newswatch.extract.html import warm_up

    warm_up()
    assert external.JT_STOPLIST and "the" in external.JT_STOPLIST and "und" in external.JT_STOPLIST
    assert get_external_parser.cache_info().currsize == 1
