"""Member states of the council.

Revision ID: 0001
Revises:
Created: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iso_alpha2", sa.String(length=2), nullable=False),
        sa.Column("iso_alpha3", sa.String(length=3), nullable=False),
        sa.Column("name_ru", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "length(iso_alpha2) = 2", name=op.f("ck_member_states_iso_alpha2_length")
        ),
        sa.CheckConstraint(
            "length(iso_alpha3) = 3", name=op.f("ck_member_states_iso_alpha3_length")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_states")),
        sa.UniqueConstraint("iso_alpha2", name=op.f("uq_member_states_iso_alpha2")),
        sa.UniqueConstraint("iso_alpha3", name=op.f("uq_member_states_iso_alpha3")),
    )


def downgrade() -> None:
    op.drop_table("member_states")
