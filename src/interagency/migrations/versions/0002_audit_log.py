"""Audit trail: hash-chained entries, their personal data kept aside, signed checkpoints.

The entries and checkpoints are append-only: triggers refuse UPDATE, DELETE and TRUNCATE
for every role, the owner included (an owner has to drop the trigger first, which a
database audit log of its own shows). On PostgreSQL the same rights are also revoked
from every role but the owner, so the application role cannot even try. Personal data
rows may only have their data cleared (erasure); they are never deleted.

Revision ID: 0002
Revises: 0001
Created: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from interagency.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("audit_entries", "audit_checkpoints")

POSTGRES_FUNCTIONS = """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END
$$;

CREATE FUNCTION audit_personal_erase_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.seq = OLD.seq AND NEW.salt = OLD.salt
       AND (NEW.data IS NULL OR NEW.data IS NOT DISTINCT FROM OLD.data) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: personal data can only be erased, '
                    '% on % refused', TG_OP, TG_TABLE_NAME;
END
$$;
"""

# Revokes from PUBLIC and from every role holding the right except the owner; default
# privileges (docs/operations.md) grant the application role UPDATE and DELETE on every
# new table, so naming one role would not be enough.
POSTGRES_REVOKE = """
DO $$
DECLARE
    grantee_name text;
BEGIN
    EXECUTE format('REVOKE {rights} ON %I FROM PUBLIC', '{table}');
    FOR grantee_name IN
        SELECT DISTINCT pg_get_userbyid(acl.grantee)
        FROM pg_class c, aclexplode(c.relacl) acl
        WHERE c.oid = '{table}'::regclass AND acl.grantee <> 0 AND acl.grantee <> c.relowner
    LOOP
        EXECUTE format('REVOKE {rights} ON %I FROM %I', '{table}', grantee_name);
    END LOOP;
END
$$;
"""

SQLITE_APPEND_ONLY = """
CREATE TRIGGER {table}_append_only_{op} BEFORE {op} ON {table}
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: {op} on {table} refused');
END
"""

SQLITE_PERSONAL_ERASE_ONLY = (
    """
CREATE TRIGGER audit_personal_erase_only_update BEFORE UPDATE ON audit_personal
WHEN NEW.seq IS NOT OLD.seq OR NEW.salt IS NOT OLD.salt
     OR (NEW.data IS NOT NULL AND NEW.data IS NOT OLD.data)
BEGIN
    SELECT RAISE(ABORT,
        'the audit trail is append-only: personal data can only be erased, UPDATE refused');
END
""",
    """
CREATE TRIGGER audit_personal_erase_only_delete BEFORE DELETE ON audit_personal
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on audit_personal refused');
END
""",
)


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_login", sa.String(length=200), nullable=True),
        sa.Column("actor_agency_id", sa.Integer(), nullable=True),
        sa.Column("object_kind", sa.String(length=64), nullable=True),
        sa.Column("object_ref", sa.String(length=200), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column(
            "personal_digest",
            sa.String(length=64),
            nullable=True,
            comment="salted SHA-256 of the personal data kept in audit_personal",
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_audit_entries_seq_positive")),
        sa.CheckConstraint(
            "outcome IN ('ok', 'denied', 'failed')", name=op.f("ck_audit_entries_outcome_known")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
        comment="Append-only, hash-chained audit trail; see interagency.audit.chain",
    )
    op.create_index(op.f("ix_audit_entries_at"), "audit_entries", ["at"])
    op.create_index(op.f("ix_audit_entries_action"), "audit_entries", ["action"])
    op.create_index(op.f("ix_audit_entries_actor_login"), "audit_entries", ["actor_login"])
    op.create_index(op.f("ix_audit_entries_actor_agency_id"), "audit_entries", ["actor_agency_id"])
    op.create_index(
        op.f("ix_audit_entries_object_kind_object_ref"),
        "audit_entries",
        ["object_kind", "object_ref"],
    )
    op.create_table(
        "audit_personal",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column(
            "data",
            sa.Text(),
            nullable=True,
            comment="personal data (canonical JSON); NULL once erased",
        ),
        sa.Column("erased_at", UTCDateTime(), nullable=True),
        sa.Column("erasure_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["seq"], ["audit_entries.seq"], name=op.f("fk_audit_personal_seq_audit_entries")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_personal")),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", UTCDateTime(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_checkpoints")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _protect_on_postgres()
    else:
        _protect_on_sqlite()


def _protect_on_postgres() -> None:
    op.execute(POSTGRES_FUNCTIONS)
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()"
        )
        op.execute(POSTGRES_REVOKE.format(table=table, rights="UPDATE, DELETE, TRUNCATE"))
    op.execute(
        "CREATE TRIGGER audit_personal_erase_only BEFORE UPDATE OR DELETE ON audit_personal"
        " FOR EACH ROW EXECUTE FUNCTION audit_personal_erase_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_personal_no_truncate BEFORE TRUNCATE ON audit_personal"
        " FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()"
    )
    op.execute(POSTGRES_REVOKE.format(table="audit_personal", rights="DELETE, TRUNCATE"))


def _protect_on_sqlite() -> None:
    # SQLite has no TRUNCATE: a DELETE without WHERE runs the DELETE trigger.
    for table in APPEND_ONLY_TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(SQLITE_APPEND_ONLY.format(table=table, op=operation))
    for statement in SQLITE_PERSONAL_ERASE_ONLY:
        op.execute(statement)


def downgrade() -> None:
    # Dropping a table drops its triggers; the functions are PostgreSQL's own objects.
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_personal")
    op.drop_index(op.f("ix_audit_entries_object_kind_object_ref"), table_name="audit_entries")
    op.drop_index(op.f("ix_audit_entries_actor_agency_id"), table_name="audit_entries")
    op.drop_index(op.f("ix_audit_entries_actor_login"), table_name="audit_entries")
    op.drop_index(op.f("ix_audit_entries_action"), table_name="audit_entries")
    op.drop_index(op.f("ix_audit_entries_at"), table_name="audit_entries")
    op.drop_table("audit_entries")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_personal_erase_only()")
        op.execute("DROP FUNCTION audit_refuse_change()")
