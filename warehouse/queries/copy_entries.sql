-- Every kept article as the copy index sees it: id, copy-group root, canonical URL, content hash,
-- and its signature when it was made with the index's permutations ($1 num_perm).
-- Originals first, then by event time, as they were first indexed, so the earliest keeps a key.
SELECT a.article_id,
       coalesce(a.copy_of, a.article_id) AS root,
       a.canonical_url,
       a.content_hash,
       CASE WHEN s.num_perm = ? THEN s.signature END AS signature
FROM articles AS a
LEFT JOIN copy_signatures AS s USING (article_id)
ORDER BY a.copy_of IS NOT NULL, coalesce(a.published_at, a.first_seen_at), a.article_id;
