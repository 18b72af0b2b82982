"""Audit: the append-only, hash-chained trail of every access, with signed heads."""
