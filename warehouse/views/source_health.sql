-- Per configured source: reads, failures, last success and last error. What counts as a success
-- or a failure is the outcomes table (newswatch.outcomes.Outcome); an unknown word is a failure.
CREATE OR REPLACE VIEW source_health AS
WITH classified AS (
    SELECT f.source, f.fetched_at, f.error,
           coalesce(o.succeeded, false) AS succeeded,
           coalesce(o.failure, true) AS failure
    FROM fetches AS f
    LEFT JOIN outcomes AS o USING (outcome)
),
per_source AS (
    SELECT source,
           count(*) AS attempts,
           count(*) FILTER (WHERE succeeded) AS successes,
           count(*) FILTER (WHERE failure) AS failures,
           max(fetched_at) FILTER (WHERE succeeded) AS last_success_at,
           max(fetched_at) FILTER (WHERE failure) AS last_error_at
    FROM classified
    GROUP BY source
),
last_error AS (
    SELECT source, arg_max(error, fetched_at) AS last_error
    FROM classified
    WHERE failure
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
