"""Migrations: the risks of a change, checked against the data."""
