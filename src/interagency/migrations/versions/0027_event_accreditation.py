"""Major events' accreditation screening: the terms an event declares (an applicant
quota and the offences screened for), the records other agencies opt in for it, and the
host's batches of applicants (their particulars and the rest sealed apart under the
host's key, their decisions and contests).

Going down drops the four tables and every applicant kept in them; their screening
subjects and hits stay in the screening service's tables, found by nothing.

Revision ID: 0027
Revises: 0026
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_accreditation_terms",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("offences", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_accreditation_terms_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_event_accreditation_terms_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_accreditation_terms")),
    )
    op.create_table(
        "event_applicant_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("host_agency_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("screened_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("cleared", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "status IN ('awaiting_approval', 'approved', 'screened', 'decided')",
            name=op.f("ck_event_applicant_batches_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_event_applicant_batches_approved_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_event_applicant_batches_decided_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_applicant_batches_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["host_agency_id"],
            ["agencies.id"],
            name=op.f("fk_event_applicant_batches_host_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_event_applicant_batches_uploaded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_applicant_batches")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_applicant_batches_public_id")),
    )
    with op.batch_alter_table("event_applicant_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_applicant_batches_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "event_accreditation_optins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("opted_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_event_accreditation_optins_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_accreditation_optins_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["opted_by_id"],
            ["users.id"],
            name=op.f("fk_event_accreditation_optins_opted_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_event_accreditation_optins_record_id_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_accreditation_optins")),
        sa.UniqueConstraint(
            "event_id", "record_id", name=op.f("uq_event_accreditation_optins_event_id_record_id")
        ),
    )
    with op.batch_alter_table("event_accreditation_optins", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_accreditation_optins_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_accreditation_optins_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "event_applicants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("host_agency_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("particulars_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("profile_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("reason_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("contest_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("contested_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "decision IN ('accredited', 'refused')", name=op.f("ck_event_applicants_decision_known")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["event_applicant_batches.id"],
            name=op.f("fk_event_applicants_batch_id_event_applicant_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_event_applicants_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_applicants_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["host_agency_id"],
            ["agencies.id"],
            name=op.f("fk_event_applicants_host_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_applicants")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_applicants_public_id")),
    )
    with op.batch_alter_table("event_applicants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_applicants_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_applicants_event_id"), ["event_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("event_applicants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_applicants_event_id"))
        batch_op.drop_index(batch_op.f("ix_event_applicants_batch_id"))

    op.drop_table("event_applicants")
    with op.batch_alter_table("event_accreditation_optins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_accreditation_optins_record_id"))
        batch_op.drop_index(batch_op.f("ix_event_accreditation_optins_event_id"))

    op.drop_table("event_accreditation_optins")
    with op.batch_alter_table("event_applicant_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_applicant_batches_event_id"))

    op.drop_table("event_applicant_batches")
    op.drop_table("event_accreditation_terms")
