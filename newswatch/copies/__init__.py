"""Copies: the same text under another URL, headline or boilerplate.

Exact matches first (canonical URL, content hash), then MinHash LSH over word shingles
(``minhash``); the index persists beside the warehouse (``store``).
"""

from newswatch.copies.minhash import CopyIndex, assign_copies, signature_bytes, signatures_for
from newswatch.copies.store import CopyStore, index_path

__all__ = ["CopyIndex", "CopyStore", "assign_copies", "index_path", "signature_bytes", "signatures_for"]
