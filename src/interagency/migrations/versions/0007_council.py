"""Council secretariat: meetings, agendas, decisions, joint documents, programmes, reports.

Revision ID: 0007
Revises: 0006
Created: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("chair", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("handling_note", sa.String(length=500), nullable=True),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "handling_code <> 'H3' OR handling_note IS NOT NULL",
            name=op.f("ck_council_meetings_h3_states_restriction"),
        ),
        sa.CheckConstraint(
            "handling_code IN ('H0', 'H1', 'H2', 'H3')",
            name=op.f("ck_council_meetings_handling_known"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'held')", name=op.f("ck_council_meetings_status_known")
        ),
        sa.CheckConstraint(
            "tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')",
            name=op.f("ck_council_meetings_tlp_known"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_council_meetings_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_meetings")),
        sa.UniqueConstraint("number", name=op.f("uq_council_meetings_number")),
    )
    op.create_table(
        "council_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("handling_note", sa.String(length=500), nullable=True),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "handling_code <> 'H3' OR handling_note IS NOT NULL",
            name=op.f("ck_council_programmes_h3_states_restriction"),
        ),
        sa.CheckConstraint(
            "handling_code IN ('H0', 'H1', 'H2', 'H3')",
            name=op.f("ck_council_programmes_handling_known"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'finished')", name=op.f("ck_council_programmes_status_known")
        ),
        sa.CheckConstraint(
            "tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')",
            name=op.f("ck_council_programmes_tlp_known"),
        ),
        sa.CheckConstraint(
            "last_year >= first_year", name=op.f("ck_council_programmes_years_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_council_programmes_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_programmes")),
        sa.UniqueConstraint("code", name=op.f("uq_council_programmes_code")),
    )
    op.create_table(
        "council_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("rapporteur_agency_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.CheckConstraint("number >= 1", name=op.f("ck_council_agenda_items_number_positive")),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["council_meetings.id"],
            name=op.f("fk_council_agenda_items_meeting_id_council_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["rapporteur_agency_id"],
            ["agencies.id"],
            name=op.f("fk_council_agenda_items_rapporteur_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_agenda_items")),
        sa.UniqueConstraint(
            "meeting_id", "number", name=op.f("uq_council_agenda_items_meeting_id_number")
        ),
    )
    op.create_index(
        op.f("ix_council_agenda_items_meeting_id"),
        "council_agenda_items",
        ["meeting_id"],
        unique=False,
    )
    op.create_table(
        "council_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("register_number", sa.String(length=32), nullable=True),
        sa.Column("adopted_on", sa.Date(), nullable=True),
        sa.Column("adopted_at_meeting_id", sa.Integer(), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("handling_note", sa.String(length=500), nullable=True),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "handling_code <> 'H3' OR handling_note IS NOT NULL",
            name=op.f("ck_council_documents_h3_states_restriction"),
        ),
        sa.CheckConstraint(
            "handling_code IN ('H0', 'H1', 'H2', 'H3')",
            name=op.f("ck_council_documents_handling_known"),
        ),
        sa.CheckConstraint(
            "kind IN ('agreement', 'recommendation', 'assessment', 'decision', 'report')",
            name=op.f("ck_council_documents_kind_known"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'under_review')"
            " OR (register_number IS NOT NULL AND adopted_on IS NOT NULL)",
            name=op.f("ck_council_documents_adopted_is_registered"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'under_review', 'adopted', 'superseded')",
            name=op.f("ck_council_documents_status_known"),
        ),
        sa.CheckConstraint(
            "tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')",
            name=op.f("ck_council_documents_tlp_known"),
        ),
        sa.ForeignKeyConstraint(
            ["adopted_at_meeting_id"],
            ["council_meetings.id"],
            name=op.f("fk_council_documents_adopted_at_meeting_id_council_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_council_documents_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["council_documents.id"],
            name=op.f("fk_council_documents_superseded_by_id_council_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_documents")),
        sa.UniqueConstraint("register_number", name=op.f("uq_council_documents_register_number")),
    )
    op.create_table(
        "council_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'delayed', 'cancelled')",
            name=op.f("ck_council_measures_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["council_programmes.id"],
            name=op.f("fk_council_measures_programme_id_council_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_measures")),
        sa.UniqueConstraint(
            "programme_id", "number", name=op.f("uq_council_measures_programme_id_number")
        ),
    )
    op.create_index(
        op.f("ix_council_measures_programme_id"), "council_measures", ["programme_id"], unique=False
    )
    op.create_table(
        "council_meeting_participants",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("delegates", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_council_meeting_participants_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["council_meetings.id"],
            name=op.f("fk_council_meeting_participants_meeting_id_council_meetings"),
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "agency_id", name=op.f("pk_council_meeting_participants")
        ),
    )
    op.create_table(
        "council_agenda_documents",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["council_documents.id"],
            name=op.f("fk_council_agenda_documents_document_id_council_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["council_agenda_items.id"],
            name=op.f("fk_council_agenda_documents_item_id_council_agenda_items"),
        ),
        sa.PrimaryKeyConstraint("item_id", "document_id", name=op.f("pk_council_agenda_documents")),
    )
    op.create_table(
        "council_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["council_agenda_items.id"],
            name=op.f("fk_council_decisions_agenda_item_id_council_agenda_items"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["council_meetings.id"],
            name=op.f("fk_council_decisions_meeting_id_council_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_decisions")),
        sa.UniqueConstraint("number", name=op.f("uq_council_decisions_number")),
    )
    op.create_index(
        op.f("ix_council_decisions_meeting_id"), "council_decisions", ["meeting_id"], unique=False
    )
    op.create_table(
        "council_document_parties",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_council_document_parties_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["council_documents.id"],
            name=op.f("fk_council_document_parties_document_id_council_documents"),
        ),
        sa.PrimaryKeyConstraint(
            "document_id", "agency_id", name=op.f("pk_council_document_parties")
        ),
    )
    op.create_table(
        "council_document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_council_document_versions_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["council_documents.id"],
            name=op.f("fk_council_document_versions_document_id_council_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_document_versions")),
        sa.UniqueConstraint(
            "document_id", "number", name=op.f("uq_council_document_versions_document_id_number")
        ),
    )
    op.create_index(
        op.f("ix_council_document_versions_document_id"),
        "council_document_versions",
        ["document_id"],
        unique=False,
    )
    op.create_table(
        "council_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.CheckConstraint("target > 0", name=op.f("ck_council_indicators_target_positive")),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["council_measures.id"],
            name=op.f("fk_council_indicators_measure_id_council_measures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_indicators")),
    )
    op.create_index(
        op.f("ix_council_indicators_measure_id"), "council_indicators", ["measure_id"], unique=False
    )
    op.create_table(
        "council_measure_agencies",
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_council_measure_agencies_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["council_measures.id"],
            name=op.f("fk_council_measure_agencies_measure_id_council_measures"),
        ),
        sa.PrimaryKeyConstraint(
            "measure_id", "agency_id", name=op.f("pk_council_measure_agencies")
        ),
    )
    op.create_table(
        "council_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("handling_note", sa.String(length=500), nullable=True),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "handling_code <> 'H3' OR handling_note IS NOT NULL",
            name=op.f("ck_council_reports_h3_states_restriction"),
        ),
        sa.CheckConstraint(
            "handling_code IN ('H0', 'H1', 'H2', 'H3')",
            name=op.f("ck_council_reports_handling_known"),
        ),
        sa.CheckConstraint(
            "tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')",
            name=op.f("ck_council_reports_tlp_known"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_council_reports_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["council_documents.id"],
            name=op.f("fk_council_reports_document_id_council_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_reports")),
        sa.UniqueConstraint("body", "year", name=op.f("uq_council_reports_body_year")),
    )
    op.create_table(
        "council_document_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_council_document_comments_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_council_document_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["council_document_versions.id"],
            name=op.f("fk_council_document_comments_version_id_council_document_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_document_comments")),
    )
    op.create_index(
        op.f("ix_council_document_comments_version_id"),
        "council_document_comments",
        ["version_id"],
        unique=False,
    )
    op.create_table(
        "council_document_positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "stance = 'approve' OR reason IS NOT NULL",
            name=op.f("ck_council_document_positions_objection_reasoned"),
        ),
        sa.CheckConstraint(
            "stance IN ('approve', 'object')",
            name=op.f("ck_council_document_positions_stance_known"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_council_document_positions_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_council_document_positions_decided_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["council_document_versions.id"],
            name=op.f("fk_council_document_positions_version_id_council_document_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_document_positions")),
        sa.UniqueConstraint(
            "version_id",
            "agency_id",
            name=op.f("uq_council_document_positions_version_id_agency_id"),
        ),
    )
    op.create_table(
        "council_report_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["council_reports.id"],
            name=op.f("fk_council_report_sections_report_id_council_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_report_sections")),
        sa.UniqueConstraint(
            "report_id", "number", name=op.f("uq_council_report_sections_report_id_number")
        ),
    )
    op.create_index(
        op.f("ix_council_report_sections_report_id"),
        "council_report_sections",
        ["report_id"],
        unique=False,
    )
    op.create_table(
        "council_status_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(indicator_id IS NULL) = (value IS NULL)",
            name=op.f("ck_council_status_updates_value_with_indicator"),
        ),
        sa.CheckConstraint(
            "progress BETWEEN 0 AND 100", name=op.f("ck_council_status_updates_progress_percent")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_council_status_updates_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_council_status_updates_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["council_indicators.id"],
            name=op.f("fk_council_status_updates_indicator_id_council_indicators"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["council_measures.id"],
            name=op.f("fk_council_status_updates_measure_id_council_measures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_status_updates")),
    )
    op.create_index(
        op.f("ix_council_status_updates_measure_id"),
        "council_status_updates",
        ["measure_id"],
        unique=False,
    )
    op.create_table(
        "council_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'cancelled')", name=op.f("ck_council_tasks_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_council_tasks_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["council_decisions.id"],
            name=op.f("fk_council_tasks_decision_id_council_decisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_tasks")),
    )
    op.create_index(
        op.f("ix_council_tasks_agency_id"), "council_tasks", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_council_tasks_decision_id"), "council_tasks", ["decision_id"], unique=False
    )
    op.create_table(
        "council_report_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_council_report_contributions_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_council_report_contributions_author_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["council_report_sections.id"],
            name=op.f("fk_council_report_contributions_section_id_council_report_sections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_report_contributions")),
        sa.UniqueConstraint(
            "section_id",
            "agency_id",
            name=op.f("uq_council_report_contributions_section_id_agency_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("council_report_contributions")
    op.drop_index(op.f("ix_council_tasks_decision_id"), table_name="council_tasks")
    op.drop_index(op.f("ix_council_tasks_agency_id"), table_name="council_tasks")
    op.drop_table("council_tasks")
    op.drop_index(op.f("ix_council_status_updates_measure_id"), table_name="council_status_updates")
    op.drop_table("council_status_updates")
    op.drop_index(
        op.f("ix_council_report_sections_report_id"), table_name="council_report_sections"
    )
    op.drop_table("council_report_sections")
    op.drop_table("council_document_positions")
    op.drop_index(
        op.f("ix_council_document_comments_version_id"), table_name="council_document_comments"
    )
    op.drop_table("council_document_comments")
    op.drop_table("council_reports")
    op.drop_table("council_measure_agencies")
    op.drop_index(op.f("ix_council_indicators_measure_id"), table_name="council_indicators")
    op.drop_table("council_indicators")
    op.drop_index(
        op.f("ix_council_document_versions_document_id"), table_name="council_document_versions"
    )
    op.drop_table("council_document_versions")
    op.drop_table("council_document_parties")
    op.drop_index(op.f("ix_council_decisions_meeting_id"), table_name="council_decisions")
    op.drop_table("council_decisions")
    op.drop_table("council_agenda_documents")
    op.drop_table("council_meeting_participants")
    op.drop_index(op.f("ix_council_measures_programme_id"), table_name="council_measures")
    op.drop_table("council_measures")
    op.drop_table("council_documents")
    op.drop_index(op.f("ix_council_agenda_items_meeting_id"), table_name="council_agenda_items")
    op.drop_table("council_agenda_items")
    op.drop_table("council_programmes")
    op.drop_table("council_meetings")
