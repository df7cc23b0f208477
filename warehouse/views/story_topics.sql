-- Story-level topics rolled up from the story's original articles: the best score, how many
-- articles carry the tag.
CREATE OR REPLACE VIEW story_topics AS
WITH tagged AS (
    SELECT a.story_id, t.topic, t.score, a.article_id
    FROM article_topics AS t
    JOIN articles AS a USING (article_id)
    WHERE a.copy_of IS NULL AND a.story_id IS NOT NULL
)
SELECT story_id, topic, max(score) AS score, count(DISTINCT article_id) AS articles
FROM tagged
GROUP BY story_id, topic;
