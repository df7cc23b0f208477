-- Web sources: what each URL answered last (sent back as a conditional GET) and each source's
-- standing (failures in a row, back-off, items seen and new on its last successful read).

CREATE TABLE http_cache (
    url             VARCHAR PRIMARY KEY,
    etag            VARCHAR,
    last_modified   VARCHAR,                      -- the header as the server sent it
    content_sha256  VARCHAR,                      -- of the body: the same bytes cost no parsing
    checked_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE source_state (
    source               VARCHAR PRIMARY KEY,     -- the configured source's name
    last_success_at      TIMESTAMPTZ,
    last_error           VARCHAR,
    last_error_at        TIMESTAMPTZ,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    items_seen           INTEGER NOT NULL DEFAULT 0,
    items_new            INTEGER NOT NULL DEFAULT 0,
    backoff_until        TIMESTAMPTZ,             -- not tried again before this; NULL: not backing off
    updated_at           TIMESTAMPTZ NOT NULL
);
