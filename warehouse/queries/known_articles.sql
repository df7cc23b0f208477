-- What the warehouse holds about these articles. $1: the article ids as one JSON list.
SELECT article_id, content_hash, story_id, copy_of, first_seen_at
FROM articles
WHERE article_id IN (SELECT unnest(json_extract_string(?, '$[*]')));
