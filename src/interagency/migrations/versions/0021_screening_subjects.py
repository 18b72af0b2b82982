"""The screening service: subjects of any kind, their keyed candidate keys, the council's
matching key, and hits and screenings that point to subjects.

Every record becomes a subject of the kind "record" here, and its hits and screenings
point to its subject. The candidate keys are keyed hashes under the council's matching
key, which is in the vault, and a migration does not open the vault: records stored
before this revision are found by other records' screenings once
`interagency records index-screening` has run, once, after the upgrade (a record screened again
meanwhile indexes itself).

Going down drops the subjects and their keys; hits of subjects that are not records
cannot be kept and are deleted with them.

Revision ID: 0021
Revises: 0020
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_SUBJECTS = "screening_subjects"
_KEYS = "screening_keys"
_HITS = "record_hits"
_SCREENINGS = "record_screenings"
_OLD_UNIQUE = "uq_record_hits_searching_record_id_found_record_id"
_NEW_UNIQUE = "uq_record_hits_searching_subject_id_found_subject_id"


def upgrade() -> None:
    op.create_table(
        "council_keys",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("master_key_id", sa.String(length=64), nullable=False),
        sa.Column(
            "wrapped_key",
            sa.LargeBinary(),
            nullable=False,
            comment="AES-256-GCM under the master key: nonce | ciphertext | tag",
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_council_keys")),
    )
    op.create_table(
        _SUBJECTS,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.Integer(), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("matches_as", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("screened_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_screening_subjects_owner_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_subjects")),
        sa.UniqueConstraint("kind", "ref", name=op.f("uq_screening_subjects_kind_ref")),
    )
    op.create_index(op.f("ix_screening_subjects_owner_agency_id"), _SUBJECTS, ["owner_agency_id"])
    op.create_table(
        _KEYS,
        sa.Column("term", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            [f"{_SUBJECTS}.id"],
            name=op.f("fk_screening_keys_subject_id_screening_subjects"),
        ),
        sa.PrimaryKeyConstraint("term", "subject_id", name=op.f("pk_screening_keys")),
    )
    op.create_index("ix_screening_keys_subject", _KEYS, ["subject_id"])
    op.execute(
        f"INSERT INTO {_SUBJECTS} (kind, ref, owner_agency_id, matches_as, created_at)"  # noqa: S608
        " SELECT 'record', id, owner_agency_id, kind, created_at FROM records ORDER BY id"
    )
    _point_to_subjects(_HITS, [("searching_record_id", "searching_subject_id"),
                               ("found_record_id", "found_subject_id")])  # fmt: skip
    _point_to_subjects(_SCREENINGS, [("record_id", "subject_id")])
    with op.batch_alter_table(_HITS) as batch_op:
        batch_op.drop_constraint(_OLD_UNIQUE, type_="unique")
        batch_op.create_unique_constraint(_NEW_UNIQUE, ["searching_subject_id", "found_subject_id"])
        for column in ("searching_record_id", "found_record_id"):
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table(_SCREENINGS) as batch_op:
        batch_op.alter_column("record_id", existing_type=sa.Integer(), nullable=True)


def _point_to_subjects(table: str, columns: list[tuple[str, str]]) -> None:
    """Adds a subject column beside each record column, filled from the record's subject
    and then required, with its foreign key and index."""
    for _, subject_column in columns:
        op.add_column(table, sa.Column(subject_column, sa.Integer(), nullable=True))
    for record_column, subject_column in columns:
        op.execute(
            f"UPDATE {table} SET {subject_column} = (SELECT s.id FROM {_SUBJECTS} s"  # noqa: S608
            f" WHERE s.kind = 'record' AND s.ref = {table}.{record_column})"
        )
    with op.batch_alter_table(table) as batch_op:
        for _, subject_column in columns:
            batch_op.alter_column(subject_column, existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(
                f"fk_{table}_{subject_column}_{_SUBJECTS}", _SUBJECTS, [subject_column], ["id"]
            )
            batch_op.create_index(f"ix_{table}_{subject_column}", [subject_column])


def downgrade() -> None:
    # (The names are this module's constants.)
    op.execute(f"DELETE FROM {_SCREENINGS} WHERE record_id IS NULL")  # noqa: S608
    op.execute(f"DELETE FROM {_HITS} WHERE searching_record_id IS NULL OR found_record_id IS NULL")  # noqa: S608
    with op.batch_alter_table(_SCREENINGS) as batch_op:
        batch_op.alter_column("record_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index(f"ix_{_SCREENINGS}_subject_id")
        batch_op.drop_constraint(f"fk_{_SCREENINGS}_subject_id_{_SUBJECTS}", type_="foreignkey")
        batch_op.drop_column("subject_id")
    with op.batch_alter_table(_HITS) as batch_op:
        for column in ("searching_record_id", "found_record_id"):
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(_NEW_UNIQUE, type_="unique")
        batch_op.create_unique_constraint(_OLD_UNIQUE, ["searching_record_id", "found_record_id"])
        for column in ("searching_subject_id", "found_subject_id"):
            batch_op.drop_index(f"ix_{_HITS}_{column}")
            batch_op.drop_constraint(f"fk_{_HITS}_{column}_{_SUBJECTS}", type_="foreignkey")
            batch_op.drop_column(column)
    op.drop_index("ix_screening_keys_subject", table_name=_KEYS)
    op.drop_table(_KEYS)
    op.drop_index(op.f("ix_screening_subjects_owner_agency_id"), table_name=_SUBJECTS)
    op.drop_table(_SUBJECTS)
    op.drop_table("council_keys")
