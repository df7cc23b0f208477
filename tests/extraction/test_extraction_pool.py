"""Large batches are extracted in a process pool with the same results as in one process."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
from extraction_support import FIXTURES

from flows.stages import extract
from newswatch.derive import derive
from newswatch.records import Document, Fetch
from newswatch.settings import CopySettings, TopicSettings
from newswatch.topics import load_configured
from sources.batch import POOL_MIN_DOCUMENTS, Derivation, shutdown_pool

TAXONOMY = Path(__file__).resolve().parents[2] / "sources" / "topics.toml"


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


def test_pool_gives_the_same_articles_and_failures_as_one_process() -> None:
    docs = _docs()
    one = extract(docs, workers=1)
    try:
        two = extract(docs, workers=2)
    finally:
        shutdown_pool()
    assert len(one.articles) >= POOL_MIN_DOCUMENTS - 3
    key = [(a.article_id, a.title, a.content_hash, a.published_at) for a in one.articles]
    assert key == [(a.article_id, a.title, a.content_hash, a.published_at) for a in two.articles]
    assert [(f.url, f.outcome) for f in one.failures] == [(f.url, f.outcome) for f in two.failures]
    assert set(two.raw) == {a.article_id for a in two.articles}
    # the caller's fetch rows, not copies from the workers, carry the outcome
    assert docs[-1].fetch is not None and docs[-1].fetch.outcome == "empty"


def test_workers_derive_the_tags_entities_and_signatures_the_caller_would() -> None:
    docs = _docs()
    derivation = Derivation(TopicSettings(taxonomy=TAXONOMY), CopySettings())
    one = extract(docs, workers=1, derivation=derivation)
    assert one.derived == {}  # in the calling process: process_and_load derives
    try:
        two = extract(docs, workers=2, derivation=derivation)
    finally:
        shutdown_pool()
    here = derive(one.articles, load_configured(derivation.topics), derivation.copies)
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
    assert any(d.tags for d in here.values()) and any(d.entities for d in here.values())


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

    from sources.html import warm_up

    warm_up()
    assert external.JT_STOPLIST and "the" in external.JT_STOPLIST and "und" in external.JT_STOPLIST
    assert get_external_parser.cache_info().currsize == 1
