"""Major-event operations: the incident log (each incident at one of the event's venues,
its category, severity 1-4, status and sealed description) and the exchange threads
linked to an incident.

Going down drops the two tables and everything kept in them.

Revision ID: 0024
Revises: 0023
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("author_agency_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "category IN ('armed_attack', 'explosive_attack', 'vehicle_ramming', 'arson',"
            " 'hostage_taking', 'attack_on_protected_person', 'cbrn_attack',"
            " 'unmanned_aircraft_attack', 'sabotage', 'crowd_violence', 'crowd_safety',"
            " 'medical', 'lost_person', 'suspicious_item', 'service_disruption')",
            name=op.f("ck_event_incidents_category_known"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'closed')",
            name=op.f("ck_event_incidents_status_known"),
        ),
        sa.CheckConstraint(
            "severity BETWEEN 1 AND 4", name=op.f("ck_event_incidents_severity_range")
        ),
        sa.ForeignKeyConstraint(
            ["author_agency_id"],
            ["agencies.id"],
            name=op.f("fk_event_incidents_author_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_event_incidents_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_incidents_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["event_venues.id"], name=op.f("fk_event_incidents_venue_id_event_venues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_incidents")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_incidents_public_id")),
    )
    with op.batch_alter_table("event_incidents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_incidents_event_occurred", ["event_id", "occurred_at"], unique=False
        )

    op.create_table(
        "event_incident_threads",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["event_incidents.id"],
            name=op.f("fk_event_incident_threads_incident_id_event_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"],
            ["users.id"],
            name=op.f("fk_event_incident_threads_linked_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_event_incident_threads_thread_id_exchange_threads"),
        ),
        sa.PrimaryKeyConstraint("incident_id", "thread_id", name=op.f("pk_event_incident_threads")),
    )


def downgrade() -> None:
    op.drop_table("event_incident_threads")
    with op.batch_alter_table("event_incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_event_incidents_event_occurred")

    op.drop_table("event_incidents")
