-- Stories per top-level topic per day, for the days [$since, $end) in the digest's timezone
-- ($tz): a story counts on each day it gained an article, under its best top-level topic.
WITH story_days AS (
    SELECT DISTINCT story_id, CAST(timezone($tz, first_seen_at) AS DATE) AS day
    FROM articles
    WHERE story_id IS NOT NULL AND first_seen_at >= $since AND first_seen_at < $end
),
top_level AS (
    SELECT st.story_id, arg_max(coalesce(st.label, st.topic), st.score) AS label
    FROM story_topics AS st
    WHERE st.parent IS NULL AND st.story_id IN (SELECT story_id FROM story_days)
    GROUP BY st.story_id
)
SELECT d.day, coalesce(t.label, 'no topic') AS label, count(*) AS stories
FROM story_days AS d
LEFT JOIN top_level AS t USING (story_id)
GROUP BY d.day, label
ORDER BY d.day, label;
