-- Per configured source: reads, failures, last success and last error.
CREATE OR REPLACE VIEW source_health AS
WITH per_source AS (
    SELECT source,
           count(*) AS attempts,
           count(*) FILTER (WHERE outcome IN ('ok', 'unchanged', 'not_modified')) AS successes,
           count(*) FILTER (WHERE outcome NOT IN ('ok', 'unchanged', 'not_modified', 'skipped', 'retried')) AS failures,
           max(fetched_at) FILTER (WHERE outcome IN ('ok', 'unchanged', 'not_modified')) AS last_success_at,
           max(fetched_at) FILTER (WHERE outcome NOT IN ('ok', 'unchanged', 'not_modified', 'skipped', 'retried')) AS last_error_at
    FROM fetches
    GROUP BY source
),
last_error AS (
    SELECT source, arg_max(error, fetched_at) AS last_error
    FROM fetches
    WHERE outcome NOT IN ('ok', 'unchanged', 'not_modified', 'skipped', 'retried')
    GROUP BY source
),
items AS (
    SELECT origin AS source, count(*) AS articles, max(first_seen_at) AS last_new_at
    FROM articles
    GROUP BY origin
)
SELECT p.*, e.last_error, coalesce(i.articles, 0) AS articles, i.last_new_at
FROM per_source AS p
LEFT JOIN last_error AS e USING (source)
LEFT JOIN items AS i USING (source);
