-- A run ends: its status and counts (named after RunStats.as_row) and its error, if any.
UPDATE runs
SET finished_at = $finished_at,
    status = $status,
    articles_read = $articles_read,
    articles_new = $articles_new,
    articles_updated = $articles_updated,
    articles_unchanged = $articles_unchanged,
    copies = $copies,
    failures = $failures,
    stories_new = $stories_new,
    stories_touched = $stories_touched,
    topic_tags = $topic_tags,
    digest_path = $digest_path,
    error = $error
WHERE run_id = $run_id;
