-- report: The copies of an article: its original and every article that copies it, with how each was found.
-- param article VARCHAR: an article id (an original or one of its copies)
WITH target AS (
    SELECT coalesce(copy_of, article_id) AS original FROM articles WHERE article_id = $article
)
SELECT a.article_id, a.copy_of IS NULL AS is_original, a.source, a.title,
       a.copy_method, round(a.copy_similarity, 3) AS similarity,
       a.published_at, a.first_seen_at, a.url
FROM articles AS a, target
WHERE a.article_id = target.original OR a.copy_of = target.original
ORDER BY is_original DESC, a.first_seen_at, a.article_id;
