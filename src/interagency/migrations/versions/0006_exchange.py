"""Exchange: threads, messages, recipients, receipts, dissemination requests and the blind index.

Revision ID: 0006
Revises: 0005
Created: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("originator_agency_id", sa.Integer(), nullable=False),
        sa.Column("originator_desk_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("subject_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("restriction_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("case_numbers", sa.String(length=400), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "handling_code IN ('H0', 'H1', 'H2', 'H3')",
            name=op.f("ck_exchange_threads_handling_known"),
        ),
        sa.CheckConstraint(
            "kind IN ('request', 'notification', 'alert', 'reply')",
            name=op.f("ck_exchange_threads_kind_known"),
        ),
        sa.CheckConstraint(
            "priority IN ('routine', 'urgent', 'immediate')",
            name=op.f("ck_exchange_threads_priority_known"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'answered', 'closed')",
            name=op.f("ck_exchange_threads_status_known"),
        ),
        sa.CheckConstraint(
            "tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')",
            name=op.f("ck_exchange_threads_tlp_known"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_exchange_threads_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["originator_agency_id"],
            ["agencies.id"],
            name=op.f("fk_exchange_threads_originator_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["originator_desk_id"],
            ["desks.id"],
            name=op.f("fk_exchange_threads_originator_desk_id_desks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_threads")),
        sa.UniqueConstraint("reference", name=op.f("uq_exchange_threads_reference")),
    )
    with op.batch_alter_table("exchange_threads", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_threads_originator_updated",
            ["originator_agency_id", "updated_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_threads_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "exchange_disseminations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requesting_agency_id", sa.Integer(), nullable=False),
        sa.Column("target_agency_id", sa.Integer(), nullable=True),
        sa.Column("target_desk_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=1000), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('recipient', 'export')",
            name=op.f("ck_exchange_disseminations_purpose_known"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'refused')",
            name=op.f("ck_exchange_disseminations_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_exchange_disseminations_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name=op.f("fk_exchange_disseminations_requested_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["requesting_agency_id"],
            ["agencies.id"],
            name=op.f("fk_exchange_disseminations_requesting_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["target_agency_id"],
            ["agencies.id"],
            name=op.f("fk_exchange_disseminations_target_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["target_desk_id"],
            ["desks.id"],
            name=op.f("fk_exchange_disseminations_target_desk_id_desks"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_exchange_disseminations_thread_id_exchange_threads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_disseminations")),
    )
    with op.batch_alter_table("exchange_disseminations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_disseminations_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "exchange_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("source_grade", sa.String(length=1), nullable=False),
        sa.Column("information_grade", sa.String(length=1), nullable=False),
        sa.Column("body_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "handling_code IN ('H0', 'H1', 'H2', 'H3')",
            name=op.f("ck_exchange_messages_handling_known"),
        ),
        sa.CheckConstraint(
            "information_grade IN ('1', '2', '3', '4')",
            name=op.f("ck_exchange_messages_information_known"),
        ),
        sa.CheckConstraint(
            "kind IN ('request', 'notification', 'alert', 'reply')",
            name=op.f("ck_exchange_messages_kind_known"),
        ),
        sa.CheckConstraint(
            "source_grade IN ('A', 'B', 'C', 'X')", name=op.f("ck_exchange_messages_source_known")
        ),
        sa.CheckConstraint(
            "tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')",
            name=op.f("ck_exchange_messages_tlp_known"),
        ),
        sa.ForeignKeyConstraint(
            ["author_agency_id"],
            ["agencies.id"],
            name=op.f("fk_exchange_messages_author_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_exchange_messages_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_exchange_messages_thread_id_exchange_threads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_messages")),
    )
    with op.batch_alter_table("exchange_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_messages_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "exchange_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("desk_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("deadline_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("dissemination_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'answered', 'closed')",
            name=op.f("ck_exchange_recipients_status_known"),
        ),
        sa.CheckConstraint(
            "desk_id IS NULL OR user_id IS NULL", name=op.f("ck_exchange_recipients_desk_or_user")
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
            name=op.f("fk_exchange_recipients_acknowledged_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_exchange_recipients_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["desk_id"], ["desks.id"], name=op.f("fk_exchange_recipients_desk_id_desks")
        ),
        sa.ForeignKeyConstraint(
            ["dissemination_id"],
            ["exchange_disseminations.id"],
            name=op.f("fk_exchange_recipients_dissemination_id_exchange_disseminations"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_exchange_recipients_thread_id_exchange_threads"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_exchange_recipients_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_recipients")),
    )
    with op.batch_alter_table("exchange_recipients", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_recipients_agency_thread", ["agency_id", "thread_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_recipients_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "exchange_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("filename_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["exchange_messages.id"],
            name=op.f("fk_exchange_attachments_message_id_exchange_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_files.id"],
            name=op.f("fk_exchange_attachments_stored_file_id_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_attachments")),
    )
    with op.batch_alter_table("exchange_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_attachments_message_id"), ["message_id"], unique=False
        )

    op.create_table(
        "exchange_thread_links",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("linked_thread_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["linked_thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_exchange_thread_links_linked_thread_id_exchange_threads"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_exchange_thread_links_thread_id_exchange_threads"),
        ),
        sa.PrimaryKeyConstraint(
            "thread_id", "linked_thread_id", name=op.f("pk_exchange_thread_links")
        ),
    )
    op.create_table(
        "exchange_read_receipts",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_exchange_read_receipts_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_exchange_read_receipts_thread_id_exchange_threads"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_exchange_read_receipts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("thread_id", "agency_id", name=op.f("pk_exchange_read_receipts")),
    )
    op.create_table(
        "exchange_inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_exchange_inspections_thread_id_exchange_threads"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_exchange_inspections_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_inspections")),
    )
    with op.batch_alter_table("exchange_inspections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_inspections_thread_id"), ["thread_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_inspections_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "exchange_index_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("in_subject", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_exchange_index_terms_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["exchange_messages.id"],
            name=op.f("fk_exchange_index_terms_message_id_exchange_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_exchange_index_terms_thread_id_exchange_threads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_index_terms")),
        sa.UniqueConstraint(
            "agency_id",
            "term",
            "message_id",
            name=op.f("uq_exchange_index_terms_agency_id_term_message_id"),
        ),
    )
    with op.batch_alter_table("exchange_index_terms", schema=None) as batch_op:
        batch_op.create_index("ix_exchange_index_terms_thread", ["thread_id"], unique=False)
        batch_op.create_index(
            "ix_exchange_index_terms_lookup",
            ["agency_id", "term", "thread_id", "in_subject"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("exchange_index_terms")
    op.drop_table("exchange_inspections")
    op.drop_table("exchange_read_receipts")
    op.drop_table("exchange_thread_links")
    op.drop_table("exchange_attachments")
    op.drop_table("exchange_recipients")
    op.drop_table("exchange_messages")
    op.drop_table("exchange_disseminations")
    op.drop_table("exchange_threads")
