-- One page of the kept raw documents to extract again, by URL, with the configured source of the
-- article each became ('reextract' for none). $1, $2: stored on or after (NULL: all);
-- $3, $4: the last URL of the page before (NULL: from the start); $5: the page size.
SELECT r.url, r.media_type, r.content, coalesce(a.origin, 'reextract')
FROM raw_documents AS r
LEFT JOIN articles AS a ON a.url = r.url
WHERE (?::TIMESTAMPTZ IS NULL OR r.stored_at >= ?::TIMESTAMPTZ)
  AND (?::VARCHAR IS NULL OR r.url > ?::VARCHAR)
ORDER BY r.url
LIMIT ?;
