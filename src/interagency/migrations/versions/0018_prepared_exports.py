"""Exports of long threads prepared by a background job: what was asked for, by whom, in
which format, language and time zone, for which destination; the export the gate
recorded when the job let the thread out; the file, sealed in the file store under the
reader's agency, its name (sealed) and until when it is served.

Going down forgets the prepared exports and gives back their hold on the stored files,
which the file store then collects as unreferenced.

Revision ID: 0018
Revises: 0017
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_TABLE = "exchange_prepared_exports"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("third_party", sa.String(length=26), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("export_id", sa.String(length=26), nullable=True),
        sa.Column("restriction_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("stored_file_id", sa.Integer(), nullable=True),
        sa.Column("filename_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("problem_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("ready_at", UTCDateTime(), nullable=True),
        sa.Column("deliver_until", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "format IN ('pdf', 'csv')", name=op.f("ck_exchange_prepared_exports_format_known")
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'ready', 'failed', 'expired')",
            name=op.f("ck_exchange_prepared_exports_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"],
            name=op.f("fk_exchange_prepared_exports_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"], ["stored_files.id"],
            name=op.f("fk_exchange_prepared_exports_stored_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["exchange_threads.id"],
            name=op.f("fk_exchange_prepared_exports_thread_id_exchange_threads"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_exchange_prepared_exports_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_prepared_exports")),
        sa.UniqueConstraint("export_id", name=op.f("uq_exchange_prepared_exports_export_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_exchange_prepared_exports_public_id")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_exchange_prepared_exports_status_deliver_until"),
        _TABLE,
        ["status", "deliver_until"],
    )
    op.create_index(op.f("ix_exchange_prepared_exports_thread_id"), _TABLE, ["thread_id"])
    op.create_index(op.f("ix_exchange_prepared_exports_user_id"), _TABLE, ["user_id"])


def downgrade() -> None:
    op.execute(
        "UPDATE stored_files SET reference_count = reference_count - ("
        "SELECT count(*) FROM exchange_prepared_exports p WHERE p.stored_file_id = stored_files.id"
        ") WHERE id IN (SELECT stored_file_id FROM exchange_prepared_exports)"
    )
    op.drop_index(op.f("ix_exchange_prepared_exports_user_id"), table_name=_TABLE)
    op.drop_index(op.f("ix_exchange_prepared_exports_thread_id"), table_name=_TABLE)
    op.drop_index(op.f("ix_exchange_prepared_exports_status_deliver_until"), table_name=_TABLE)
    op.drop_table(_TABLE)
