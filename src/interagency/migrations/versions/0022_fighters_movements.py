"""Foreign terrorist fighters: profiles beside person records, border crossings (sealed,
kept only behind a confirmed hit), the days' manifests and the alerts of confirmed hits.

Going down drops the four tables; hits of crossings go with their subjects, which the
screening service's tables keep until then.

Revision ID: 0022
Revises: 0021
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crossing_manifests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("screened", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("problem_count", sa.Integer(), nullable=False),
        sa.Column("refusal", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_crossing_manifests_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_crossing_manifests_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_crossing_manifests_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_files.id"],
            name=op.f("fk_crossing_manifests_stored_file_id_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crossing_manifests")),
        sa.UniqueConstraint("public_id", name=op.f("uq_crossing_manifests_public_id")),
    )
    with op.batch_alter_table("crossing_manifests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crossing_manifests_agency_id"), ["agency_id"], unique=False
        )

    op.create_table(
        "border_crossings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("manifest_id", sa.Integer(), nullable=True),
        sa.Column("manifest_row", sa.Integer(), nullable=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("direction", sa.String(length=5), nullable=False),
        sa.Column("protection", sa.String(length=16), nullable=False),
        sa.Column("protection_from_state_id", sa.Integer(), nullable=True),
        sa.Column("particulars_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("journey_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "(protection = 'none') = (protection_from_state_id IS NULL)",
            name=op.f("ck_border_crossings_protection_names_its_state"),
        ),
        sa.CheckConstraint(
            "direction IN ('entry', 'exit')", name=op.f("ck_border_crossings_direction_known")
        ),
        sa.CheckConstraint(
            "protection IN ('none', 'asylum_seeker', 'refugee')",
            name=op.f("ck_border_crossings_protection_known"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_border_crossings_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["manifest_id"],
            ["crossing_manifests.id"],
            name=op.f("fk_border_crossings_manifest_id_crossing_manifests"),
        ),
        sa.ForeignKeyConstraint(
            ["protection_from_state_id"],
            ["member_states.id"],
            name=op.f("fk_border_crossings_protection_from_state_id_member_states"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_border_crossings_submitted_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_border_crossings")),
        sa.UniqueConstraint("public_id", name=op.f("uq_border_crossings_public_id")),
    )
    with op.batch_alter_table("border_crossings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_border_crossings_agency_occurred", ["agency_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_border_crossings_manifest_id"), ["manifest_id"], unique=False
        )

    op.create_table(
        "fighter_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("conflict_zone", sa.String(length=3), nullable=False),
        sa.Column("departed_on", sa.Date(), nullable=True),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("status_since", sa.Date(), nullable=False),
        sa.Column("basis_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("basis_dated", sa.Date(), nullable=False),
        sa.Column("un_group", sa.String(length=16), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "status IN ('suspected_departure', 'in_conflict_zone', 'returned', 'detained',"
            " 'prosecuted', 'deceased')",
            name=op.f("ck_fighter_profiles_status_known"),
        ),
        sa.CheckConstraint(
            "length(conflict_zone) = 3", name=op.f("ck_fighter_profiles_zone_is_alpha3")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_fighter_profiles_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_fighter_profiles_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_fighter_profiles_record_id_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fighter_profiles")),
        sa.UniqueConstraint("public_id", name=op.f("uq_fighter_profiles_public_id")),
        sa.UniqueConstraint("record_id", name=op.f("uq_fighter_profiles_record_id")),
    )
    with op.batch_alter_table("fighter_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fighter_profiles_owner_agency_id"), ["owner_agency_id"], unique=False
        )

    op.create_table(
        "fighter_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hit_id", sa.Integer(), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=5), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("taken_up_at", UTCDateTime(), nullable=True),
        sa.Column("taken_up_by_id", sa.Integer(), nullable=True),
        sa.Column("release_proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("release_digest", sa.String(length=64), nullable=True),
        sa.Column("release_thread_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["crossing_id"],
            ["border_crossings.id"],
            name=op.f("fk_fighter_alerts_crossing_id_border_crossings"),
        ),
        sa.ForeignKeyConstraint(
            ["hit_id"], ["record_hits.id"], name=op.f("fk_fighter_alerts_hit_id_record_hits")
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_fighter_alerts_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["fighter_profiles.id"],
            name=op.f("fk_fighter_alerts_profile_id_fighter_profiles"),
        ),
        sa.ForeignKeyConstraint(
            ["release_proposed_by_id"],
            ["users.id"],
            name=op.f("fk_fighter_alerts_release_proposed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["release_thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_fighter_alerts_release_thread_id_exchange_threads"),
        ),
        sa.ForeignKeyConstraint(
            ["taken_up_by_id"], ["users.id"], name=op.f("fk_fighter_alerts_taken_up_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fighter_alerts")),
        sa.UniqueConstraint("hit_id", name=op.f("uq_fighter_alerts_hit_id")),
    )
    with op.batch_alter_table("fighter_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fighter_alerts_owner_agency_id"), ["owner_agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fighter_alerts_profile_id"), ["profile_id"], unique=False
        )


def downgrade() -> None:
    # Hits of crossings, with their subjects and keys, cannot outlive the crossings.
    crossings = "SELECT id FROM screening_subjects WHERE kind = 'border-crossing'"
    op.execute(
        f"DELETE FROM record_hits WHERE searching_subject_id IN ({crossings})"  # noqa: S608
    )
    op.execute(f"DELETE FROM record_screenings WHERE subject_id IN ({crossings})")  # noqa: S608
    op.execute(f"DELETE FROM screening_keys WHERE subject_id IN ({crossings})")  # noqa: S608
    op.execute(
        "DELETE FROM screening_keys WHERE subject_id IN (SELECT id FROM screening_subjects"
        " WHERE kind = 'fighter-profile')"
    )
    op.execute(
        "DELETE FROM screening_subjects WHERE kind IN ('border-crossing', 'fighter-profile')"
    )
    for table in ("fighter_alerts", "fighter_profiles", "border_crossings", "crossing_manifests"):
        op.drop_table(table)
