-- What each fetches.outcome means, written from newswatch.outcomes.Outcome whenever the warehouse
-- is opened for writing, so SQL (source_health, reports) classifies outcomes as the code does.

CREATE TABLE outcomes (
    outcome     VARCHAR PRIMARY KEY,
    succeeded   BOOLEAN NOT NULL,   -- read, or the same as last time
    retryable   BOOLEAN NOT NULL,   -- trying again later may give another answer
    settled     BOOLEAN NOT NULL,   -- read, and will not become an article by fetching it again
    failure     BOOLEAN NOT NULL    -- counted in runs.failed and in a source's failures
);
