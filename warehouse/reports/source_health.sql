-- report: Source health: reads, failures (total and in a row), last success, last error, articles.
-- Failures are fetches whose outcome is a failure (the outcomes table); "in a row" is kept for web
-- sources only (source_state), files sources count every failed read.
SELECT h.source, h.attempts, h.successes, h.failures,
       st.consecutive_failures AS failures_in_a_row,
       h.last_success_at, h.last_error_at, h.last_error, h.articles, h.last_new_at,
       st.backoff_until
FROM source_health AS h
LEFT JOIN source_state AS st USING (source)
ORDER BY h.failures DESC, h.source;
