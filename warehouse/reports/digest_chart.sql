-- Stories per top-level topic per day, for the days [$since, $end) in the digest's timezone
-- ($tz): a story counts on each day it gained an article, under its best top-level topic (the
-- top-level tag with the highest score among its originals, as story_topics would rank them).
WITH story_days AS (
    SELECT DISTINCT story_id, CAST(timezone($tz, first_seen_at) AS DATE) AS day
    FROM articles
    WHERE story_id IS NOT NULL AND first_seen_at >= $since AND first_seen_at < $end
),
top_level AS (
    SELECT a.story_id, arg_max(coalesce(tp.label, t.topic), t.score) AS label
    FROM article_topics AS t
    JOIN topics AS tp ON tp.topic = t.topic AND tp.parent IS NULL
    JOIN articles AS a USING (article_id)
    WHERE a.copy_of IS NULL AND a.story_id IN (SELECT DISTINCT story_id FROM story_days)
      AND a.first_seen_at < $end
    GROUP BY a.story_id
)
SELECT d.day, coalesce(t.label, 'no topic') AS label, count(*) AS stories
FROM story_days AS d
LEFT JOIN top_level AS t USING (story_id)
GROUP BY d.day, label
ORDER BY d.day, label;
