-- A warehouse from before checksums: the column they go in (filled from the files on this open).
ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum VARCHAR;
