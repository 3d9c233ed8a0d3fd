"""The `convex-schema` command line: thin commands over the library."""
