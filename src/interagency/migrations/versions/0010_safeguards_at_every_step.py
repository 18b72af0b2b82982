"""Safeguards at every step: hits withdrawn by a change and expired by the daily sweep,
requests withdrawn with them, and approvals bound to a digest of what they saw.

Revision ID: 0010
Revises: 0009
Created: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STATUSES = "'none', 'requested', 'proposed', 'released', 'refused'"


def upgrade() -> None:
    with op.batch_alter_table("record_hits") as batch:
        batch.add_column(sa.Column("release_digest", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("withdrawn_by_agency_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("expired_at", UTCDateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_record_hits_withdrawn_by_agency_id_agencies",
            "agencies",
            ["withdrawn_by_agency_id"],
            ["id"],
        )
        batch.drop_constraint(op.f("ck_record_hits_details_status_known"), type_="check")
        batch.create_check_constraint(
            "details_status_known", f"details_status IN ({STATUSES}, 'withdrawn')"
        )
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("necessity_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_column("necessity_digest")
    hits = sa.table("record_hits", sa.column("details_status", sa.String()))
    op.execute(
        hits.update().where(hits.c.details_status == "withdrawn").values(details_status="refused")
    )
    with op.batch_alter_table("record_hits") as batch:
        batch.drop_constraint(op.f("ck_record_hits_details_status_known"), type_="check")
        batch.create_check_constraint("details_status_known", f"details_status IN ({STATUSES})")
        batch.drop_constraint(
            op.f("fk_record_hits_withdrawn_by_agency_id_agencies"), type_="foreignkey"
        )
        batch.drop_column("expired_at")
        batch.drop_column("withdrawn_by_agency_id")
        batch.drop_column("withdrawn_at")
        batch.drop_column("release_digest")
