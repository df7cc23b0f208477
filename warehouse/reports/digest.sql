-- Stories first seen or updated on a day ($day, a DATE in UTC), the biggest first, with their
-- outlets and their most specific topics (at most $max_topics).
WITH touched AS (
    SELECT DISTINCT story_id
    FROM articles
    WHERE story_id IS NOT NULL
      AND CAST(timezone('UTC', first_seen_at) AS DATE) = $day
),
story_sources AS (
    SELECT a.story_id, list(DISTINCT a.source ORDER BY a.source) AS sources
    FROM articles AS a JOIN touched USING (story_id)
    GROUP BY a.story_id
),
specific AS (
    -- the most specific tags only: a parent implied by a subtopic adds nothing to read
    SELECT st.story_id, st.topic, st.score
    FROM story_topics AS st JOIN touched USING (story_id)
    WHERE NOT EXISTS (
        SELECT 1 FROM story_topics AS child
        WHERE child.story_id = st.story_id AND child.parent = st.topic
    )
),
topic_list AS (
    SELECT story_id, list(topic ORDER BY score DESC, topic)[1:$max_topics] AS topics
    FROM specific
    GROUP BY story_id
)
SELECT s.story_id, s.title, s.first_seen_at, s.last_seen_at, s.article_count, s.version_count,
       s.source_count, ss.sources, coalesce(tl.topics, []) AS topics,
       CAST(timezone('UTC', s.first_seen_at) AS DATE) = $day AS is_new
FROM stories AS s
JOIN touched USING (story_id)
JOIN story_sources AS ss USING (story_id)
LEFT JOIN topic_list AS tl USING (story_id)
ORDER BY s.article_count DESC, s.last_seen_at DESC, s.story_id
LIMIT $limit;
