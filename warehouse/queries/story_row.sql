-- One story's row. $1 story_id.
SELECT title, first_seen_at, last_seen_at, first_published_at, last_published_at,
       article_count, version_count
FROM stories
WHERE story_id = ?;
