-- The stories first seen or grown on a day: the half-open range [$start, $end) of the digest's
-- timezone, as TIMESTAMPTZ. Counts are as they stood at the end of that day (a digest of a past
-- day does not see later articles). Ranked in Python (newswatch/digest/rank.py), so every story
-- touched that day comes back; $watch_topics and $watch_entities are the configured watchlists.
-- The watchlist matches read the touched stories' own rows, not the story_topics/story_entities
-- views, which roll up every story in the warehouse.
WITH touched AS (
    SELECT DISTINCT story_id
    FROM articles
    WHERE story_id IS NOT NULL AND first_seen_at >= $start AND first_seen_at < $end
),
members AS (
    SELECT a.story_id, a.article_id, a.source, a.copy_of, a.first_seen_at
    FROM articles AS a SEMI JOIN touched USING (story_id)
    WHERE a.first_seen_at < $end
),
counts AS (
    SELECT story_id,
           count(*) FILTER (WHERE copy_of IS NULL) AS article_count,
           count(*) AS version_count,
           count(DISTINCT source) AS source_count,
           min(first_seen_at) AS first_seen_at,
           max(first_seen_at) AS last_seen_at,
           count(*) FILTER (WHERE copy_of IS NULL AND first_seen_at >= $start) AS new_today,
           count(*) FILTER (WHERE copy_of IS NULL AND first_seen_at >= $start - INTERVAL 1 DAY
                                                  AND first_seen_at < $start) AS new_yesterday
    FROM members
    GROUP BY story_id
),
watched_topics AS (
    SELECT m.story_id, list(DISTINCT t.topic ORDER BY t.topic) AS topics
    FROM article_topics AS t JOIN members AS m USING (article_id)
    WHERE m.copy_of IS NULL AND list_contains($watch_topics, t.topic)
    GROUP BY m.story_id
),
watched_names AS (
    SELECT m.story_id, list(DISTINCT e.entity_id ORDER BY e.entity_id) AS entities
    FROM article_entities AS e JOIN members AS m USING (article_id)
    WHERE m.copy_of IS NULL AND list_contains($watch_entities, e.entity_id)
    GROUP BY m.story_id
)
SELECT c.story_id, c.article_count, c.version_count, c.source_count, c.first_seen_at, c.last_seen_at,
       c.new_today, c.new_yesterday, c.first_seen_at >= $start AS is_new,
       coalesce(wt.topics, []) AS watch_topics, coalesce(wn.entities, []) AS watch_entities
FROM counts AS c
LEFT JOIN watched_topics AS wt USING (story_id)
LEFT JOIN watched_names AS wn USING (story_id);
