"""The search index: BM25 postings kept in segments, maintained by each load without a rebuild.

DuckDB's own full-text index (``PRAGMA create_fts_index``) is a snapshot that can only be rebuilt
whole: 16 minutes at a million articles. This index is ours, in plain tables of the schema
``search_index``, tokenised exactly as the ``fts`` extension tokenises (its ``tokenize`` macro and
English stopwords are copied from the extension when the index is created; ``stem`` is the
extension's Porter stemmer):

- ``terms(termid, term, df)``: the dictionary, with each term's document frequency over the
  articles indexed now (kept by adding and subtracting, so it stays collection-wide);
- ``docs(docid, article_id, len, updated_at, story_id, copy_of, segment)``: each indexed article,
  as it was when indexed (the change check compares against it) and the segment holding it;
- ``stats(num_docs, avgdl)``: recomputed from ``docs`` at the end of each refresh;
- ``segments(segment, level, docs, created_at)`` and one table ``seg_<n>`` per segment: postings
  ``(termid, docid, tf, len, article, original, story, outlet, day)`` sorted by term, so a query
  reads its terms' row groups only and never joins a million-row table.

A refresh (each run's end, :func:`refresh_index`) compares ``articles`` with ``docs`` and:

- indexes new articles, and rewritten ones (``updated_at`` moved), into one new segment;
- removes the postings of deleted and rewritten articles from their segments, subtracting their
  terms from ``df``;
- updates in place the story and copy columns of articles whose story or original changed (story
  merges, copy links), which touches no text;
- merges segments log-structured: when ``fanout`` segments share a size level (``floor(log_fanout
  (docs))``) they are rewritten as one, sorted again, so a warehouse of N articles loaded in
  batches of b has at most about ``(fanout - 1) * log_fanout(N / b)`` segments beyond the first levels
  and each posting is rewritten about ``log_fanout(N / b)`` times over its life.

Everything runs in one transaction: a crash or an error leaves the index as it was before the
refresh, and a reader sees the old index or the new one. BM25 is computed at query time from ``df``,
``num_docs`` and ``avgdl`` (see ``search.py``), equal to fts's ``match_bm25`` over the same articles.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import duckdb

from newswatch.warehouse.sealed import load_packaged_extension

log = logging.getLogger(__name__)

SCHEMA = "search_index"
STEMMER = "porter"
FANOUT = 4
# The schema of the full-rebuild design this replaces; dropped when found.
OLD_SCHEMA = "fts_main_articles"


@dataclass(slots=True)
class IndexRefresh:
    rebuilt: bool  # the index changed (articles indexed, removed or relinked)
    articles: int  # articles indexed after the refresh
    seconds: float
    added: int = 0  # articles indexed into the new segment (new and rewritten)
    removed: int = 0  # articles whose postings were removed (deleted and rewritten)
    relinked: int = 0  # articles whose story or original changed, updated in place
    merged: int = 0  # segments merged away
    segments: int = 0  # segments after the refresh


def index_exists(conn: duckdb.DuckDBPyConnection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'segments'", [SCHEMA]
    ).fetchone()
    return bool(row and row[0])


def segment_ids(conn: duckdb.DuckDBPyConnection) -> list[int]:
    rows = conn.execute(f"SELECT segment FROM {SCHEMA}.segments ORDER BY segment").fetchall()
    return [int(r[0]) for r in rows]


# What changed since the index last saw the articles: one full outer join on article_id.
_CHANGES_SQL = f"""
CREATE OR REPLACE TEMP TABLE search_changes AS
SELECT coalesce(a.article_id, d.article_id) AS article_id, d.docid, d.segment,
       CASE WHEN d.docid IS NULL THEN 'add'
            WHEN a.article_id IS NULL THEN 'drop'
            WHEN a.updated_at IS DISTINCT FROM d.updated_at THEN 'rewrite'
            ELSE 'relink' END AS change
FROM {{articles}} AS a
FULL JOIN {SCHEMA}.docs AS d ON a.article_id = d.article_id
WHERE d.docid IS NULL OR a.article_id IS NULL OR a.updated_at IS DISTINCT FROM d.updated_at
   OR a.story_id IS DISTINCT FROM d.story_id OR a.copy_of IS DISTINCT FROM d.copy_of
