"""Major events" lessons-learned library: a lesson (sealed title and text under its
author"s agency"s key, its words in the vault"s blind index), its threat-category tags
and the member agencies it is shared with when not with all.

Going down drops the three tables and every lesson kept in them (their index terms stay
in the vault"s table, matching no row).

Revision ID: 0026
Revises: 0025
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("event_kind", sa.String(length=32), nullable=False),
        sa.Column("title_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("text_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("shared_with_all", sa.Boolean(), nullable=False),
        sa.Column("author_agency_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "event_kind IN ('sports_competition', 'summit', 'cultural_festival', 'other')",
            name=op.f("ck_event_lessons_event_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["author_agency_id"],
            ["agencies.id"],
            name=op.f("fk_event_lessons_author_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_event_lessons_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_lessons_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_lessons")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_lessons_public_id")),
    )
    with op.batch_alter_table("event_lessons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_lessons_author_agency_id"), ["author_agency_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_event_lessons_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_lesson_shares",
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_event_lesson_shares_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["event_lessons.id"],
            name=op.f("fk_event_lesson_shares_lesson_id_event_lessons"),
        ),
        sa.PrimaryKeyConstraint("lesson_id", "agency_id", name=op.f("pk_event_lesson_shares")),
    )
    with op.batch_alter_table("event_lesson_shares", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_lesson_shares_agency_id"), ["agency_id"], unique=False
        )

    op.create_table(
        "event_lesson_threats",
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "category IN ('armed_attack', 'explosive_attack', 'vehicle_ramming', 'arson',"
            " 'hostage_taking', 'attack_on_protected_person', 'cbrn_attack',"
            " 'unmanned_aircraft_attack', 'sabotage', 'crowd_violence')",
            name=op.f("ck_event_lesson_threats_category_known"),
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["event_lessons.id"],
            name=op.f("fk_event_lesson_threats_lesson_id_event_lessons"),
        ),
        sa.PrimaryKeyConstraint("lesson_id", "category", name=op.f("pk_event_lesson_threats")),
    )


def downgrade() -> None:
    op.drop_table("event_lesson_threats")
    with op.batch_alter_table("event_lesson_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_lesson_shares_agency_id"))

    op.drop_table("event_lesson_shares")
    with op.batch_alter_table("event_lessons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_lessons_event_id"))
        batch_op.drop_index(batch_op.f("ix_event_lessons_author_agency_id"))

    op.drop_table("event_lessons")
