-- Every article with its story and copy group, the way a reader walks a story.
CREATE OR REPLACE VIEW story_articles AS
WITH members AS (
    SELECT a.story_id, a.article_id, a.source, a.title, a.url, a.published_at, a.first_seen_at,
           a.copy_of, COALESCE(a.copy_of, a.article_id) AS copy_group
    FROM articles AS a
    WHERE a.story_id IS NOT NULL
)
SELECT m.*, s.title AS story_title, l.score AS link_score, l.evidence AS link_evidence
FROM members AS m
JOIN stories AS s USING (story_id)
LEFT JOIN story_links AS l USING (article_id);
