"""What a screening compares a person subject by: its features, sealed.

Subjects enrolled before this revision have none; a screening analyses their particulars
as before, until `interagency records index-screening` writes their keys and features again.

Revision ID: 0029
Revises: 0028
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screening_subjects") as batch:
        batch.add_column(sa.Column("features_sealed", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screening_subjects") as batch:
        batch.drop_column("features_sealed")
