"""Refusal tallies: the refusals of one source after the first in a minute are counted,
and appended to the audit as one entry when the minute is over (`audit.refusals`).

Revision ID: 0014
Revises: 0013
Created: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refusal_tallies",
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("minute", UTCDateTime(), nullable=False),
        sa.Column("repeated", sa.Integer(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_login", sa.String(length=200), nullable=True),
        sa.Column("actor_agency_id", sa.Integer(), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("source_hash", name=op.f("pk_refusal_tallies")),
    )
    op.create_index(op.f("ix_refusal_tallies_minute"), "refusal_tallies", ["minute"])


def downgrade() -> None:
    op.drop_index(op.f("ix_refusal_tallies_minute"), table_name="refusal_tallies")
    op.drop_table("refusal_tallies")
