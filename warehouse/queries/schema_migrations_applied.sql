-- The applied migrations: version, name, checksum (NULL when applied before checksums).
SELECT version, name, checksum FROM schema_migrations ORDER BY version;
