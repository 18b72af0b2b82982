"""Background jobs: the job outbox (`jobs`), and bulk uploads read by a job from their
sealed file. An upload keeps its file until its job is over, a sealed report (the file's
name and the problems found), and how far its job has come; a record names the upload
that stored it, so a job run again never stores a row twice.

Uploads from before ran in a thread of the server that is gone: one still running is
marked failed (its stored records wait for `interagency records rescreen`).

Revision ID: 0017
Revises: 0016
Created: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_STATUS_OLD = "status IN ('running', 'done', 'failed')"
_STATUS_NEW = "status IN ('queued', 'running', 'done', 'rejected', 'failed')"
_STAGES = "stage IN ('queued', 'checking', 'storing', 'cross-checking', 'finished')"


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("acting_user_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("done_count", sa.Integer(), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=120), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("queued_at", UTCDateTime(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'queued', 'running', 'retrying', 'done', 'dead')",
            name=op.f("ck_jobs_state_known"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_jobs_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["acting_user_id"], ["users.id"], name=op.f("fk_jobs_acting_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("key", name=op.f("uq_jobs_key")),
        sa.UniqueConstraint("public_id", name=op.f("uq_jobs_public_id")),
    )
    op.create_index(op.f("ix_jobs_state_queued_at"), "jobs", ["state", "queued_at"])

    op.execute(
        "UPDATE record_uploads SET status = 'failed' WHERE status = 'running'"
    )  # fmt: skip
    op.execute("UPDATE record_uploads SET stage = 'finished'")
    with op.batch_alter_table("record_uploads") as batch:
        batch.add_column(sa.Column("stored_file_id", sa.Integer(), nullable=True))
        for name in ("rows_checked", "problems_found", "rows_done"):
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("accept_valid_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("report_sealed", sa.LargeBinary(), nullable=True))
        batch.alter_column(
            "stage",
            existing_type=sa.String(length=200),
            type_=sa.String(length=32),
            existing_nullable=False,
        )
        batch.create_foreign_key(
            batch.f("fk_record_uploads_stored_file_id_stored_files"),
            "stored_files",
            ["stored_file_id"],
            ["id"],
        )
        batch.drop_constraint(op.f("ck_record_uploads_status_known"), type_="check")
        batch.create_check_constraint("status_known", _STATUS_NEW)
        batch.create_check_constraint("stage_known", _STAGES)
    with op.batch_alter_table("record_uploads") as batch:
        for name in ("rows_checked", "problems_found", "rows_done", "accept_valid_only"):
            batch.alter_column(name, server_default=None)

    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("upload_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_records_upload_id"), ["upload_id"])
        batch.create_foreign_key(
            batch.f("fk_records_upload_id_record_uploads"), "record_uploads", ["upload_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_constraint(batch.f("fk_records_upload_id_record_uploads"), type_="foreignkey")
        batch.drop_index(batch.f("ix_records_upload_id"))
        batch.drop_column("upload_id")

    op.execute("UPDATE record_uploads SET status = 'failed' WHERE status IN ('queued', 'rejected')")
    with op.batch_alter_table("record_uploads") as batch:
        batch.drop_constraint(op.f("ck_record_uploads_stage_known"), type_="check")
        batch.drop_constraint(op.f("ck_record_uploads_status_known"), type_="check")
        batch.create_check_constraint("status_known", _STATUS_OLD)
        batch.drop_constraint(
            batch.f("fk_record_uploads_stored_file_id_stored_files"), type_="foreignkey"
        )
        batch.alter_column(
            "stage",
            existing_type=sa.String(length=32),
            type_=sa.String(length=200),
            existing_nullable=False,
        )
        for name in (
            "report_sealed", "accept_valid_only", "rows_done", "problems_found", "rows_checked",
            "stored_file_id",
        ):  # fmt: skip
            batch.drop_column(name)

    op.drop_index(op.f("ix_jobs_state_queued_at"), table_name="jobs")
    op.drop_table("jobs")
