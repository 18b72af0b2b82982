"""The blind index of person records' names, for the search by name: keyed hashes of a
name's search keys under the owning agency's index key.

The keys are in the vault, which a migration does not open: records stored before this
revision are indexed by `interagency records index-names`, run once after the upgrade.
Going down drops the index; the names stay sealed in the records.

Revision ID: 0019
Revises: 0018
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_TABLE = "record_name_terms"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_record_name_terms_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_record_name_terms_record_id_records")
        ),
        sa.PrimaryKeyConstraint("record_id", "term", name=op.f("pk_record_name_terms")),
    )
    op.create_index("ix_record_name_terms_lookup", _TABLE, ["agency_id", "term", "record_id"])


def downgrade() -> None:
    op.drop_index("ix_record_name_terms_lookup", table_name=_TABLE)
    op.drop_table(_TABLE)
