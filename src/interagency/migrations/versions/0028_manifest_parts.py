"""Parts of a day's manifest: ranges of its rows that jobs screen side by side.

A manifest that was running when this revision came in has no parts; its job, run again,
splits the rows after those it had screened (its count of rows read) into parts.

Revision ID: 0028
Revises: 0027
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crossing_manifest_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manifest_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("first_row", sa.Integer(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["manifest_id"],
            ["crossing_manifests.id"],
            name=op.f("fk_crossing_manifest_parts_manifest_id_crossing_manifests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crossing_manifest_parts")),
        sa.UniqueConstraint(
            "manifest_id", "number", name=op.f("uq_crossing_manifest_parts_manifest_id_number")
        ),
    )
    op.create_index(
        op.f("ix_crossing_manifest_parts_manifest_id"),
        "crossing_manifest_parts",
        ["manifest_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_crossing_manifest_parts_manifest_id"), table_name="crossing_manifest_parts"
    )
    op.drop_table("crossing_manifest_parts")
