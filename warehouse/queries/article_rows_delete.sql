-- The rows an article's load writes again (topics, entities, story link, signature) in one table.
-- {{table}}: the table; $1: the article ids as one JSON list.
DELETE FROM {{table}}
WHERE article_id IN (SELECT unnest(json_extract_string(?, '$[*]')));
