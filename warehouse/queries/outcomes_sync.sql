-- One fetch outcome and what it means (newswatch.outcomes.Outcome): $1 outcome, $2 succeeded,
-- $3 retryable, $4 settled, $5 is_failure.
INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?);
