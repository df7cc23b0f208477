"""The topic a story is filed under (digest sections and chart): the top-level topic most of its
original articles lead with, not the one odd article whose topic scores highest; and the tag order
(``article_topics.rank``) it rests on, as tagging gave it."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from nwtest import FIXTURES, run_plain, write_config
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.digest import Watchlist, build_digest
from newswatch.digest.build import story_topic
from newswatch.errors import WarehouseError
from newswatch.warehouse.db import connect, report_sql
from newswatch.warehouse.reports import digest_for, with_id_list

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ECONOMY = {"topic": "economy-business-finance", "label": "economy, business and finance", "parent": None}
POLITICS = {"topic": "politics-government", "label": "politics and government", "parent": None}


def test_a_story_is_filed_under_what_most_of_its_articles_lead_with() -> None:
    rows = [
        {**POLITICS, "score": 0.91, "articles": 1, "leads": 1},  # one article, sure of itself
        {**ECONOMY, "score": 0.52, "articles": 3, "leads": 2},
        {"topic": "cpec", "label": "CPEC", "parent": "economy-business-finance", "score": 3.0, "articles": 1,
         "leads": 0},
    ]  # fmt: skip
    assert story_topic(rows) == rows[1]
    # Equal leads: the best score decides; rows without leads (a report without the column) too.
    assert story_topic([{**r, "leads": 1} for r in rows[:2]]) == {**rows[0], "leads": 1}
    unled = story_topic([{k: v for k, v in r.items() if k != "leads"} for r in rows])
    assert unled is not None and unled["topic"] == POLITICS["topic"]
    assert story_topic(rows[2:]) is None
    story = {"story_id": "s_1", "article_count": 3, "version_count": 3, "source_count": 3,
             "first_seen_at": NOW, "last_seen_at": NOW, "new_today": 3, "new_yesterday": 0, "is_new": True,
             "watch_topics": [], "watch_entities": []}  # fmt: skip
    d = build_digest(NOW.date(), UTC, story_rows=[story], article_rows=[],
                     topic_rows=[{**r, "story_id": "s_1"} for r in rows])  # fmt: skip
    assert d.cards[0].section == "economy, business and finance"


def test_a_story_s_tags_are_what_a_quarter_of_its_articles_carry_and_its_watchlists() -> None:
    rows = [
        {**ECONOMY, "score": 0.6, "articles": 8, "leads": 7},
        {"topic": "science-technology", "label": "science and technology", "parent": None, "score": 0.4,
         "articles": 3, "leads": 1},
        {"topic": "election", "label": "election", "parent": "politics-government", "score": 1.0,
         "articles": 1},
        {**POLITICS, "score": 1.0, "articles": 1, "leads": 0},
        {"topic": "cpec", "label": "CPEC", "parent": "economy-business-finance", "score": 3.0, "articles": 1},
    ]  # fmt: skip
    story = {"story_id": "s_1", "article_count": 8, "version_count": 8, "source_count": 8,
             "first_seen_at": NOW, "last_seen_at": NOW, "new_today": 8, "new_yesterday": 0, "is_new": True,
             "watch_topics": ["cpec"], "watch_entities": []}  # fmt: skip
    watch = Watchlist({"cpec": "CPEC"})
    d = build_digest(NOW.date(), UTC, story_rows=[story], article_rows=[],
                     topic_rows=[{**r, "story_id": "s_1"} for r in rows], watchlist=watch)  # fmt: skip
    # One article's election (and the politics it implies) is not the story's; the watchlist is.
    assert [(t.label, t.watched) for t in d.cards[0].tags] == [
        ("economy, business and finance", False),
        ("science and technology", False),
        ("CPEC", True),
    ]
    # A story none of whose tags a quarter of its articles carry still shows them.
    lone = [{**rows[2], "story_id": "s_1"}, {**rows[3], "story_id": "s_1"}]
    d = build_digest(NOW.date(), UTC, story_rows=[story], article_rows=[], topic_rows=lone)
    assert [t.label for t in d.cards[0].tags] == ["election"]


@pytest.fixture(scope="module")
def recall(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse of 60 outlets' headlines on one Google News story (a car maker's recall, filed
    under science and technology) and a few of another, loaded by a run."""
    root = tmp_path_factory.mktemp("story-topic")
    with (FIXTURES / "stories" / "uci_news_aggregator_dev.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    chosen = [r for r in rows if r["STORY"].startswith("d6oHu5PfuD")][:60]
    chosen += [r for r in rows if r["STORY"].startswith("dJbOm1zHMJ")][:10]
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    for i, r in enumerate(chosen):  # seen today, so today's digest shows them
        r["TIMESTAMP"] = str(now_ms - (len(chosen) - i) * 60_000)
    folder = root / "in"
    folder.mkdir()
    with (folder / "headlines.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(chosen[0]))
        writer.writeheader()
        writer.writerows(chosen)
    config = write_config(root, f'[[sources]]\nname = "wire"\nkind = "files"\npath = "{folder}"\n')
    assert run_plain(config).status == "completed"
    return root / "nw.duckdb"


def test_the_digest_and_its_chart_file_each_story_under_its_leads(recall: Path) -> None:
    conn = connect(recall, read_only=True)
    ranks = conn.execute(
        "SELECT article_id, list(rank ORDER BY rank) FROM article_topics GROUP BY article_id"
    ).fetchall()
    assert ranks and all(r == list(range(1, len(r) + 1)) for _, r in ranks)  # 1..n, in each article
    leads: dict[str, Counter[str]] = defaultdict(Counter)
    for story, topic in conn.execute(
        "SELECT a.story_id, l.topic FROM article_lead_topics AS l JOIN articles AS a USING (article_id) "
        "WHERE a.copy_of IS NULL"
    ).fetchall():
        leads[story][topic] += 1
    # The recall's outlets do not agree: the article whose topic scores best is not the majority's.
    big = max(leads, key=lambda s: sum(leads[s].values()))
    assert len(leads[big]) > 1
    best = conn.execute(
        "SELECT arg_max(t.topic, t.score) FROM article_topics AS t JOIN articles AS a USING (article_id) "
        "JOIN topics AS tp ON tp.topic = t.topic AND tp.parent IS NULL "
        "WHERE a.story_id = ? AND a.copy_of IS NULL",
        [big],
    ).fetchone()
    majority = leads[big].most_common(1)[0][0]
    assert best is not None and best[0] != majority
    label = dict(conn.execute("SELECT topic, label FROM topics").fetchall())

    digest = digest_for(conn, datetime.now(UTC).date(), limit=50)
    sections = {c.story_id: c.section for c in digest.cards}
    assert sections[big].lower() == label[majority].lower()
    for story, counts in leads.items():
        top = counts.most_common()
        if len(top) == 1 or top[0][1] > top[1][1]:  # a clear majority decides whatever the scores
            assert sections[story].lower() == label[top[0][0]].lower(), story
    # The chart counts each story under the same topic as its section.
    now = datetime.now(UTC)
    window = {"since": now - timedelta(days=2), "end": now + timedelta(days=1), "tz": "UTC"}
    charted = conn.execute(report_sql("digest_chart"), window).fetchall()
    per_label = Counter(sections.values())
    assert {lab.lower(): n for day, lab, n in charted if day == now.date()} == {
        k.lower(): v for k, v in per_label.items()
    }
    # And story_topics says the same to an analyst.
    sql, params = with_id_list(report_sql("digest_topics"), "story_ids", [big])
    assert conn.execute(sql, {**params, "end": window["end"]}).fetchall()
    view = dict(conn.execute(
        "SELECT topic, leads FROM story_topics WHERE story_id = ? AND parent IS NULL", [big]
    ).fetchall())  # fmt: skip
    assert {k: v for k, v in view.items() if v} == dict(leads[big])
    conn.close()
    # `newswatch story` says it too.
    result = CliRunner().invoke(app, ["story", big, "--db", str(recall)])
    assert result.exit_code == 0, result.output
    originals = sum(leads[big].values())
    line = f"Topic: {label[majority]} ({leads[big][majority]} of {originals} articles lead with it)"
    assert line in result.output


def test_a_warehouse_an_older_version_wrote_gets_a_clear_error(tmp_path: Path, recall: Path) -> None:
    db = tmp_path / "old.duckdb"
    db.write_bytes(recall.read_bytes())
    conn = connect(db)  # as migration 0007 left it: no ranks, the view without leads
    conn.execute("DROP VIEW article_lead_topics")
    conn.execute("ALTER TABLE article_topics DROP COLUMN rank")
    conn.execute("DELETE FROM schema_migrations WHERE version = 8")
    conn.execute(
        "CREATE OR REPLACE VIEW story_topics AS SELECT a.story_id, t.topic, t.score, tp.parent, tp.label"
        " FROM article_topics t JOIN articles a USING (article_id) LEFT JOIN topics tp USING (topic)"
    )
    story = conn.execute("SELECT story_id FROM stories LIMIT 1").fetchone()
    conn.close()
    assert story is not None
    shown = CliRunner().invoke(app, ["story", story[0], "--db", str(db)])  # still shown, without a topic
    assert shown.exit_code == 0 and "Members:" in shown.output and "Topic:" not in shown.output
    conn = connect(db, read_only=True)
    with pytest.raises(WarehouseError, match="newswatch run"):
        digest_for(conn, datetime.now(UTC).date())
    conn.close()
    # Opened for writing (as a run opens it), it is migrated: the old rows keep no rank, and their
    # article's lead is its best-scoring top-level tag until a run writes the article again.
    conn = connect(db)
    assert conn.execute("SELECT count(rank) FROM article_topics").fetchone() == (0,)
    best = dict(conn.execute(
        "SELECT t.article_id, arg_max(t.topic, t.score) FROM article_topics AS t "
        "JOIN topics AS tp ON tp.topic = t.topic AND tp.parent IS NULL GROUP BY t.article_id"
    ).fetchall())  # fmt: skip
    assert dict(conn.execute("SELECT article_id, topic FROM article_lead_topics").fetchall()) == best
    assert digest_for(conn, datetime.now(UTC).date()).cards
    conn.close()
