-- report: Outlets per story: for each story, each outlet with its articles and copies.
-- param story VARCHAR = null: one story id; default: every story
-- param limit INTEGER = 200: how many rows
SELECT s.story_id, s.title, a.source AS outlet,
       count(*) FILTER (WHERE a.copy_of IS NULL) AS articles,
       count(*) FILTER (WHERE a.copy_of IS NOT NULL) AS copies,
       min(coalesce(a.published_at, a.first_seen_at)) AS first_at,
       max(coalesce(a.published_at, a.first_seen_at)) AS last_at
FROM articles AS a
JOIN stories AS s USING (story_id)
WHERE $story IS NULL
   OR s.story_id = coalesce((SELECT into_story_id FROM story_merges WHERE merged_story_id = $story), $story)
GROUP BY s.story_id, s.title, s.last_seen_at, a.source
ORDER BY s.last_seen_at DESC, s.story_id, articles DESC, outlet
LIMIT $limit;
