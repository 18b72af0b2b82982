"""Fixtures of the exchange's integration tests (the three agencies of `tests.support.exchange`)."""

from tests.support.exchange import exchange

__all__ = ["exchange"]
