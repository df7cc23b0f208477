-- The stories rows about to be recomputed. $1: the story ids as one JSON list.
DELETE FROM stories
WHERE story_id IN (SELECT unnest(json_extract_string(?, '$[*]')));
