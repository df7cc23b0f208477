-- The names the digest's stories ($story_ids) mention most: in the most articles, then the most
-- often (originals only; copies say the same).
SELECT story_id, entity_id, entity, kind, articles, mentions
FROM story_entities
WHERE story_id IN (SELECT unnest($story_ids))
ORDER BY story_id, articles DESC, mentions DESC, entity;
