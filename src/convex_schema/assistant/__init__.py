"""The assistant: plain English in, schema operations out, with reasons.

The built-in engine is deterministic and offline: `design(text)` turns a
description into a new schema and `edit(text, schema)` into operations on an
existing one, each operation carrying why it is there, the Convex practice it
follows and what to watch out for.
"""
