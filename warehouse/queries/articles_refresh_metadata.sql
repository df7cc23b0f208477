-- A re-extraction's metadata for an article whose text did not change (copies, stories and
-- topics depend on the text only and stay).
UPDATE articles
SET canonical_url = ?, title = ?, deck = ?, published_at = ?, modified_at = ?, authors = ?,
    site_name = ?, language = ?, provenance = ?, updated_at = ?, run_id = ?
WHERE article_id = ?;
