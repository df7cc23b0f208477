-- The topics of the digest's stories ($story_ids, one parameter per id), rolled up from their
-- original articles as the story_topics view does (copies count once), best first, with label and
-- parent: the digest shows the most specific ones as tags and files each story under its best
-- top-level topic. Reads only these stories' rows (the view rolls up the whole warehouse).
WITH members AS (
    SELECT article_id, story_id
    FROM articles
    WHERE story_id IN ($story_ids) AND copy_of IS NULL AND first_seen_at < $end
),
rolled AS (
    SELECT m.story_id, t.topic, max(t.score) AS score, count(DISTINCT t.article_id) AS articles
    FROM article_topics AS t JOIN members AS m USING (article_id)
    GROUP BY m.story_id, t.topic
)
SELECT r.story_id, r.topic, coalesce(tp.label, r.topic) AS label, tp.parent, r.score, r.articles
FROM rolled AS r
LEFT JOIN topics AS tp USING (topic)
ORDER BY r.story_id, r.score DESC, r.articles DESC, r.topic;
