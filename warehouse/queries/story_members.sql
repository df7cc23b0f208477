-- A story's articles in event order, each with why it joined (score, evidence). $1 story_id.
SELECT a.article_id, a.source, a.title, a.url, a.published_at, a.first_seen_at, a.copy_of,
       l.score, coalesce(l.opened_story, false), l.evidence, a.deck, a.body
FROM articles AS a
LEFT JOIN story_links AS l USING (article_id)
WHERE a.story_id = ?
ORDER BY coalesce(a.published_at, a.first_seen_at), a.article_id;