"""


def pending_changes(conn: duckdb.DuckDBPyConnection, *, articles: str = "articles") -> int:
    """Articles added, rewritten, deleted or relinked since the index last saw them."""
    if not index_exists(conn):
        return -1
    row = conn.execute(
        _CHANGES_SQL.replace(
            "CREATE OR REPLACE TEMP TABLE search_changes AS", "SELECT count(*) FROM ("
        ).replace("{articles}", articles)
        + ")"
    ).fetchone()
    return int(row[0]) if row else 0


def index_is_current(conn: duckdb.DuckDBPyConnection) -> bool:
    return pending_changes(conn) == 0


def refresh_index(
    conn: duckdb.DuckDBPyConnection,
    *,
    force: bool = False,
    fanout: int = FANOUT,
    articles: str = "articles",
) -> IndexRefresh:
    """Bring the index up to date with ``articles`` (see the module docstring); ``force`` drops it
    and indexes every article again, in one segment.

    ``articles`` names the table (or view) indexed: the warehouse's own, except in bench/search.py,
    which shows the index a growing part of it to build the index load by load.
    """
    if fanout < 2:
        raise ValueError(f"fanout must be at least 2, not {fanout}")
    started = time.perf_counter()
    load_packaged_extension(conn, "fts")  # stem()
    out = IndexRefresh(False, 0, 0.0)
    conn.execute("BEGIN TRANSACTION")
    try:
        if _has_table(conn, OLD_SCHEMA, "built_from"):
            conn.execute(f"DROP SCHEMA {OLD_SCHEMA} CASCADE")
        if force:
            conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        if not index_exists(conn):
            _create(conn)
        conn.execute(_CHANGES_SQL.replace("{articles}", articles))
        counts = dict(conn.execute("SELECT change, count(*) FROM search_changes GROUP BY change").fetchall())
        out.removed = _remove(conn) if counts.get("drop") or counts.get("rewrite") else 0
        out.relinked = _relink(conn, articles) if counts.get("relink") else 0
        out.added = _add(conn, fanout, articles) if counts.get("add") or counts.get("rewrite") else 0
        out.merged = _merge(conn, fanout)
        out.rebuilt = bool(counts)
        if out.rebuilt:
            conn.execute(
                f"CREATE OR REPLACE TABLE {SCHEMA}.stats AS"
                f" SELECT count(*) AS num_docs, coalesce(avg(len), 0)::DOUBLE AS avgdl FROM {SCHEMA}.docs"
            )
        conn.execute("DROP TABLE IF EXISTS search_changes")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    row = conn.execute(f"SELECT num_docs FROM {SCHEMA}.stats").fetchone()
    out.articles = int(row[0]) if row else 0
    out.segments = len(segment_ids(conn))
    out.seconds = time.perf_counter() - started
    if out.rebuilt:
        log.info(
            "search index: %d added, %d removed, %d relinked, %d segments merged; %d articles in %d"
            " segments (%.2f s)",
            out.added, out.removed, out.relinked, out.merged, out.articles, out.segments, out.seconds,
        )  # fmt: skip
    return out


def _has_table(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?", [schema, table]
    ).fetchone()
    return bool(row and row[0])


def _fts_vocabulary() -> tuple[str, list[str]]:
    """The fts extension's ``tokenize`` macro body and English stopwords, read from an index it
    builds over an empty table in memory: the index and the queries then split words exactly as
    fts does."""
    mem = duckdb.connect()
    try:
        load_packaged_extension(mem, "fts")
        mem.execute("CREATE TABLE vocab (id VARCHAR, body VARCHAR)")
        mem.execute(
            "PRAGMA create_fts_index('vocab', 'id', 'body',"
            f" stemmer = '{STEMMER}', stopwords = 'english', strip_accents = 1, lower = 1)"
        )
        row = mem.execute(
            "SELECT macro_definition FROM duckdb_functions()"
            " WHERE schema_name = 'fts_main_vocab' AND function_name = 'tokenize'"
        ).fetchone()
        assert row is not None and row[0], "the fts extension defines no tokenize macro"
        words = [r[0] for r in mem.execute("SELECT sw FROM fts_main_vocab.stopwords ORDER BY sw").fetchall()]
        return str(row[0]), words
    finally:
        mem.close()


def _create(conn: duckdb.DuckDBPyConnection) -> None:
    body, stopwords = _fts_vocabulary()
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    conn.execute(f"CREATE MACRO {SCHEMA}.tokenize(s) AS {body}")
    conn.execute(f"CREATE TABLE {SCHEMA}.stopwords AS SELECT unnest($w) AS sw", {"w": stopwords})
    conn.execute(f"CREATE TABLE {SCHEMA}.terms (termid INTEGER, term VARCHAR, df BIGINT)")
    conn.execute(
        f"CREATE TABLE {SCHEMA}.docs (docid BIGINT, article_id VARCHAR, len INTEGER,"
        " updated_at TIMESTAMPTZ, story_id VARCHAR, copy_of VARCHAR, segment INTEGER)"
    )
    conn.execute(
        f"CREATE TABLE {SCHEMA}.segments"
        " (segment INTEGER, level INTEGER, docs BIGINT, created_at TIMESTAMPTZ)"
    )
    conn.execute(f"CREATE TABLE {SCHEMA}.stats AS SELECT 0::BIGINT AS num_docs, 0::DOUBLE AS avgdl")


def _segments_of(conn: duckdb.DuckDBPyConnection, change_filter: str) -> list[int]:
    rows = conn.execute(
        f"SELECT DISTINCT segment FROM search_changes WHERE {change_filter} AND segment IS NOT NULL"
        " ORDER BY 1"
    ).fetchall()
    return [int(r[0]) for r in rows]


def _remove(conn: duckdb.DuckDBPyConnection) -> int:
    """Postings of deleted and rewritten articles out, their terms subtracted from ``df``."""
    wanted = "change IN ('drop', 'rewrite')"
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE search_gone AS SELECT docid FROM search_changes WHERE {wanted}"
    )
    for seg in _segments_of(conn, wanted):
        table = f"{SCHEMA}.seg_{seg}"
        conn.execute(
            f"UPDATE {SCHEMA}.terms AS t SET df = t.df - g.n"
            f" FROM (SELECT termid, count(*) AS n FROM {table} WHERE docid IN (SELECT docid FROM search_gone)"
            " GROUP BY termid) AS g WHERE t.termid = g.termid"
        )
        conn.execute(f"DELETE FROM {table} WHERE docid IN (SELECT docid FROM search_gone)")
    conn.execute(
        f"UPDATE {SCHEMA}.segments AS s SET docs = s.docs - g.n FROM (SELECT segment, count(*) AS n"
        f" FROM search_changes WHERE {wanted} GROUP BY segment) AS g WHERE s.segment = g.segment"
    )
    row = conn.execute("SELECT count(*) FROM search_gone").fetchone()
    conn.execute(f"DELETE FROM {SCHEMA}.docs WHERE docid IN (SELECT docid FROM search_gone)")
    conn.execute("DROP TABLE search_gone")
    return int(row[0]) if row else 0


def _relink(conn: duckdb.DuckDBPyConnection, articles: str) -> int:
    """Story and copy columns of relinked articles updated in place (their text is unchanged)."""
    for seg in _segments_of(conn, "change = 'relink'"):
        conn.execute(
            f"UPDATE {SCHEMA}.seg_{seg} AS p SET original = coalesce(a.copy_of, a.article_id),"
            " is_copy = a.copy_of IS NOT NULL, grp = coalesce(a.story_id, a.copy_of, a.article_id),"
            " story_id = a.story_id"
            f" FROM {articles} AS a, search_changes AS c"
            f" WHERE c.change = 'relink' AND c.segment = {seg} AND p.docid = c.docid"
            " AND a.article_id = c.article_id"
        )
    conn.execute(
        f"UPDATE {SCHEMA}.docs AS d SET story_id = a.story_id, copy_of = a.copy_of"
        f" FROM {articles} AS a, search_changes AS c"
        " WHERE c.change = 'relink' AND d.docid = c.docid AND a.article_id = c.article_id"
    )
    row = conn.execute("SELECT count(*) FROM search_changes WHERE change = 'relink'").fetchone()
    return int(row[0]) if row else 0


def _level(docs: int, fanout: int) -> int:
    return int(math.log(max(docs, 1)) / math.log(fanout) + 1e-9)


def _record_segment(conn: duckdb.DuckDBPyConnection, seg: int, docs: int, fanout: int) -> None:
    conn.execute(f"INSERT INTO {SCHEMA}.segments VALUES (?, ?, ?, now())", [seg, _level(docs, fanout), docs])


def _next_segment(conn: duckdb.DuckDBPyConnection) -> int:
    row = conn.execute(f"SELECT coalesce(max(segment), 0) + 1 FROM {SCHEMA}.segments").fetchone()
    return int(row[0]) if row else 1


def _add(conn: duckdb.DuckDBPyConnection, fanout: int, articles: str) -> int:
    """New and rewritten articles tokenised into one new segment, sorted by term."""
    seg = _next_segment(conn)
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE search_new AS"
        f" SELECT a.*, (SELECT coalesce(max(docid), -1) FROM {SCHEMA}.docs)"
        "      + row_number() OVER (ORDER BY a.article_id) AS docid"
        f" FROM {articles} AS a"
        " WHERE a.article_id IN (SELECT article_id FROM search_changes WHERE change IN ('add', 'rewrite'))"
    )
    # Stopwords are dropped before stemming, as fts does; title and body count as one text.
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE search_tf AS"
        " WITH words AS ("
        f"   SELECT docid, unnest({SCHEMA}.tokenize(title)) AS w FROM search_new"
        f"   UNION ALL SELECT docid, unnest({SCHEMA}.tokenize(body)) AS w FROM search_new"
        " )"
        f" SELECT docid, stem(w, '{STEMMER}') AS term, count(*)::INTEGER AS tf FROM words"
        f" WHERE w IS NOT NULL AND w <> '' AND w NOT IN (SELECT sw FROM {SCHEMA}.stopwords)"
        " GROUP BY ALL"
    )
    conn.execute(
        f"INSERT INTO {SCHEMA}.terms"
        f" SELECT (SELECT coalesce(max(termid), -1) FROM {SCHEMA}.terms) + row_number() OVER (ORDER BY term),"
        "        term, 0"
        " FROM (SELECT DISTINCT term FROM search_tf)"
        f" WHERE term NOT IN (SELECT term FROM {SCHEMA}.terms)"
    )
    conn.execute(
        f"UPDATE {SCHEMA}.terms AS t SET df = t.df + g.n"
        " FROM (SELECT term, count(*) AS n FROM search_tf GROUP BY term) AS g WHERE t.term = g.term"
    )
    conn.execute(
        f"CREATE TABLE {SCHEMA}.seg_{seg} AS"
        " WITH lens AS (SELECT docid, sum(tf)::INTEGER AS len FROM search_tf GROUP BY docid)"
        " SELECT t.termid, f.docid, f.tf, l.len, a.article_id,"
        "        coalesce(a.copy_of, a.article_id) AS original, a.copy_of IS NOT NULL AS is_copy,"
        "        coalesce(a.story_id, a.copy_of, a.article_id) AS grp, a.story_id, a.source, a.origin,"
        "        coalesce(a.published_at, a.first_seen_at) AS seen"
        " FROM search_tf AS f"
        f" JOIN {SCHEMA}.terms AS t USING (term)"
        " JOIN lens AS l USING (docid)"
        " JOIN search_new AS a USING (docid)"
        " ORDER BY t.termid, f.docid"
    )
    conn.execute(
        f"INSERT INTO {SCHEMA}.docs"
        " SELECT a.docid, a.article_id, coalesce(l.len, 0), a.updated_at, a.story_id, a.copy_of, ?"
        " FROM search_new AS a"
        " LEFT JOIN (SELECT docid, sum(tf)::INTEGER AS len FROM search_tf GROUP BY docid) AS l USING (docid)",
        [seg],
    )
    row = conn.execute("SELECT count(*) FROM search_new").fetchone()
    added = int(row[0]) if row else 0
    _record_segment(conn, seg, added, fanout)
    conn.execute("DROP TABLE search_new")
    conn.execute("DROP TABLE search_tf")
    return added


def _merge(conn: duckdb.DuckDBPyConnection, fanout: int) -> int:
    """While ``fanout`` segments share a level, rewrite the oldest ``fanout`` of them as one."""
    merged = 0
    while True:
        row = conn.execute(
            f"SELECT list(segment ORDER BY segment) FROM {SCHEMA}.segments"
            " GROUP BY level HAVING count(*) >= ? ORDER BY level LIMIT 1",
            [fanout],
        ).fetchone()
        if not row:
            return merged
        old = [int(s) for s in row[0][:fanout]]
        seg = _next_segment(conn)
        union = " UNION ALL ".join(f"SELECT * FROM {SCHEMA}.seg_{s}" for s in old)
        conn.execute(f"CREATE TABLE {SCHEMA}.seg_{seg} AS SELECT * FROM ({union}) ORDER BY termid, docid")
        listed = ", ".join(str(s) for s in old)
        conn.execute(f"UPDATE {SCHEMA}.docs SET segment = ? WHERE segment IN ({listed})", [seg])
        row = conn.execute(f"SELECT count(*) FROM {SCHEMA}.docs WHERE segment = ?", [seg]).fetchone()
        docs = int(row[0]) if row else 0
        for s in old:
            conn.execute(f"DROP TABLE {SCHEMA}.seg_{s}")
        conn.execute(f"DELETE FROM {SCHEMA}.segments WHERE segment IN ({listed})")
        _record_segment(conn, seg, docs, fanout)
        merged += len(old)
