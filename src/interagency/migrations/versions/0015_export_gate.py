"""The export gate: third parties with their legal basis, owners' consents per
destination, the record of every export, bulk-read subscriptions and daily read counts.

Revision ID: 0015
Revises: 0014
Created: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bulk_reads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("door", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bulk_reads_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "door", "day", name=op.f("pk_bulk_reads")),
    )
    op.create_table(
        "third_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "name", sa.String(length=200), nullable=False, comment="the body's official name"
        ),
        sa.Column(
            "country", sa.String(length=2), nullable=False, comment="ISO 3166-1 alpha-2, or XX"
        ),
        sa.Column("legal_basis_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["users.id"], name=op.f("fk_third_parties_entered_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_third_parties")),
        sa.UniqueConstraint("public_id", name=op.f("uq_third_parties_public_id")),
    )
    op.create_table(
        "export_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("third_party_id", sa.Integer(), nullable=False),
        sa.Column("object_kind", sa.String(length=32), nullable=False),
        sa.Column(
            "object_ref", sa.String(length=64), nullable=True, comment="a public id; none: all"
        ),
        sa.Column("granted_by_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["users.id"], name=op.f("fk_export_consents_granted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_export_consents_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["third_party_id"],
            ["third_parties.id"],
            name=op.f("fk_export_consents_third_party_id_third_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"], ["users.id"], name=op.f("fk_export_consents_withdrawn_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_consents")),
        sa.UniqueConstraint("public_id", name=op.f("uq_export_consents_public_id")),
    )
    with op.batch_alter_table("export_consents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_export_consents_owner_agency_id_third_party_id_object_kind"),
            ["owner_agency_id", "third_party_id", "object_kind"],
            unique=False,
        )

    op.create_table(
        "export_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("reader_user_id", sa.Integer(), nullable=False),
        sa.Column("door", sa.String(length=40), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("purpose_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("third_party_id", sa.Integer(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'refused', 'ended')",
            name=op.f("ck_export_subscriptions_status_known"),
        ),
        sa.CheckConstraint("daily_limit > 0", name=op.f("ck_export_subscriptions_limit_positive")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_export_subscriptions_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["users.id"], name=op.f("fk_export_subscriptions_asked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_export_subscriptions_decided_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["reader_user_id"],
            ["users.id"],
            name=op.f("fk_export_subscriptions_reader_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["third_party_id"],
            ["third_parties.id"],
            name=op.f("fk_export_subscriptions_third_party_id_third_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_subscriptions")),
        sa.UniqueConstraint("public_id", name=op.f("uq_export_subscriptions_public_id")),
    )
    with op.batch_alter_table("export_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_export_subscriptions_reader_user_id_door_status"),
            ["reader_user_id", "door", "status"],
            unique=False,
        )

    op.create_table(
        "export_subscription_reach",
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("first_read_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_export_subscription_reach_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["export_subscriptions.id"],
            name=op.f("fk_export_subscription_reach_subscription_id_export_subscriptions"),
        ),
        sa.PrimaryKeyConstraint(
            "subscription_id", "agency_id", name=op.f("pk_export_subscription_reach")
        ),
    )
    op.create_table(
        "exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("door", sa.String(length=40), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("reader_user_id", sa.Integer(), nullable=True),
        sa.Column("reader_agency_id", sa.Integer(), nullable=True),
        sa.Column("destination", sa.String(length=16), nullable=False),
        sa.Column("target_agency_id", sa.Integer(), nullable=True),
        sa.Column("third_party_id", sa.Integer(), nullable=True),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "destination IN ('reader', 'agency', 'third_party')",
            name=op.f("ck_exports_destination_known"),
        ),
        sa.ForeignKeyConstraint(
            ["reader_agency_id"], ["agencies.id"], name=op.f("fk_exports_reader_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["reader_user_id"], ["users.id"], name=op.f("fk_exports_reader_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["export_subscriptions.id"],
            name=op.f("fk_exports_subscription_id_export_subscriptions"),
        ),
        sa.ForeignKeyConstraint(
            ["target_agency_id"], ["agencies.id"], name=op.f("fk_exports_target_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["third_party_id"],
            ["third_parties.id"],
            name=op.f("fk_exports_third_party_id_third_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
        sa.UniqueConstraint("public_id", name=op.f("uq_exports_public_id")),
    )
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exports_reader_agency_id_created_at"),
            ["reader_agency_id", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exports_reader_agency_id_created_at"))

    op.drop_table("exports")
    op.drop_table("export_subscription_reach")
    with op.batch_alter_table("export_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_subscriptions_reader_user_id_door_status"))

    op.drop_table("export_subscriptions")
    with op.batch_alter_table("export_consents", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_export_consents_owner_agency_id_third_party_id_object_kind")
        )

    op.drop_table("export_consents")
    op.drop_table("third_parties")
    op.drop_table("bulk_reads")
