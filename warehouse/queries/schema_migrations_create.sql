-- The migration runner's record: one row per applied migration, with the sha256 of its file.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL,
    checksum VARCHAR
);
