-- report: A story's articles in time order: when each appeared, from which outlet, copies marked.
-- param story VARCHAR: the story id (an id merged into another story leads to that story)
WITH target AS (
    SELECT coalesce(
        (SELECT into_story_id FROM story_merges WHERE merged_story_id = $story), $story
    ) AS story_id
)
SELECT coalesce(a.published_at, a.first_seen_at) AS happened_at, a.published_at, a.first_seen_at, a.source,
       a.title, a.copy_of, l.opened_story, round(l.score, 3) AS score, a.article_id, a.url
FROM articles AS a
JOIN target USING (story_id)
LEFT JOIN story_links AS l USING (article_id)
ORDER BY happened_at, a.first_seen_at, a.article_id;
