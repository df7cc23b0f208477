-- report: Stories and articles per topic and day over the last N days (zero days included).
-- param topic VARCHAR = null: a topic id (it and its subtopics are counted as one); default: every top-level topic
-- param days INTEGER = 14: how many days, ending on `end`
-- param end DATE = today: the last day (UTC)
WITH RECURSIVE chosen(root, topic) AS (
    SELECT topic, topic FROM topics
    WHERE ($topic IS NULL AND parent IS NULL) OR topic = $topic
    UNION
    SELECT c.root, t.topic FROM topics AS t JOIN chosen AS c ON t.parent = c.topic
),
days AS (
    SELECT CAST(d AS DATE) AS day
    FROM range(CAST($end AS DATE) - ($days - 1), CAST($end AS DATE) + 1, INTERVAL 1 DAY) AS r(d)
),
tagged AS (
    SELECT DISTINCT c.root, a.article_id, a.story_id,
           CAST(timezone('UTC', coalesce(a.published_at, a.first_seen_at)) AS DATE) AS day
    FROM article_topics AS tg
    JOIN chosen AS c USING (topic)
    JOIN articles AS a USING (article_id)
    WHERE a.copy_of IS NULL
)
SELECT d.day, r.topic, r.label,
       count(DISTINCT t.story_id) AS stories,
       count(DISTINCT t.article_id) AS articles
FROM days AS d
CROSS JOIN (SELECT DISTINCT root AS topic FROM chosen) AS roots
JOIN topics AS r ON r.topic = roots.topic
LEFT JOIN tagged AS t ON t.root = roots.topic AND t.day = d.day
GROUP BY d.day, r.topic, r.label
ORDER BY d.day, r.topic;
