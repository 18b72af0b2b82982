"""Vault: per-agency data keys wrapped by the master key; the content-addressed attachment store.

Revision ID: 0004
Revises: 0003
Created: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_data_keys",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("master_key_id", sa.String(length=64), nullable=False),
        sa.Column(
            "wrapped_key",
            sa.LargeBinary(),
            nullable=False,
            comment="AES-256-GCM under the master key: nonce | ciphertext | tag",
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_agency_data_keys_version_positive")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_agency_data_keys_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("agency_id", "version", name=op.f("pk_agency_data_keys")),
    )
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False, comment="bytes of plaintext"),
        sa.Column(
            "media_type", sa.String(length=100), nullable=False, comment="sniffed from the content"
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reference_count", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_stored_files_sha256_length")),
        sa.CheckConstraint(
            "reference_count >= 0", name=op.f("ck_stored_files_reference_count_not_negative")
        ),
        sa.CheckConstraint("size >= 0", name=op.f("ck_stored_files_size_not_negative")),
        sa.CheckConstraint(
            "status IN ('quarantined', 'clean', 'rejected')",
            name=op.f("ck_stored_files_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_stored_files_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint("agency_id", "sha256", name=op.f("uq_stored_files_agency_id_sha256")),
    )


def downgrade() -> None:
    op.drop_table("stored_files")
    op.drop_table("agency_data_keys")
