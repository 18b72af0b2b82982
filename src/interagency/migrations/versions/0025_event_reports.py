"""Major events after the event: the host"s after-action report on an event (its sealed
findings and, once final, its sealed figures).

Going down drops the table and every report kept in it.

Revision ID: 0025
Revises: 0024
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("worked_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("failed_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("recommendations_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("figures_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.Column("final_at", UTCDateTime(), nullable=True),
        sa.Column("final_by_id", sa.Integer(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_reports_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["final_by_id"], ["users.id"], name=op.f("fk_event_reports_final_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_event_reports_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_reports")),
        sa.UniqueConstraint("event_id", name=op.f("uq_event_reports_event_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_reports_public_id")),
    )


def downgrade() -> None:
    op.drop_table("event_reports")
