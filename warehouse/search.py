"""Full-text search over articles: BM25 over titles and bodies, on the segmented index of
``search_index.py`` (kept current by each run, never rebuilt whole).

A search ranks articles by BM25, collapses copies into their original, groups the originals by
story (the story's score is its best article's), and gives each story a snippet: the sentence of
its best article that holds the most query terms, with those terms marked ``**like this**``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

from newswatch.warehouse.search_index import (
    SCHEMA,
    STEMMER,
    IndexRefresh,
    index_exists,
    index_is_current,
    refresh_index,
    segment_ids,
)

__all__ = ["SCHEMA", "Hit", "IndexRefresh", "index_exists", "index_is_current", "refresh_index", "search"]

log = logging.getLogger(__name__)

# The schema of fts's own index (``PRAGMA create_fts_index('articles', ...)``), which only the
# reference path (``fast=False``) reads: tests build it to check that the postings rank as fts does.
FTS_SCHEMA = "fts_main_articles"
SNIPPET_CHARS = 240
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(slots=True)
class Hit:
    """One story (or a story-less original) that matched, best article first."""

    story_id: str | None
    title: str
    score: float
    articles: int  # matching originals (a copy group counts once)
    outlets: list[str]
    article_id: str
    url: str
    published_at: datetime | None
    snippet: str = ""
    matched: str = ""  # the article (original or copy) whose text matched best: the snippet's source
    copies: int = 0  # copies of the matching originals, collapsed into them
    extra: dict[str, Any] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        return {
            "story_id": self.story_id,
            "title": self.title,
            "score": round(self.score, 4),
            "articles": self.articles,
            "copies": self.copies,
            "outlets": self.outlets,
            "published_at": self.published_at,
            "article_id": self.article_id,
            "url": self.url,
            "snippet": self.snippet,
        }


# BM25 as the fts extension's match_bm25 computes it (k1 = 1.2, b = 0.75, any term may match).
K1, B = 1.2, 0.75

# The fast path: the sum over the postings of the query's terms, read from every segment (the
# term and segment ids spliced in are integers the index gave, never user text). An article lives
# in one segment, so grouping by article sums its terms.
_MATCHED_FAST = f"""
    SELECT p.article_id, any_value(p.original) AS original, any_value(p.is_copy) AS is_copy,
           any_value(p.grp) AS grp, any_value(p.story_id) AS story_id, any_value(p.source) AS source,
           sum(log((st.num_docs - t.df + 0.5) / (t.df + 0.5) + 1)
               * (p.tf * ({K1} + 1)) / (p.tf + {K1} * (1 - {B} + {B} * p.len / st.avgdl))) AS score
    FROM ({{postings}}) AS p
    JOIN {SCHEMA}.terms AS t USING (termid)
    CROSS JOIN {SCHEMA}.stats AS st
    WHERE {{filters}}
    GROUP BY p.article_id
"""
_SEGMENT_POSTINGS = f"SELECT * FROM {SCHEMA}.seg_{{segment}} WHERE termid IN ({{termids}})"
# The reference: fts's own macro over its own index (built apart, see FTS_SCHEMA), against every article.
_MATCHED_REFERENCE = f"""
    SELECT p.article_id, p.original, p.is_copy, p.grp, p.story_id, p.source, p.score
    FROM (
        SELECT a.article_id, coalesce(a.copy_of, a.article_id) AS original, a.copy_of IS NOT NULL AS is_copy,
               coalesce(a.story_id, a.copy_of, a.article_id) AS grp, a.story_id, a.source, a.origin,
               coalesce(a.published_at, a.first_seen_at) AS seen,
               {FTS_SCHEMA}.match_bm25(a.article_id, $query) AS score
        FROM articles AS a
    ) AS p
    WHERE p.score IS NOT NULL AND {{filters}}
