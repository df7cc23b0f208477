-- The kept raw pages of these URLs (the batch's reads replace them). $1: the URLs as one JSON list.
DELETE FROM raw_documents
WHERE url IN (SELECT unnest(json_extract_string(?, '$[*]')));
