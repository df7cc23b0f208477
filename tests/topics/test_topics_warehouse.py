"""Topics and entities in a real DuckDB warehouse: the stage, the migration and the roll-up views."""

from __future__ import annotations

from pathlib import Path

import duckdb

from newswatch.driver.stages import event_order, extract, load_indexes, process_and_load, read
from newswatch.records import RunStats
from newswatch.settings import Settings, SourceSpec
from newswatch.sources.registry import SourceContext
from newswatch.topics.taxonomy import Taxonomy, tag_article
from newswatch.warehouse.db import connect, migrations
from newswatch.warehouse.loader import sync_topics

SEEDS = Path(__file__).resolve().parents[2] / "sources" / "seeds"


def load_seeds(db: Path, taxonomy: Taxonomy) -> duckdb.DuckDBPyConnection:
    settings = Settings(sources=(SourceSpec(name="seeds", kind="files", path=SEEDS),))
    conn = connect(db)
    sync_topics(conn, [(t.id, t.label, t.iptc, t.parent, t.description) for t in taxonomy.topics])
    haul = read(settings.sources[0], SourceContext(settings=settings))
    ex = extract(haul.documents)
    ordered = event_order(ex.articles)
    stats = RunStats(run_id="r1")
    indexes = load_indexes(conn, settings, ordered)
    process_and_load(conn, ordered, ex, settings=settings, taxonomy=taxonomy, indexes=indexes, stats=stats)
    return conn


def test_seeds_load_topics_entities_and_rollups(tmp_path: Path, taxonomy: Taxonomy) -> None:
    conn = load_seeds(tmp_path / "w.duckdb", taxonomy)
    ents = dict(conn.execute("SELECT name, country_code FROM entities").fetchall())
    for name in ["Pakistan", "China", "Afghanistan", "Ishaq Dar", "Wang Yi", "Taliban", "Beijing", "Gwadar"]:
        assert name in ents, name
    assert ents["Beijing"] == "CN" and ents["Gwadar"] == "PK"
    aliases = conn.execute("SELECT aliases FROM entities WHERE name = 'Tehrik-e-Taliban Pakistan'").fetchone()
    assert aliases is not None and "TTP" in aliases[0]
    # Counts per article, keyed by entity id; every row's entity exists.
    rows = conn.execute(
        "SELECT count(*), count(e.entity_id), sum(mentions) FROM article_entities LEFT JOIN entities e "
        "USING (entity_id)"
    ).fetchone()
    assert rows is not None and rows[0] == rows[1] and rows[2] > rows[0]
    # Every stored tag has evidence; a subtopic's parent is there too.
    assert conn.execute("SELECT count(*) FROM article_topics WHERE len(evidence) = 0").fetchone() == (0,)
    story = conn.execute(
        "SELECT topic, articles, share, iptc_code, parent FROM story_topics WHERE topic = 'terrorism'"
    ).fetchall()
    assert story == [("terrorism", 2, 1.0, "medtop:20000053", "conflict-war-peace")]
    top = conn.execute(
        "SELECT entity, articles FROM story_entities ORDER BY mentions DESC, entity LIMIT 2"
    ).fetchall()
    assert {e for e, _ in top} == {"Pakistan", "China"} and all(n == 2 for _, n in top)


def test_stored_tags_keep_the_order_tagging_gave_them(tmp_path: Path, taxonomy: Taxonomy) -> None:
    conn = load_seeds(tmp_path / "w.duckdb", taxonomy)
    settings = Settings(sources=(SourceSpec(name="seeds", kind="files", path=SEEDS),))
    haul = read(settings.sources[0], SourceContext(settings=settings))
    for article in extract(haul.documents).articles:
        stored = conn.execute(
            "SELECT topic, rank FROM article_topics WHERE article_id = ? ORDER BY rank", [article.article_id]
        ).fetchall()
        tags = tag_article(article, taxonomy)
        assert [(t.topic, i) for i, t in enumerate(tags, 1)] == stored
        # Its lead: the first top-level tag (the classifier's), whatever the lexicon's scores.
        top = next(t.topic for t in tags if taxonomy.by_id[t.topic].parent is None)
        lead = conn.execute(
            "SELECT topic FROM article_lead_topics WHERE article_id = ?", [article.article_id]
        )
        assert lead.fetchone() == (top,)


def test_reload_is_idempotent(tmp_path: Path, taxonomy: Taxonomy) -> None:
    db = tmp_path / "w.duckdb"
    conn = load_seeds(db, taxonomy)
    before = conn.execute("SELECT count(*), sum(mentions) FROM article_entities").fetchone()
    n_entities = conn.execute("SELECT count(*) FROM entities").fetchone()
    conn.execute("UPDATE articles SET content_hash = 'stale'")  # force the batch to be rewritten
    conn.close()
    conn = load_seeds(db, taxonomy)
    assert conn.execute("SELECT count(*), sum(mentions) FROM article_entities").fetchone() == before
    assert conn.execute("SELECT count(*) FROM entities").fetchone() == n_entities


def test_migration_keeps_rows_written_before_it(tmp_path: Path) -> None:
    conn = duckdb.connect(str(tmp_path / "old.duckdb"))
    first = next(sql for v, _, sql in migrations() if v == 1)
    conn.execute(first)
    conn.execute("INSERT INTO article_entities VALUES ('a1', 'Dar', 'name', 3)")
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL)"
    )
    conn.execute("INSERT INTO schema_migrations VALUES (1, 'init', now())")
    conn.close()
    conn = connect(tmp_path / "old.duckdb")
    assert conn.execute("SELECT entity, kind, mentions, entity_id FROM article_entities").fetchall() == [
        ("Dar", "name", 3, "name:Dar")
    ]
    assert conn.execute("SELECT entity_id, name FROM entities").fetchall() == [("name:Dar", "Dar")]
