-- The articles of the digest's stories ($story_ids: one parameter per id, an IN list DuckDB can
-- look up by index) as they stood at the day's end ($end), in the order they were published (else
-- seen): at most $per_story per story, originals before copies, with their text (for the summary
-- and the facts) and both URLs (the link is the first http(s) one: a file's front-matter `url`
-- lands in canonical_url).
WITH ranked AS (
    SELECT a.story_id, a.article_id, a.source, a.title, a.url, a.canonical_url, a.published_at,
           a.first_seen_at, a.copy_of, a.deck, a.body,
           row_number() OVER (
               PARTITION BY a.story_id
               ORDER BY a.copy_of IS NOT NULL, coalesce(a.published_at, a.first_seen_at), a.article_id
           ) AS n
    FROM articles AS a
    WHERE a.story_id IN ($story_ids) AND a.first_seen_at < $end
)
SELECT story_id, article_id, source, title, url, canonical_url, published_at, first_seen_at, copy_of,
       deck, body
FROM ranked
WHERE n <= $per_story
ORDER BY story_id, coalesce(published_at, first_seen_at), article_id;
