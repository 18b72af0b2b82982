"""Accounts approved by the owning agency: pending and service accounts, personnel numbers,
requests bound to the agency and to a digest of what was asked, enrolment links.

Requests still pending were asked under the old rules (an administrator approving); they
are withdrawn, never carried out, and stay for the record.

Revision ID: 0009
Revises: 0008
Created: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

HOLDS_NUMBER = "NOT pending OR disabled_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="person")
        )
        batch.add_column(
            sa.Column(
                "personnel_number",
                sa.String(length=32),
                nullable=True,
                comment="the agency's personnel number of the person",
            )
        )
        batch.add_column(
            sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.alter_column(
            "password_hash", existing_type=sa.String(length=200), nullable=True,
            existing_comment="argon2id",
        )  # fmt: skip
        batch.create_check_constraint("kind_known", "kind IN ('person', 'service')")
        batch.create_check_constraint(
            "service_has_no_password",
            "kind = 'person' OR (password_hash IS NULL AND personnel_number IS NULL)",
        )
    with op.batch_alter_table("users") as batch:
        batch.alter_column("kind", server_default=None)
        batch.alter_column("pending", server_default=None)
    op.create_index(
        "uq_users_agency_personnel_number",
        "users",
        ["agency_id", "personnel_number"],
        unique=True,
        sqlite_where=sa.text(HOLDS_NUMBER),
        postgresql_where=sa.text(HOLDS_NUMBER),
    )

    with op.batch_alter_table("approval_requests") as batch:
        batch.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
    approvals = sa.table(
        "approval_requests",
        sa.column("agency_id", sa.Integer()),
        sa.column("target_user_id", sa.Integer()),
        sa.column("requested_by_id", sa.Integer()),
        sa.column("digest", sa.String()),
        sa.column("status", sa.String()),
    )
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("agency_id", sa.Integer()))
    owner = (
        sa.select(users.c.agency_id)
        .where(
            users.c.id == sa.func.coalesce(approvals.c.target_user_id, approvals.c.requested_by_id)
        )
        .scalar_subquery()
    )
    op.execute(approvals.update().values(agency_id=owner, digest=""))
    op.execute(approvals.update().where(approvals.c.status == "pending").values(status="withdrawn"))
    with op.batch_alter_table("approval_requests") as batch:
        batch.alter_column("agency_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("digest", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("requested_by_id", existing_type=sa.Integer(), nullable=True)
        batch.drop_constraint(op.f("ck_approval_requests_status_known"), type_="check")
        batch.create_check_constraint(
            "status_known", "status IN ('pending', 'approved', 'refused', 'withdrawn')"
        )
        batch.create_foreign_key(
            "fk_approval_requests_agency_id_agencies", "agencies", ["agency_id"], ["id"]
        )
    op.create_index(op.f("ix_approval_requests_agency_id"), "approval_requests", ["agency_id"])

    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("approval_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_api_tokens_approval_id_approval_requests",
            "approval_requests",
            ["approval_id"],
            ["id"],
        )

    op.create_table(
        "enrolment_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("approval_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approval_id"],
            ["approval_requests.id"],
            name=op.f("fk_enrolment_links_approval_id_approval_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_enrolment_links_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_enrolment_links_token_hash")),
    )
    op.create_index(op.f("ix_enrolment_links_user_id"), "enrolment_links", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_enrolment_links_user_id"), table_name="enrolment_links")
    op.drop_table("enrolment_links")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(
            op.f("fk_api_tokens_approval_id_approval_requests"), type_="foreignkey"
        )
        batch.drop_column("approval_id")

    op.drop_index(op.f("ix_approval_requests_agency_id"), table_name="approval_requests")
    # Requests of the operator, and those withdrawn, have no place in the older schema.
    approvals = sa.table(
        "approval_requests",
        sa.column("requested_by_id", sa.Integer()),
        sa.column("status", sa.String()),
    )
    op.execute(approvals.update().where(approvals.c.status == "withdrawn").values(status="refused"))
    op.execute(approvals.delete().where(approvals.c.requested_by_id.is_(None)))
    with op.batch_alter_table("approval_requests") as batch:
        batch.drop_constraint(op.f("fk_approval_requests_agency_id_agencies"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_approval_requests_status_known"), type_="check")
        batch.create_check_constraint(
            "status_known", "status IN ('pending', 'approved', 'refused')"
        )
        batch.alter_column("requested_by_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("digest")
        batch.drop_column("agency_id")

    op.drop_index("uq_users_agency_personnel_number", table_name="users")
    # The older schema wants a password hash on every row: "!" is one nothing matches.
    users = sa.table("users", sa.column("password_hash", sa.String()))
    op.execute(users.update().where(users.c.password_hash.is_(None)).values(password_hash="!"))  # noqa: S106
    with op.batch_alter_table("users") as batch:
        batch.alter_column(
            "password_hash", existing_type=sa.String(length=200), nullable=False,
            existing_comment="argon2id",
        )  # fmt: skip
        batch.drop_constraint(op.f("ck_users_service_has_no_password"), type_="check")
        batch.drop_constraint(op.f("ck_users_kind_known"), type_="check")
        batch.drop_column("pending")
        batch.drop_column("personnel_number")
        batch.drop_column("kind")
