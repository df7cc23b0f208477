-- An applied migration: $1 version, $2 name, $3 when, $4 the sha256 of its file.
INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (?, ?, ?, ?);
