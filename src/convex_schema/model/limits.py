"""Convex's numeric limits and naming rules (REFERENCE §2.3, §3)."""

from __future__ import annotations

import re

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
TABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
INDEX_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
MAX_IDENTIFIER_LENGTH = 64

MAX_TABLES = 10_000
MAX_INDEXES_PER_TABLE = 32
MAX_INDEX_USER_FIELDS = 15  # 16 including the appended _creationTime
MAX_SEARCH_INDEXES = 4
MAX_VECTOR_INDEXES = 4
MAX_FILTER_FIELDS = 16
MIN_VECTOR_DIMENSIONS = 2
MAX_VECTOR_DIMENSIONS = 4096
RESERVED_INDEX_NAMES = frozenset({"by_id", "by_creation_time"})
SYSTEM_TABLES = frozenset({"_storage", "_scheduled_functions"})
SYSTEM_FIELDS = frozenset({"_id", "_creationTime"})

MAX_DOCUMENT_BYTES = 1 << 20
MAX_NESTING = 16
MAX_OBJECT_FIELDS = 1024
MAX_ARRAY_LENGTH = 8192
MAX_FIELD_NAME_LENGTH = 1024


def is_identifier(name: str) -> bool:
    """A validator field name: `[A-Za-z_][A-Za-z0-9_]*`, ≤ 64, not all `_`."""
    return (
        bool(IDENTIFIER.match(name))
        and len(name) <= MAX_IDENTIFIER_LENGTH
        and name.strip("_") != ""
    )
