"""Shared records: persons, documents, vehicles, phones and organisations, their links,
review-date extensions, screenings and hits.

Revision ID: 0008
Revises: 0007
Created: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "particulars_sealed",
            sa.LargeBinary(),
            nullable=True,
            comment="personal data, sealed under the owning agency's key",
        ),
        sa.Column("subject_category", sa.String(length=24), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("offence_article", sa.String(length=200), nullable=True),
        sa.Column("offence_category", sa.String(length=32), nullable=True),
        sa.Column("source_grade", sa.String(length=1), nullable=False),
        sa.Column("information_grade", sa.String(length=1), nullable=False),
        sa.Column("is_minor", sa.Boolean(), nullable=False),
        sa.Column("smuggled_migrant", sa.Boolean(), nullable=False),
        sa.Column("factual_indications", sa.Text(), nullable=True),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("hits_to_all", sa.Boolean(), nullable=False),
        sa.Column("refuge_from_state_id", sa.Integer(), nullable=True),
        sa.Column("flagged_reason", sa.Text(), nullable=True),
        sa.Column("neutrality", sa.String(length=16), nullable=False),
        sa.Column("neutrality_reason", sa.Text(), nullable=True),
        sa.Column("neutrality_decided_by_id", sa.Integer(), nullable=True),
        sa.Column("neutrality_decided_at", UTCDateTime(), nullable=True),
        sa.Column("necessity_reason", sa.Text(), nullable=True),
        sa.Column("necessity_requested_by_id", sa.Integer(), nullable=True),
        sa.Column("necessity_approved_by_id", sa.Integer(), nullable=True),
        sa.Column("screen_pending", sa.Boolean(), nullable=False),
        sa.Column("erasure_reason", sa.Text(), nullable=True),
        sa.Column("erasure_requested_by_id", sa.Integer(), nullable=True),
        sa.Column("erased_at", UTCDateTime(), nullable=True),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("handling_note", sa.String(length=500), nullable=True),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "NOT smuggled_migrant OR subject_category IN ('victim', 'witness')",
            name=op.f("ck_records_smuggled_migrant_is_protected"),
        ),
        sa.CheckConstraint(
            "handling_code <> 'H3' OR handling_note IS NOT NULL",
            name=op.f("ck_records_h3_states_restriction"),
        ),
        sa.CheckConstraint(
            "handling_code IN ('H0', 'H1', 'H2', 'H3')", name=op.f("ck_records_handling_known")
        ),
        sa.CheckConstraint(
            "information_grade IN ('1', '2', '3', '4')", name=op.f("ck_records_information_known")
        ),
        sa.CheckConstraint(
            "kind IN ('person', 'document', 'vehicle', 'phone', 'organisation')",
            name=op.f("ck_records_kind_known"),
        ),
        sa.CheckConstraint(
            "neutrality IN ('not_required', 'pending', 'cleared', 'refused')",
            name=op.f("ck_records_neutrality_known"),
        ),
        sa.CheckConstraint(
            "offence_category IS NULL OR offence_category IN ('terrorism', 'terrorist_financing', "
            "'foreign_fighters', 'migrant_smuggling', 'human_trafficking', 'document_fraud', "
            "'arms_trafficking', 'drug_trafficking', 'organised_crime', 'cybercrime', "
            "'money_laundering', 'extremism', 'separatism', 'religious_association', "
            "'unauthorised_assembly', 'insult_defamation', 'other')",
            name=op.f("ck_records_offence_known"),
        ),
        sa.CheckConstraint(
            "source_grade IN ('A', 'B', 'C', 'X')", name=op.f("ck_records_source_grade_known")
        ),
        sa.CheckConstraint(
            "subject_category <> 'potential_offender' OR factual_indications IS NOT NULL",
            name=op.f("ck_records_potential_offender_has_indications"),
        ),
        sa.CheckConstraint(
            "subject_category IN ('suspect', 'convicted', 'potential_offender', 'contact', "
            "'victim', 'witness', 'missing')",
            name=op.f("ck_records_category_known"),
        ),
        sa.CheckConstraint(
            "tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')",
            name=op.f("ck_records_tlp_known"),
        ),
        sa.CheckConstraint(
            "necessity_approved_by_id IS NULL OR "
            "necessity_approved_by_id <> necessity_requested_by_id",
            name=op.f("ck_records_necessity_four_eyes"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_records_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["necessity_approved_by_id"],
            ["users.id"],
            name=op.f("fk_records_necessity_approved_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["necessity_requested_by_id"],
            ["users.id"],
            name=op.f("fk_records_necessity_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["neutrality_decided_by_id"],
            ["users.id"],
            name=op.f("fk_records_neutrality_decided_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"], ["agencies.id"], name=op.f("fk_records_owner_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["erasure_requested_by_id"],
            ["users.id"],
            name=op.f("fk_records_erasure_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["refuge_from_state_id"],
            ["member_states.id"],
            name=op.f("fk_records_refuge_from_state_id_member_states"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
    )
    op.create_index(
        op.f("ix_records_owner_agency_id"), "records", ["owner_agency_id"], unique=False
    )
    op.create_index(op.f("ix_records_review_due"), "records", ["review_due"], unique=False)

    op.create_table(
        "record_access_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column(
            "particulars_sealed",
            sa.LargeBinary(),
            nullable=True,
            comment="personal data, sealed under the agency's key",
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'answered')", name=op.f("ck_record_access_requests_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_record_access_requests_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_record_access_requests_created_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_access_requests")),
    )
    op.create_index(
        op.f("ix_record_access_requests_agency_id"),
        "record_access_requests",
        ["agency_id"],
        unique=False,
    )
    op.create_table(
        "record_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_stored", sa.Integer(), nullable=False),
        sa.Column("hits_found", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('person', 'document', 'vehicle', 'phone', 'organisation')",
            name=op.f("ck_record_uploads_kind_known"),
        ),
        sa.CheckConstraint(
            "status IN ('running', 'done', 'failed')", name=op.f("ck_record_uploads_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_record_uploads_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_record_uploads_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_uploads")),
    )
    op.create_index(
        op.f("ix_record_uploads_agency_id"), "record_uploads", ["agency_id"], unique=False
    )
    op.create_table(
        "record_hit_agencies",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_record_hit_agencies_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_record_hit_agencies_record_id_records")
        ),
        sa.PrimaryKeyConstraint("record_id", "agency_id", name=op.f("pk_record_hit_agencies")),
    )
    op.create_table(
        "record_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=24), nullable=False),
        sa.Column("searching_record_id", sa.Integer(), nullable=False),
        sa.Column("found_record_id", sa.Integer(), nullable=False),
        sa.Column("searching_agency_id", sa.Integer(), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("check_note", sa.Text(), nullable=True),
        sa.Column("details_status", sa.String(length=16), nullable=False),
        sa.Column("details_thread_id", sa.Integer(), nullable=True),
        sa.Column("details_requested_by_id", sa.Integer(), nullable=True),
        sa.Column("release_proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("release_decided_by_id", sa.Integer(), nullable=True),
        sa.Column("release_note", sa.Text(), nullable=True),
        sa.Column("release_thread_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "band IN ('strong', 'possible')", name=op.f("ck_record_hits_band_known")
        ),
        sa.CheckConstraint(
            "details_status IN ('none', 'requested', 'proposed', 'released', 'refused')",
            name=op.f("ck_record_hits_details_status_known"),
        ),
        sa.CheckConstraint(
            "release_decided_by_id IS NULL OR release_proposed_by_id IS NULL"
            " OR release_decided_by_id <> release_proposed_by_id",
            name=op.f("ck_record_hits_release_four_eyes"),
        ),
        sa.CheckConstraint(
            "status = 'new' OR (checked_by_id IS NOT NULL AND check_note IS NOT NULL)",
            name=op.f("ck_record_hits_checked_by_a_person"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'confirmed', 'dismissed')", name=op.f("ck_record_hits_status_known")
        ),
        sa.CheckConstraint(
            "searching_agency_id <> owner_agency_id", name=op.f("ck_record_hits_across_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["users.id"], name=op.f("fk_record_hits_checked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["found_record_id"], ["records.id"], name=op.f("fk_record_hits_found_record_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["details_thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_record_hits_details_thread_id_exchange_threads"),
        ),
        sa.ForeignKeyConstraint(
            ["release_thread_id"],
            ["exchange_threads.id"],
            name=op.f("fk_record_hits_release_thread_id_exchange_threads"),
        ),
        sa.ForeignKeyConstraint(
            ["details_requested_by_id"],
            ["users.id"],
            name=op.f("fk_record_hits_details_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["release_proposed_by_id"],
            ["users.id"],
            name=op.f("fk_record_hits_release_proposed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["release_decided_by_id"],
            ["users.id"],
            name=op.f("fk_record_hits_release_decided_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_record_hits_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["searching_agency_id"],
            ["agencies.id"],
            name=op.f("fk_record_hits_searching_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["searching_record_id"],
            ["records.id"],
            name=op.f("fk_record_hits_searching_record_id_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_hits")),
        sa.UniqueConstraint("reference", name=op.f("uq_record_hits_reference")),
        sa.UniqueConstraint(
            "searching_record_id",
            "found_record_id",
            name=op.f("uq_record_hits_searching_record_id_found_record_id"),
        ),
    )
    op.create_index(
        op.f("ix_record_hits_found_record_id"), "record_hits", ["found_record_id"], unique=False
    )
    op.create_index(
        op.f("ix_record_hits_owner_agency_id"), "record_hits", ["owner_agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_record_hits_searching_agency_id"),
        "record_hits",
        ["searching_agency_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_record_hits_searching_record_id"),
        "record_hits",
        ["searching_record_id"],
        unique=False,
    )

    op.create_table(
        "record_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_record_id", sa.Integer(), nullable=False),
        sa.Column("to_record_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('holds_document', 'uses_phone', 'drives_vehicle', 'belongs_to')",
            name=op.f("ck_record_links_kind_known"),
        ),
        sa.CheckConstraint(
            "from_record_id <> to_record_id", name=op.f("ck_record_links_not_to_itself")
        ),
        sa.ForeignKeyConstraint(
            ["from_record_id"], ["records.id"], name=op.f("fk_record_links_from_record_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["to_record_id"], ["records.id"], name=op.f("fk_record_links_to_record_id_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_links")),
        sa.UniqueConstraint(
            "from_record_id",
            "to_record_id",
            "kind",
            name=op.f("uq_record_links_from_record_id_to_record_id_kind"),
        ),
    )
    op.create_index(
        op.f("ix_record_links_from_record_id"), "record_links", ["from_record_id"], unique=False
    )
    op.create_index(
        op.f("ix_record_links_to_record_id"), "record_links", ["to_record_id"], unique=False
    )

    op.create_table(
        "record_review_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("previous_due", sa.Date(), nullable=False),
        sa.Column("new_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("extended_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["extended_by_id"],
            ["users.id"],
            name=op.f("fk_record_review_extensions_extended_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_review_extensions_record_id_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_review_extensions")),
    )
    op.create_index(
        op.f("ix_record_review_extensions_record_id"),
        "record_review_extensions",
        ["record_id"],
        unique=False,
    )

    op.create_table(
        "record_screenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("screened_at", UTCDateTime(), nullable=False),
        sa.Column("hits_found", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_record_screenings_record_id_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_screenings")),
    )
    op.create_index(
        op.f("ix_record_screenings_record_id"), "record_screenings", ["record_id"], unique=False
    )
    op.create_index(
        op.f("ix_record_screenings_screened_at"), "record_screenings", ["screened_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_record_screenings_screened_at"), table_name="record_screenings")
    op.drop_index(op.f("ix_record_screenings_record_id"), table_name="record_screenings")

    op.drop_table("record_screenings")
    op.drop_index(
        op.f("ix_record_review_extensions_record_id"), table_name="record_review_extensions"
    )

    op.drop_table("record_review_extensions")
    op.drop_index(op.f("ix_record_links_to_record_id"), table_name="record_links")
    op.drop_index(op.f("ix_record_links_from_record_id"), table_name="record_links")

    op.drop_table("record_links")
    op.drop_index(op.f("ix_record_hits_searching_record_id"), table_name="record_hits")
    op.drop_index(op.f("ix_record_hits_searching_agency_id"), table_name="record_hits")
    op.drop_index(op.f("ix_record_hits_owner_agency_id"), table_name="record_hits")
    op.drop_index(op.f("ix_record_hits_found_record_id"), table_name="record_hits")

    op.drop_table("record_hits")
    op.drop_table("record_hit_agencies")
    op.drop_index(op.f("ix_record_uploads_agency_id"), table_name="record_uploads")
    op.drop_table("record_uploads")
    op.drop_index(op.f("ix_record_access_requests_agency_id"), table_name="record_access_requests")
    op.drop_table("record_access_requests")
    op.drop_index(op.f("ix_records_review_due"), table_name="records")
    op.drop_index(op.f("ix_records_owner_agency_id"), table_name="records")

    op.drop_table("records")
