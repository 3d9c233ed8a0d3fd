"""Diff: two schemas → operations, each classified by what it needs.

Comparison is set algebra over names, one comparator per kind of object
(tables, fields, indexes), as a migration tool's autogenerate does. Renames
are detected (same validator, a close name, one removed and one added) and
offered as renames, which the caller can accept or reject one by one.
"""

from convex_schema.diff.compare import Change, DiffOptions, diff_schemas

__all__ = ["Change", "DiffOptions", "diff_schemas"]
