"""Imports every feature's models so that Alembic and the tests see the whole schema."""

from interagency.audit import models as audit_models
from interagency.identity import models as identity_models

__all__ = ["audit_models", "identity_models"]
