-- The file behind the connection (NULL for an in-memory database).
SELECT path FROM duckdb_databases() WHERE database_name = current_database();
