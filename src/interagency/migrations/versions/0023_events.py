"""Major-event security: events and their dossiers (venues, delegations, participating
agencies, the liaison roster), their plans (phases and tasks), the council's planning
templates, and the risk register (risks and their measures). Every free text is sealed.

Going down drops the twelve tables and everything kept in them.

Revision ID: 0023
Revises: 0022
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_plan_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_plan_templates")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_plan_templates_public_id")),
    )
    op.create_table(
        "event_template_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("phase_position", sa.Integer(), nullable=False),
        sa.Column("phase_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("title_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "phase_position >= 1", name=op.f("ck_event_template_steps_phase_position_positive")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["event_plan_templates.id"],
            name=op.f("fk_event_template_steps_template_id_event_plan_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_template_steps")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_template_steps_public_id")),
    )
    with op.batch_alter_table("event_template_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_template_steps_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("description_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("host_state_id", sa.Integer(), nullable=False),
        sa.Column("host_agency_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("expected_attendance", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "kind IN ('sports_competition', 'summit', 'cultural_festival', 'other')",
            name=op.f("ck_events_kind_known"),
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_events_ends_after_start")),
        sa.CheckConstraint(
            "expected_attendance >= 0", name=op.f("ck_events_attendance_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_events_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["host_agency_id"], ["agencies.id"], name=op.f("fk_events_host_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["host_state_id"],
            ["member_states.id"],
            name=op.f("fk_events_host_state_id_member_states"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("public_id", name=op.f("uq_events_public_id")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_host_agency_id"), ["host_agency_id"], unique=False
        )

    op.create_table(
        "event_delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("note_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_event_delegations_size_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_delegations_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["state_id"],
            ["member_states.id"],
            name=op.f("fk_event_delegations_state_id_member_states"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_delegations")),
        sa.UniqueConstraint(
            "event_id", "state_id", name=op.f("uq_event_delegations_event_id_state_id")
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_delegations_public_id")),
    )
    with op.batch_alter_table("event_delegations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_delegations_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "event_liaison_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("officer_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("contact_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_event_liaison_shifts_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_event_liaison_shifts_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_liaison_shifts_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_liaison_shifts")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_liaison_shifts_public_id")),
    )
    with op.batch_alter_table("event_liaison_shifts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_liaison_shifts_event_starts", ["event_id", "starts_at"], unique=False
        )

    op.create_table(
        "event_plan_phases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_plan_phases_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_plan_phases")),
        sa.UniqueConstraint(
            "event_id", "position", name=op.f("uq_event_plan_phases_event_id_position")
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_plan_phases_public_id")),
    )
    op.create_table(
        "event_venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("address_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_event_venues_capacity_positive")),
        sa.CheckConstraint(
            "latitude BETWEEN -90 AND 90", name=op.f("ck_event_venues_latitude_range")
        ),
        sa.CheckConstraint(
            "longitude BETWEEN -180 AND 180", name=op.f("ck_event_venues_longitude_range")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_venues_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_venues")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_venues_public_id")),
    )
    with op.batch_alter_table("event_venues", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_venues_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_participants",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_event_participants_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["event_delegations.id"],
            name=op.f("fk_event_participants_delegation_id_event_delegations"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_participants_event_id_events")
        ),
        sa.PrimaryKeyConstraint("event_id", "agency_id", name=op.f("pk_event_participants")),
    )
    op.create_table(
        "event_plan_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("phase_id", sa.Integer(), nullable=False),
        sa.Column("title_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'cancelled')",
            name=op.f("ck_event_plan_tasks_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_plan_tasks_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_event_plan_tasks_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"], ["users.id"], name=op.f("fk_event_plan_tasks_owner_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["phase_id"],
            ["event_plan_phases.id"],
            name=op.f("fk_event_plan_tasks_phase_id_event_plan_phases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_plan_tasks")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_plan_tasks_public_id")),
    )
    with op.batch_alter_table("event_plan_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_event_plan_tasks_event_due", ["event_id", "due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_event_plan_tasks_phase_id"), ["phase_id"], unique=False
        )

    op.create_table(
        "event_risks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("scenario_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("treatment", sa.String(length=16), nullable=False),
        sa.Column("treatment_note_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "category IN ('armed_attack', 'explosive_attack', 'vehicle_ramming', 'arson',"
            " 'hostage_taking', 'attack_on_protected_person', 'cbrn_attack',"
            " 'unmanned_aircraft_attack', 'sabotage', 'crowd_violence')",
            name=op.f("ck_event_risks_category_known"),
        ),
        sa.CheckConstraint(
            "treatment IN ('avoid', 'reduce', 'transfer', 'accept')",
            name=op.f("ck_event_risks_treatment_known"),
        ),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name=op.f("ck_event_risks_impact_range")),
        sa.CheckConstraint(
            "likelihood BETWEEN 1 AND 5", name=op.f("ck_event_risks_likelihood_range")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_risks_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_event_risks_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["event_venues.id"], name=op.f("fk_event_risks_venue_id_event_venues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_risks")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_risks_public_id")),
    )
    with op.batch_alter_table("event_risks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_risks_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_risk_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("title_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'cancelled')",
            name=op.f("ck_event_risk_measures_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["event_risks.id"], name=op.f("fk_event_risk_measures_risk_id_event_risks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_risk_measures")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_risk_measures_public_id")),
    )
    with op.batch_alter_table("event_risk_measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_risk_measures_risk_id"), ["risk_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("event_risk_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_risk_measures_risk_id"))

    op.drop_table("event_risk_measures")
    with op.batch_alter_table("event_risks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_risks_event_id"))

    op.drop_table("event_risks")
    with op.batch_alter_table("event_plan_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_plan_tasks_phase_id"))
        batch_op.drop_index("ix_event_plan_tasks_event_due")

    op.drop_table("event_plan_tasks")
    op.drop_table("event_participants")
    with op.batch_alter_table("event_venues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_venues_event_id"))

    op.drop_table("event_venues")
    op.drop_table("event_plan_phases")
    with op.batch_alter_table("event_liaison_shifts", schema=None) as batch_op:
        batch_op.drop_index("ix_event_liaison_shifts_event_starts")

    op.drop_table("event_liaison_shifts")
    with op.batch_alter_table("event_delegations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_delegations_event_id"))

    op.drop_table("event_delegations")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_host_agency_id"))

    op.drop_table("events")
    with op.batch_alter_table("event_template_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_template_steps_template_id"))

    op.drop_table("event_template_steps")
    op.drop_table("event_plan_templates")
