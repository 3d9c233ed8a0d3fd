"""Read, check, change and migrate Convex database schemas, offline."""

__version__ = "0.1.0"
