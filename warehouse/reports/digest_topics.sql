-- The topics of the digest's stories ($story_ids, one parameter per id), rolled up from their
-- original articles as the story_topics view does (copies count once), best first, with label,
-- parent and leads (how many originals lead with it: their first top-level topic): the digest
-- shows the most specific ones as tags and files each story under the top-level topic with the
-- most leads, then the best score. Reads only these stories' rows (the view rolls up the whole
-- warehouse).
WITH members AS (
    SELECT article_id, story_id
    FROM articles
    WHERE story_id IN ($story_ids) AND copy_of IS NULL AND first_seen_at < $end
),
rolled AS (
    SELECT m.story_id, t.topic, max(t.score) AS score, count(DISTINCT t.article_id) AS articles
    FROM article_topics AS t JOIN members AS m USING (article_id)
    GROUP BY m.story_id, t.topic
),
lead AS (  -- each member's lead topic, as view article_lead_topics has it (only these rows read)
    SELECT t.article_id, coalesce(arg_min(t.topic, t.rank), arg_max(t.topic, t.score)) AS topic
    FROM article_topics AS t
    JOIN topics AS tp ON tp.topic = t.topic AND tp.parent IS NULL
    JOIN members AS m USING (article_id)
    GROUP BY t.article_id
),
leads AS (
    SELECT m.story_id, l.topic, count(*) AS leads
    FROM lead AS l JOIN members AS m USING (article_id)
    GROUP BY m.story_id, l.topic
)
SELECT r.story_id, r.topic, coalesce(tp.label, r.topic) AS label, tp.parent, r.score, r.articles,
       coalesce(l.leads, 0) AS leads
FROM rolled AS r
LEFT JOIN leads AS l USING (story_id, topic)
LEFT JOIN topics AS tp USING (topic)
ORDER BY r.story_id, r.score DESC, r.articles DESC, r.topic;
