-- The names the digest's stories ($story_ids, one parameter per id) mention most: in the most
-- articles, then the most often (originals only; copies say the same), as story_entities counts.
WITH members AS (
    SELECT article_id, story_id
    FROM articles
    WHERE story_id IN ($story_ids) AND copy_of IS NULL AND first_seen_at < $end
)
SELECT m.story_id, e.entity_id, any_value(e.entity) AS entity, any_value(e.kind) AS kind,
       count(DISTINCT e.article_id) AS articles, sum(e.mentions) AS mentions
FROM article_entities AS e JOIN members AS m USING (article_id)
GROUP BY m.story_id, e.entity_id
ORDER BY m.story_id, articles DESC, mentions DESC, entity;
