"""Imports every feature's models so that Alembic and the tests see the whole schema."""

from interagency.identity import models as identity_models

__all__ = ["identity_models"]
