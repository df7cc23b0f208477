-- The placed originals whose event time is in [$1, $2], in event order: the story index's articles.
SELECT article_id, source, url, canonical_url, title, body, deck, published_at, first_seen_at,
       story_id, language, word_count, content_hash
FROM articles
WHERE copy_of IS NULL
  AND story_id IS NOT NULL
  AND coalesce(published_at, first_seen_at) BETWEEN ? AND ?
ORDER BY coalesce(published_at, first_seen_at), article_id;
