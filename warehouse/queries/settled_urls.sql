-- The web URLs not to fetch again: every article's URL and canonical URL, and every URL whose
-- fetch became an article or ended in a settled outcome ($1: the settled outcomes).
SELECT url FROM articles WHERE url LIKE 'http%'
UNION
SELECT canonical_url FROM articles WHERE canonical_url LIKE 'http%'
UNION
SELECT url
FROM fetches
WHERE url LIKE 'http%'
  AND (article_id IS NOT NULL OR outcome IN (SELECT unnest(?)));
