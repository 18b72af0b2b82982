"""Encryption at rest: per-agency data keys wrapped by a master key held outside the database, and blind-index terms for searching sealed text."""
