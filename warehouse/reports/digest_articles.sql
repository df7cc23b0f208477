-- The articles of the digest's stories ($story_ids), originals first, copies under them.
SELECT a.story_id, a.article_id, a.source, a.title, a.url, a.published_at, a.first_seen_at, a.copy_of
FROM articles AS a
WHERE a.story_id IN (SELECT unnest($story_ids))
ORDER BY a.story_id, coalesce(a.published_at, a.first_seen_at), a.article_id;
