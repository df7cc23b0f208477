-- The stories rows of these stories, recomputed from their articles. $1: the story ids as one JSON list.
-- The title is the earliest original's; a copy group counts once in article_count, every version
-- in version_count.
INSERT INTO stories
WITH members AS (
    SELECT *
    FROM articles
    WHERE story_id IN (SELECT unnest(json_extract_string(?, '$[*]')))
)
SELECT story_id,
       arg_min(title, (copy_of IS NOT NULL, coalesce(published_at, first_seen_at), article_id)),
       min(first_seen_at), max(first_seen_at), min(published_at), max(published_at),
       count(*) FILTER (WHERE copy_of IS NULL), count(*), count(DISTINCT source)
FROM members
GROUP BY story_id;
