-- The HTTP validators kept per URL, for conditional requests.
SELECT url, etag, last_modified, content_sha256 FROM http_cache;
