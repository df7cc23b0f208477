"""The DuckDB warehouse: connection, migrations, loading, state for the incremental stages."""

from newswatch.warehouse.db import connect, migrate, quote_ident

__all__ = ["connect", "migrate", "quote_ident"]
