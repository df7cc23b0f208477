-- Stories per top-level topic per day, for the days [$since, $end) in the digest's timezone
-- ($tz): a story counts on each day it gained an article, under its own topic as the digest files
-- it (the top-level topic most of its originals lead with, then the best score; story_topics).
WITH story_days AS (
    SELECT DISTINCT story_id, CAST(timezone($tz, first_seen_at) AS DATE) AS day
    FROM articles
    WHERE story_id IS NOT NULL AND first_seen_at >= $since AND first_seen_at < $end
),
members AS (
    SELECT article_id, story_id
    FROM articles
    WHERE copy_of IS NULL AND story_id IN (SELECT DISTINCT story_id FROM story_days)
      AND first_seen_at < $end
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
),
rolled AS (
    SELECT m.story_id, t.topic, coalesce(tp.label, t.topic) AS label, max(t.score) AS score
    FROM article_topics AS t
    JOIN topics AS tp ON tp.topic = t.topic AND tp.parent IS NULL
    JOIN members AS m USING (article_id)
    GROUP BY m.story_id, t.topic, label
),
top_level AS (
    SELECT r.story_id, arg_max(r.label, (coalesce(l.leads, 0), r.score, r.topic)) AS label
    FROM rolled AS r LEFT JOIN leads AS l USING (story_id, topic)
    GROUP BY r.story_id
)
SELECT d.day, coalesce(t.label, 'no topic') AS label, count(*) AS stories
FROM story_days AS d
LEFT JOIN top_level AS t USING (story_id)
GROUP BY d.day, label
ORDER BY d.day, label;
