"""Snapshots: a deployment's exported data, read, validated, inferred and profiled."""
