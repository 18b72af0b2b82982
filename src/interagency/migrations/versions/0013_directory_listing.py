"""Directory listing: a user is addressed by name from other agencies only if their own
agency lists them in the directory. Service accounts are never listed.

Until now any active login could be named. So that existing practice keeps working, the
people already named as recipients on some thread are listed; their agencies may take
them off the directory.

Revision ID: 0013
Revises: 0012
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "listed_in_directory", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("users") as batch:
        batch.alter_column("listed_in_directory", server_default=None)
        batch.create_check_constraint(
            "service_not_listed", "kind = 'person' OR NOT listed_in_directory"
        )
    users = sa.table(
        "users",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("pending", sa.Boolean()),
        sa.column("listed_in_directory", sa.Boolean()),
    )
    recipients = sa.table("exchange_recipients", sa.column("user_id", sa.Integer()))
    named = sa.select(recipients.c.user_id).where(recipients.c.user_id.is_not(None))
    op.execute(
        users.update()
        .where(users.c.id.in_(named), users.c.kind == "person", users.c.pending.is_(False))
        .values(listed_in_directory=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_service_not_listed"), type_="check")
        batch.drop_column("listed_in_directory")
