-- report: Top stories of a day: stories with articles first seen that day, most outlets first.
-- param day DATE = today: the day (UTC)
-- param limit INTEGER = 20: how many stories
-- Ranked by outlets, then articles (a copy group counts once), then the latest article.
WITH today AS (
    SELECT story_id,
           count(*) FILTER (WHERE copy_of IS NULL) AS new_articles,
           count(DISTINCT source) AS new_outlets
    FROM articles
    WHERE story_id IS NOT NULL
      AND CAST(timezone('UTC', first_seen_at) AS DATE) = $day
    GROUP BY story_id
)
SELECT s.story_id, s.title, s.source_count AS outlets, s.article_count AS articles,
       t.new_articles, t.new_outlets, s.first_seen_at, s.last_seen_at
FROM stories AS s
JOIN today AS t USING (story_id)
ORDER BY s.source_count DESC, s.article_count DESC, s.last_seen_at DESC, s.story_id
LIMIT $limit;
