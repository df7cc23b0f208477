"""newswatch: follow a subject across many outlets; each event once, with all its versions."""

from newswatch.errors import (
    ConfigError,
    ExtractionError,
    FetchError,
    NewswatchError,
    SourceError,
    TerminalFetchError,
    TransientFetchError,
    UnreadableInput,
    WarehouseError,
)
from newswatch.records import Article, Document, Extracted, Fetch
from newswatch.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ConfigError",
    "Document",
    "Extracted",
    "ExtractionError",
    "Fetch",
    "FetchError",
    "NewswatchError",
    "Settings",
    "SourceError",
    "TerminalFetchError",
    "TransientFetchError",
    "UnreadableInput",
    "WarehouseError",
    "__version__",
    "load_settings",
]
