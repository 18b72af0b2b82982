"""Outbox of e-mail notifications, and e-mail addresses of users.

Revision ID: 0005
Revises: 0004
Created: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False, comment="e-mail address"),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')", name=op.f("ck_outbox_emails_status_known")
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_emails_attempts_not_negative")),
        sa.CheckConstraint(
            "(status = 'sent') = (sent_at IS NOT NULL)",
            name=op.f("ck_outbox_emails_sent_iff_sent_at"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_emails")),
        comment="Transactional outbox of e-mail notifications; no message content",
    )
    op.create_index(
        op.f("ix_outbox_emails_status_next_attempt_at"),
        "outbox_emails",
        ["status", "next_attempt_at"],
    )
    op.create_index(op.f("ix_outbox_emails_reference"), "outbox_emails", ["reference"])
    op.add_column(
        "users",
        sa.Column(
            "email",
            sa.String(length=254),
            nullable=True,
            comment="e-mail address for notifications",
        ),
    )


def downgrade() -> None:
    op.drop_column("users", "email")
    op.drop_index(op.f("ix_outbox_emails_reference"), table_name="outbox_emails")
    op.drop_index(op.f("ix_outbox_emails_status_next_attempt_at"), table_name="outbox_emails")
    op.drop_table("outbox_emails")
