-- The checksum of a migration applied before checksums were kept. $1 checksum, $2 version.
UPDATE schema_migrations SET checksum = ? WHERE version = ? AND checksum IS NULL;
