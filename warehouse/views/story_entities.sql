-- Story-level entities rolled up from the story's original articles: total mentions, how many
-- articles name the entity, with its kind and country.
CREATE OR REPLACE VIEW story_entities AS
SELECT a.story_id, ae.entity_id, any_value(ae.entity) AS entity, any_value(ae.kind) AS kind,
       any_value(e.country_code) AS country_code,
       sum(ae.mentions) AS mentions, count(DISTINCT ae.article_id) AS articles
FROM article_entities AS ae
JOIN articles AS a USING (article_id)
LEFT JOIN entities AS e USING (entity_id)
WHERE a.copy_of IS NULL AND a.story_id IS NOT NULL
GROUP BY a.story_id, ae.entity_id;
