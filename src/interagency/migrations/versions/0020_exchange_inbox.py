"""The exchange's inbox table, and index terms without foreign keys.

`exchange_inbox_entries` holds each party's way onto each thread (the author, the sending
desk and agency, each recipient agency, each named desk or user, each inspecting DPO)
with the thread's columns the inbox filters and orders by, so that a reader's page
reads its own rows alone. The application derives the rows whenever a thread changes
(`exchange/listing.py`); here they are derived once, in SQL, for the threads already
stored, by the same rules.

The index terms lose their three foreign keys: a post writes about a hundred rows, and
checking three keys for each cost more than the rest of the post. The writer takes the
ids from rows it has just written; a test walks the table for orphans.

Going down drops the inbox table and puts the foreign keys back.

Revision ID: 0020
Revises: 0019
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_TABLE = "exchange_inbox_entries"
_TERMS = "exchange_index_terms"
_GRANT_COLUMNS = ["relation", "tlp", "agency_id", "expires_at"]
_TERM_KEYS = (
    ("agency_id", "agencies"),
    ("message_id", "exchange_messages"),
    ("thread_id", "exchange_threads"),
)

# Each way onto a thread: the holder, the relation, the holder's agency, the inspection's
# end, and the rows they come from (the thread named `t`). Fixed text, no input.
_PARTIES = (
    ("'u:' || t.author_id", "'author'", "t.originator_agency_id", "NULL",
     "FROM exchange_threads t"),
    ("'d:' || t.originator_desk_id", "'originator_desk'", "t.originator_agency_id", "NULL",
     "FROM exchange_threads t WHERE t.originator_desk_id IS NOT NULL"),
    ("'a:' || t.originator_agency_id", "'originator_agency'", "t.originator_agency_id", "NULL",
     "FROM exchange_threads t"),
    ("'a:' || p.agency_id", "'recipient_agency'", "p.agency_id", "NULL",
     "FROM exchange_recipients p JOIN exchange_threads t ON t.id = p.thread_id"
     " GROUP BY t.id, p.agency_id"),
    ("'u:' || p.user_id", "'named_recipient'", "p.agency_id", "NULL",
     "FROM exchange_recipients p JOIN exchange_threads t ON t.id = p.thread_id"
     " WHERE p.user_id IS NOT NULL GROUP BY t.id, p.user_id, p.agency_id"),
    ("'d:' || p.desk_id", "'named_recipient'", "p.agency_id", "NULL",
     "FROM exchange_recipients p JOIN exchange_threads t ON t.id = p.thread_id"
     " WHERE p.desk_id IS NOT NULL GROUP BY t.id, p.desk_id, p.agency_id"),
    ("'u:' || i.user_id", "'inspecting'", "u.agency_id", "max(i.expires_at)",
     "FROM exchange_inspections i JOIN exchange_threads t ON t.id = i.thread_id"
     " JOIN users u ON u.id = i.user_id GROUP BY t.id, i.user_id, u.agency_id"),
)  # fmt: skip


def _fill() -> None:
    for holder, relation, agency, expires, source in _PARTIES:
        # Built from the fixed fragments above alone, never from input.
        op.execute(
            f"INSERT INTO {_TABLE} (thread_id, holder, relation, agency_id, expires_at, tlp,"  # noqa: S608
            " handling_code, kind, priority, status, originator_agency_id, updated_at,"
            " received, unacknowledged, earliest_deadline)"
            f" SELECT t.id, {holder}, {relation}, {agency}, {expires}, t.tlp, t.handling_code,"
            " t.kind, t.priority, t.status, t.originator_agency_id, t.updated_at,"
            " EXISTS (SELECT 1 FROM exchange_recipients r WHERE r.thread_id = t.id"
            f"  AND r.agency_id = {agency}),"
            " t.closed_at IS NULL AND EXISTS (SELECT 1 FROM exchange_recipients r"
            f"  WHERE r.thread_id = t.id AND r.agency_id = {agency} AND r.status = 'new'),"
            " CASE WHEN t.closed_at IS NULL THEN (SELECT min(r.deadline_at)"
            "  FROM exchange_recipients r WHERE r.thread_id = t.id"
            "  AND r.deadline_at IS NOT NULL AND r.status IN ('new', 'acknowledged')) END"
            f" {source}"
        )


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=24), nullable=False),
        sa.Column("relation", sa.String(length=24), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("originator_agency_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("received", sa.Boolean(), nullable=False),
        sa.Column("unacknowledged", sa.Boolean(), nullable=False),
        sa.Column("earliest_deadline", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_inbox_entries")),
    )
    _fill()
    op.create_index(
        "ix_exchange_inbox_entries_page",
        _TABLE,
        ["holder", "updated_at", "thread_id"],
        postgresql_include=_GRANT_COLUMNS,
    )
    op.create_index(
        "ix_exchange_inbox_entries_status",
        _TABLE,
        ["holder", "status", "updated_at", "thread_id"],
        postgresql_include=_GRANT_COLUMNS,
    )
    op.create_index(
        "ix_exchange_inbox_entries_owed",
        _TABLE,
        ["holder"],
        postgresql_where=sa.text("earliest_deadline IS NOT NULL"),
        sqlite_where=sa.text("earliest_deadline IS NOT NULL"),
    )
    op.create_index(
        "ix_exchange_inbox_entries_unacknowledged",
        _TABLE,
        ["holder"],
        postgresql_where=sa.text("unacknowledged"),
        sqlite_where=sa.text("unacknowledged"),
    )
    op.create_index("ix_exchange_inbox_entries_thread", _TABLE, ["thread_id"])
    with op.batch_alter_table(_TERMS) as batch_op:
        for column, table in _TERM_KEYS:
            batch_op.drop_constraint(f"fk_{_TERMS}_{column}_{table}", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table(_TERMS) as batch_op:
        for column, table in _TERM_KEYS:
            batch_op.create_foreign_key(f"fk_{_TERMS}_{column}_{table}", table, [column], ["id"])
    op.drop_table(_TABLE)
