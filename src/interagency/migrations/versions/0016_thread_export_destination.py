"""Export consent for one destination: a request for the originator's consent to export
a thread may name a registered third party; the consent it brings covers that third
party only. Requests without one, as all earlier requests, are for the requesting
agency's own use.

Revision ID: 0016
Revises: 0015
Created: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_disseminations") as batch:
        batch.add_column(sa.Column("third_party_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_exchange_disseminations_third_party_id_third_parties"),
            "third_parties",
            ["third_party_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("exchange_disseminations") as batch:
        batch.drop_constraint(
            batch.f("fk_exchange_disseminations_third_party_id_third_parties"),
            type_="foreignkey",
        )
        batch.drop_column("third_party_id")
