-- The story of every placed article whose event time is in [$1, $2] (copies included).
SELECT article_id, story_id
FROM articles
WHERE story_id IS NOT NULL
  AND coalesce(published_at, first_seen_at) BETWEEN ? AND ?;
