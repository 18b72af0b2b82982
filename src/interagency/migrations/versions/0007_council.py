"""Council secretariat: meetings, agendas, decisions, joint documents, programmes and annual reports.

Revision ID: 0007
Revises: 0006
Created: 2026-11-28
"""

from __future__ import annotations

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