"""

# One CTE per step: score and filter, collapse copies into originals, group by story, keep the
# best (ties go to the original, then the smaller id, so the order is the same on every run);
# outlets are listed for the stories shown only (listing them for every match cost most).
_SEARCH_SQL = """
WITH matched AS ({matched}),
originals AS (
    SELECT original, any_value(grp) AS grp, any_value(story_id) AS story_id, max(score) AS score,
           count(*) FILTER (WHERE is_copy) AS copies,
           arg_min(article_id, (-score, is_copy, article_id)) AS matched
    FROM matched
    GROUP BY original
),
top AS (
    SELECT grp, any_value(story_id) AS story_id, max(score) AS score, count(*) AS articles,
           sum(copies)::BIGINT AS copies, arg_min(original, (-score, original)) AS best,
           arg_min(matched, (-score, original)) AS matched
    FROM originals
    GROUP BY grp
    ORDER BY score DESC, best
    LIMIT $limit
),
outlets AS (
    SELECT m.grp, list(DISTINCT m.source ORDER BY m.source) AS outlets
    FROM matched AS m
    JOIN top AS t USING (grp)
    GROUP BY m.grp
)
SELECT t.story_id, t.score, t.articles, t.copies, o.outlets, t.best, t.matched
FROM top AS t
JOIN outlets AS o USING (grp)
ORDER BY t.score DESC, t.best
"""

_DETAILS_SQL = """
SELECT a.article_id, coalesce(s.title, a.title), a.url, a.published_at
FROM articles AS a
LEFT JOIN stories AS s ON s.story_id = a.story_id
WHERE a.article_id IN (SELECT unnest($ids))
"""


def search(
    conn: duckdb.DuckDBPyConnection,
    query: str,
    *,
    since: date | None = None,
    topic: str | None = None,
    source: str | None = None,
    limit: int = 20,
    fast: bool = True,
) -> list[Hit]:
    """Stories whose articles match ``query``, best first (see the module docstring).

    ``since`` keeps articles published (or, undated, first seen) on or after that day; ``topic``
    keeps articles tagged with that topic or one under it; ``source`` keeps one outlet or
    configured source. The connection needs the ``fts`` extension loaded (a sealed connection
    opened with ``extensions=("fts",)``).
    """
    if not query.strip():
        return []
    if not index_exists(conn):
        count = conn.execute("SELECT count(*) FROM articles").fetchone()
        if count and count[0]:
            from newswatch.errors import WarehouseError

            raise WarehouseError("the search index has not been built yet: run `newswatch reindex`")
        return []
    filters, params = ["true"], {"query": query, "limit": limit}
    if since is not None:
        filters.append("p.seen >= $since")
        params["since"] = since
    if source:
        filters.append("(p.source = $source OR p.origin = $source)")
        params["source"] = source
    if topic:
        filters.append(
            "p.article_id IN (SELECT article_id FROM article_topics WHERE topic IN ("
            " WITH RECURSIVE under(topic) AS (SELECT $topic UNION"
            " SELECT t.topic FROM topics AS t JOIN under AS u ON t.parent = u.topic)"
            " SELECT topic FROM under))"
        )
        params["topic"] = topic
    if fast:
        termids = query_terms(conn, query)
        if not termids:
            return []
        listed = ", ".join(str(int(t)) for t in termids)
        postings = " UNION ALL ".join(
            _SEGMENT_POSTINGS.replace("{segment}", str(seg)).replace("{termids}", listed)
            for seg in segment_ids(conn)
        )
        if not postings:
            return []
        matched = _MATCHED_FAST.replace("{postings}", postings)
        del params["query"]
    else:
        matched = _MATCHED_REFERENCE
    sql = _SEARCH_SQL.replace("{matched}", matched.replace("{filters}", " AND ".join(filters)))
    rows = conn.execute(sql, params).fetchall()
    details = {
        r[0]: r[1:]
        for r in conn.execute(_DETAILS_SQL, {"ids": [r[5] for r in rows]}).fetchall()
    } if rows else {}  # fmt: skip
    hits = []
    for story_id, score, articles, copies, outlets, best, matched_id in rows:
        title, url, published_at = details.get(best, ("", "", None))
        hits.append(
            Hit(
                story_id=story_id,
                title=title,
                score=float(score),
                articles=int(articles),
                copies=int(copies),
                outlets=list(outlets),
                article_id=best,
                url=url,
                published_at=published_at,
                matched=matched_id,
            )
        )
    _add_snippets(conn, hits, query)
    return hits


def query_terms(conn: duckdb.DuckDBPyConnection, query: str) -> list[int]:
    """The dictionary ids of the query's terms, tokenised and stemmed as the index was."""
    rows = conn.execute(
        f"SELECT termid FROM {SCHEMA}.terms WHERE df > 0 AND term IN"
        f" (SELECT stem(unnest({SCHEMA}.tokenize($query)), '{STEMMER}'))",
        {"query": query},
    ).fetchall()
    return sorted(int(r[0]) for r in rows)


def _stems(conn: duckdb.DuckDBPyConnection, words: set[str]) -> dict[str, str]:
    if not words:
        return {}
    rows = conn.execute(
        f"SELECT w, stem(w, '{STEMMER}') FROM unnest($words) AS t(w)", {"words": sorted(words)}
    ).fetchall()
    return dict(rows)


def _fold(word: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def _add_snippets(conn: duckdb.DuckDBPyConnection, hits: list[Hit], query: str) -> None:
    if not hits:
        return
    rows = conn.execute(
        "SELECT article_id, title, body FROM articles WHERE article_id IN (SELECT unnest($ids))",
        {"ids": [h.matched or h.article_id for h in hits]},
    ).fetchall()
    texts = {r[0]: (r[1], r[2] or "") for r in rows}
    query_words = {_fold(w) for w in _WORD.findall(query)}
    body_words = {_fold(w) for _, body in texts.values() for w in _WORD.findall(body)}
    stems = _stems(conn, query_words | body_words)
    wanted = {stems.get(w, w) for w in query_words}
    for h in hits:
        title, body = texts.get(h.matched or h.article_id, ("", ""))
        # The title is a candidate too (last, so a body sentence wins a tie): a headline may be
        # the only place a word occurs.
        h.snippet = snippet(f"{body}\n{title}" if body else title, wanted, stems)


def snippet(text: str, wanted: set[str], stems: dict[str, str], limit: int = SNIPPET_CHARS) -> str:
    """The sentence of ``text`` holding the most distinct wanted stems, terms marked ``**so**``.

    Ties go to the earlier sentence; a long sentence is cut around its first match.
    """
    sentences = [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]
    if not sentences:
        return ""

    def stem_of(word: str) -> str:
        folded = _fold(word)
        return stems.get(folded, folded)

    def matched(sentence: str) -> int:
        return len({stem_of(w) for w in _WORD.findall(sentence)} & wanted)

    best = max(sentences, key=matched)  # max keeps the first of equals
    spans = [m.span() for m in _WORD.finditer(best) if stem_of(m.group()) in wanted]
    start = 0
    if len(best) > limit:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - limit // 4, len(best) - limit))
    end = min(len(best), start + limit)
    out, pos = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(best[pos:a])
        out.append(f"**{best[a:b]}**")
        pos = b
    out.append(best[pos:end])
    text_out = "".join(out)
    return ("…" if start > 0 else "") + text_out + ("…" if end < len(best) else "")
