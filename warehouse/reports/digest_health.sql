-- Sources failing now: failures in a row on their last reads, with the last error (source_state).
SELECT source, consecutive_failures, last_error, last_error_at, last_success_at, backoff_until
FROM source_state
WHERE consecutive_failures > 0
ORDER BY consecutive_failures DESC, source;
