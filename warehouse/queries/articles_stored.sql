-- The batch's articles already in the warehouse, with the story each is in now.
-- $1: the batch's article ids as one JSON list (see loader.id_list).
SELECT article_id, story_id
FROM articles
WHERE article_id IN (SELECT unnest(json_extract_string(?, '$[*]')));
