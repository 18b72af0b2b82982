"""Sealed by default: every free-text value of a marked object, and the audit's personal
values, sealed in place under the owning agency's data key (the council's under the
secretariat's); every row with sealed texts gets a random public id its values are
bound to.

The whole migration is one transaction: an interruption leaves the database exactly as it
was, and running it again starts afresh. Rows are read and sealed in batches, so memory
stays flat whatever the tables' size. Sealing needs the master key: the migration reads it
from the key file the settings name (`INTERAGENCY_KEY_DIR`), as the server does.

Revision ID: 0011
Revises: 0010
Created: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from interagency.config import Settings
from interagency.db import PUBLIC_ID_LENGTH, new_public_id
from interagency.vault import FileKeyProvider, Vault
from interagency.vault.columns import sealing_context

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BATCH = 500


class Text(NamedTuple):
    name: str
    length: int | None  # of the plain column, for a downgrade
    nullable: bool


class Owner(NamedTuple):
    """How a row's owning agency is found: a column of its own, a column of a row it
    refers to (`via` = (foreign key, table, column)), or the secretariat."""

    column: str | None = None
    via: tuple[str, str, str] | None = None


PLATFORM = Owner()


def _texts(*specs: tuple[str, int | None, bool]) -> tuple[Text, ...]:
    return tuple(Text(*spec) for spec in specs)


SEALED: dict[str, tuple[Owner, tuple[Text, ...]]] = {
    "records": (
        Owner("owner_agency_id"),
        _texts(
            ("purpose", None, False), ("legal_basis", None, False),
            ("factual_indications", None, True), ("flagged_reason", None, True),
            ("neutrality_reason", None, True), ("necessity_reason", None, True),
            ("erasure_reason", None, True), ("handling_note", 500, True),
        ),
    ),
    "record_access_requests": (Owner("agency_id"), _texts(("answer", None, True))),
    "record_review_extensions": (
        Owner(via=("record_id", "records", "owner_agency_id")),
        _texts(("reason", None, False)),
    ),
    "record_hits": (
        Owner("owner_agency_id"), _texts(("check_note", None, True), ("release_note", None, True))
    ),
    "exchange_disseminations": (
        Owner("requesting_agency_id"),
        _texts(("reason", 1000, False), ("decision_note", 1000, True)),
    ),
    "exchange_inspections": (
        Owner(via=("user_id", "users", "agency_id")), _texts(("reason", 1000, False))
    ),
    "approval_requests": (
        Owner("agency_id"), _texts(("reason", None, False), ("decision_note", None, True))
    ),
    "break_glass_accesses": (
        Owner(via=("user_id", "users", "agency_id")),
        _texts(("reason", None, False), ("review_note", None, True)),
    ),
    "council_meetings": (
        PLATFORM,
        _texts(
            ("title", 300, False), ("place", 200, False), ("chair", 200, False),
            ("minutes", None, True), ("handling_note", 500, True),
        ),
    ),
    "council_meeting_participants": (PLATFORM, _texts(("delegates", None, False))),
    "council_agenda_items": (PLATFORM, _texts(("title", 500, False), ("outcome", None, True))),
    "council_decisions": (PLATFORM, _texts(("text", None, False))),
    "council_tasks": (PLATFORM, _texts(("description", None, False))),
    "council_documents": (
        PLATFORM, _texts(("title", 500, False), ("handling_note", 500, True))
    ),
    "council_document_versions": (PLATFORM, _texts(("body", None, False), ("note", 500, True))),
    "council_document_comments": (PLATFORM, _texts(("body", None, False))),
    "council_document_positions": (PLATFORM, _texts(("reason", None, True))),
    "council_programmes": (
        PLATFORM, _texts(("title", 500, False), ("handling_note", 500, True))
    ),
    "council_measures": (PLATFORM, _texts(("title", 500, False))),
    "council_indicators": (PLATFORM, _texts(("name", 300, False))),
    "council_status_updates": (PLATFORM, _texts(("text", None, False), ("evidence", None, False))),
    "council_reports": (PLATFORM, _texts(("title", 500, False), ("handling_note", 500, True))),
    "council_report_sections": (PLATFORM, _texts(("heading", 300, False))),
    "council_report_contributions": (PLATFORM, _texts(("body", None, False))),
}  # fmt: skip

# Texts users search: their blind-index terms go to `sealed_terms`.
SEARCHABLE = {("council_documents", "title")}

H3 = "handling_code <> 'H3' OR {handling_note} IS NOT NULL"
# Checks that name a text column: (table, name, text with {column} placeholders).
CHECKS = (
    ("records", "h3_states_restriction", H3),
    ("records", "potential_offender_has_indications",
     "subject_category <> 'potential_offender' OR {factual_indications} IS NOT NULL"),
    ("record_hits", "checked_by_a_person",
     "status = 'new' OR (checked_by_id IS NOT NULL AND {check_note} IS NOT NULL)"),
    ("council_document_positions", "objection_reasoned",
     "stance = 'approve' OR {reason} IS NOT NULL"),
    ("council_meetings", "h3_states_restriction", H3),
    ("council_documents", "h3_states_restriction", H3),
    ("council_programmes", "h3_states_restriction", H3),
    ("council_reports", "h3_states_restriction", H3),
)  # fmt: skip


def _check_text(template: str, sealed: bool) -> str:
    names = ("handling_note", "factual_indications", "check_note", "reason")
    return template.format(**{name: f"{name}_sealed" if sealed else name for name in names})


# -- the audit's personal values ------------------------------------------------------------

POSTGRES_ERASE_ONLY = """
CREATE OR REPLACE FUNCTION audit_personal_erase_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.seq = OLD.seq AND NEW.salt = OLD.salt
       AND NEW.sealed_under_agency_id = OLD.sealed_under_agency_id
       AND (NEW.data_sealed IS NULL OR NEW.data_sealed IS NOT DISTINCT FROM OLD.data_sealed) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: personal data can only be erased, '
                    '% on % refused', TG_OP, TG_TABLE_NAME;
END
$$;
"""
POSTGRES_ERASE_ONLY_PLAIN = """
CREATE OR REPLACE FUNCTION audit_personal_erase_only() RETURNS trigger LANGUAGE plpgsql AS $$
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
SQLITE_ERASE_ONLY = """
CREATE TRIGGER audit_personal_erase_only_update BEFORE UPDATE ON audit_personal
WHEN NEW.seq IS NOT OLD.seq OR NEW.salt IS NOT OLD.salt {extra}
     OR (NEW.{data} IS NOT NULL AND NEW.{data} IS NOT OLD.{data})
BEGIN
    SELECT RAISE(ABORT,
        'the audit trail is append-only: personal data can only be erased, UPDATE refused');
END
"""
SQLITE_DELETE_REFUSED = """
CREATE TRIGGER audit_personal_erase_only_delete BEFORE DELETE ON audit_personal
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on audit_personal refused');
END
"""


def _personal_context(seq: int) -> str:
    return f"audit_personal:{seq}:data"


# -- helpers ----------------------------------------------------------------------------


class _Keys:
    """The vault and the secretariat's id, found only when a row has to be sealed."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._vault: Vault | None = None
        self._platform: int | None = None

    @property
    def vault(self) -> Vault:
        if self._vault is None:
            config = op.get_context().config
            given = config.attributes.get("vault") if config is not None else None
            # The server's own key file, as the settings name it.
            self._vault = given or Vault(FileKeyProvider(Settings().master_key_path))
        return self._vault

    def platform(self) -> int:
        if self._platform is None:
            agencies = sa.table(
                "agencies", sa.column("id", sa.Integer), sa.column("kind", sa.String)
            )
            found = self.session.connection().scalar(
                sa.select(agencies.c.id).where(agencies.c.kind == "secretariat")
            )
            if found is None:
                raise RuntimeError(
                    "the council's texts are sealed under the secretariat's key, and the "
                    "directory has no secretariat: add it, then run the migration again"
                )
            self._platform = int(found)
        return self._platform


@contextmanager
def _session() -> Iterator[Session]:
    session = Session(bind=op.get_bind())
    try:
        yield session
        session.flush()
    finally:
        session.close()


def _pk_columns(table: str) -> list[str]:
    return list(sa.inspect(op.get_bind()).get_pk_constraint(table)["constrained_columns"])


def _pending(statement: sa.Select[Any]) -> Iterator[Any]:
    """The rows `statement` selects as not done yet, BATCH at a time: a batch is done
    before the next is read, so memory stays flat whatever the table's size."""
    while rows := op.get_bind().execute(statement.limit(BATCH)).all():
        yield from rows


def _all(statement: sa.Select[Any]) -> Iterator[Any]:
    yield from op.get_bind().execute(statement).all()


def _owner_expression(table: sa.TableClause, owner: Owner) -> sa.ColumnElement[int] | None:
    if owner.column is not None:
        return table.c[owner.column]
    if owner.via is not None:
        key, other, column = owner.via
        referred = sa.table(other, sa.column("id", sa.Integer), sa.column(column, sa.Integer))
        return sa.select(referred.c[column]).where(referred.c.id == table.c[key]).scalar_subquery()
    return None


def _table(name: str, columns: list[str]) -> sa.TableClause:
    return sa.table(name, *(sa.column(column) for column in columns))


# -- upgrade ---------------------------------------------------------------------------


def _create_sealed_terms() -> None:
    op.create_table(
        "sealed_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("public_id", sa.String(length=26), nullable=False),
        sa.Column("term", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_sealed_terms_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealed_terms")),
    )
    op.create_index("ix_sealed_terms_lookup", "sealed_terms", ["agency_id", "source", "term"])
    op.create_index("ix_sealed_terms_row", "sealed_terms", ["source", "public_id"])


_TERMS = sa.table(
    "sealed_terms",
    sa.column("agency_id", sa.Integer),
    sa.column("source", sa.String),
    sa.column("public_id", sa.String),
    sa.column("term", sa.String),
)


def upgrade() -> None:
    _create_sealed_terms()
    for name, (_, texts) in SEALED.items():
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("public_id", sa.String(PUBLIC_ID_LENGTH), nullable=True))
            for text in texts:
                batch.add_column(sa.Column(f"{text.name}_sealed", sa.LargeBinary(), nullable=True))
    with _session() as session:
        keys = _Keys(session)
        for name, (owner, texts) in SEALED.items():
            _seal_table(keys, name, owner, texts)
    for name, (_, texts) in SEALED.items():
        checks = [(check, template) for table, check, template in CHECKS if table == name]
        with op.batch_alter_table(name) as batch:
            for check, _template in checks:
                batch.drop_constraint(op.f(f"ck_{name}_{check}"), type_="check")
            for text in texts:
                batch.drop_column(text.name)
                if not text.nullable:
                    batch.alter_column(
                        f"{text.name}_sealed", existing_type=sa.LargeBinary(), nullable=False
                    )
            batch.alter_column(
                "public_id", existing_type=sa.String(PUBLIC_ID_LENGTH), nullable=False
            )
            batch.create_unique_constraint(op.f(f"uq_{name}_public_id"), ["public_id"])
            for check, template in checks:
                batch.create_check_constraint(check, _check_text(template, sealed=True))
    _seal_audit_personal()


def _seal_table(keys: _Keys, name: str, owner: Owner, texts: tuple[Text, ...]) -> None:
    pk = _pk_columns(name)
    plain = [text.name for text in texts]
    table = _table(name, [*pk, *plain, "public_id", *(f"{p}_sealed" for p in plain)])
    if owner.column is not None:
        table.append_column(sa.column(owner.column, sa.Integer))
    if owner.via is not None:
        table.append_column(sa.column(owner.via[0], sa.Integer))
    owner_of = _owner_expression(table, owner)
    columns: list[sa.ColumnElement[Any]] = [*(table.c[c] for c in pk), *(table.c[p] for p in plain)]
    if owner_of is not None:
        columns.append(owner_of.label("owner_agency"))
    # Rows sealed by an earlier run that stopped are left as they are.
    query = sa.select(*columns).where(table.c.public_id.is_(None))
    for row in _pending(query):
        values = row._mapping
        agency_id = values["owner_agency"] if owner_of is not None else keys.platform()
        public_id = new_public_id()
        update: dict[str, object] = {"public_id": public_id}
        for column in plain:
            if values[column] is not None:
                update[f"{column}_sealed"] = keys.vault.seal_text(
                    keys.session, agency_id, values[column],
                    context=sealing_context(name, public_id, column),
                )  # fmt: skip
            if (name, column) in SEARCHABLE:
                terms = keys.vault.index_terms(keys.session, agency_id, values[column])
                rows = [
                    {"agency_id": agency_id, "source": f"{name}.{column}",
                     "public_id": public_id, "term": term}
                    for term in sorted(terms)
                ]  # fmt: skip
                if rows:
                    op.get_bind().execute(sa.insert(_TERMS), rows)
        where = sa.and_(*(table.c[c] == values[c] for c in pk))
        op.get_bind().execute(sa.update(table).where(where).values(update))


def _seal_audit_personal() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if not postgres:
        op.execute("DROP TRIGGER IF EXISTS audit_personal_erase_only_update")
        op.execute("DROP TRIGGER IF EXISTS audit_personal_erase_only_delete")
    else:
        op.execute("ALTER TABLE audit_personal DISABLE TRIGGER audit_personal_erase_only")
    with op.batch_alter_table("audit_personal") as batch:
        batch.add_column(
            sa.Column(
                "data_sealed",
                sa.LargeBinary(),
                nullable=True,
                comment="personal data (canonical JSON), sealed; NULL once erased",
            )
        )
        batch.add_column(sa.Column("sealed_under_agency_id", sa.Integer(), nullable=True))
    personal = _table("audit_personal", ["seq", "data", "data_sealed", "sealed_under_agency_id"])
    entries = _table("audit_entries", ["seq", "actor_agency_id"])
    query = (
        sa.select(personal.c.seq, personal.c.data, entries.c.actor_agency_id)
        .join(entries, entries.c.seq == personal.c.seq)
        .where(personal.c.sealed_under_agency_id.is_(None))
        .order_by(personal.c.seq)
    )
    with _session() as session:
        keys = _Keys(session)
        for row in _pending(query):
            seq, data, actor_agency_id = row[0], row[1], row[2]
            agency_id = actor_agency_id if actor_agency_id is not None else keys.platform()
            sealed = None
            if data is not None:
                sealed = keys.vault.seal_text(
                    session, agency_id, data, context=_personal_context(seq)
                )
            bind.execute(
                sa.update(personal)
                .where(personal.c.seq == seq)
                .values(data_sealed=sealed, sealed_under_agency_id=agency_id)
            )
    with op.batch_alter_table("audit_personal") as batch:
        batch.drop_column("data")
        batch.alter_column("sealed_under_agency_id", existing_type=sa.Integer(), nullable=False)
    if postgres:
        op.execute(POSTGRES_ERASE_ONLY)
        op.execute("ALTER TABLE audit_personal ENABLE TRIGGER audit_personal_erase_only")
    else:
        extra = "OR NEW.sealed_under_agency_id IS NOT OLD.sealed_under_agency_id"
        op.execute(SQLITE_ERASE_ONLY.format(extra=extra, data="data_sealed"))
        op.execute(SQLITE_DELETE_REFUSED)


# -- downgrade: every value opened back into its plain column ---------------------------


def downgrade() -> None:
    _open_audit_personal()
    op.drop_index("ix_sealed_terms_row", table_name="sealed_terms")
    op.drop_index("ix_sealed_terms_lookup", table_name="sealed_terms")
    op.drop_table("sealed_terms")
    for name, (owner, texts) in SEALED.items():
        checks = [(check, template) for table, check, template in CHECKS if table == name]
        with op.batch_alter_table(name) as batch:
            for text in texts:
                batch.add_column(sa.Column(text.name, _plain_type(text), nullable=True))
        with _session() as session:
            _open_table(_Keys(session), name, owner, texts)
        with op.batch_alter_table(name) as batch:
            for check, _template in checks:
                batch.drop_constraint(op.f(f"ck_{name}_{check}"), type_="check")
            batch.drop_constraint(op.f(f"uq_{name}_public_id"), type_="unique")
            batch.drop_column("public_id")
            for text in texts:
                batch.drop_column(f"{text.name}_sealed")
                if not text.nullable:
                    batch.alter_column(text.name, existing_type=_plain_type(text), nullable=False)
            for check, template in checks:
                batch.create_check_constraint(check, _check_text(template, sealed=False))


def _plain_type(text: Text) -> sa.types.TypeEngine[str]:
    return sa.Text() if text.length is None else sa.String(text.length)


def _open_table(keys: _Keys, name: str, owner: Owner, texts: tuple[Text, ...]) -> None:
    pk = _pk_columns(name)
    sealed = [f"{text.name}_sealed" for text in texts]
    table = _table(name, [*pk, "public_id", *sealed, *(text.name for text in texts)])
    if owner.column is not None:
        table.append_column(sa.column(owner.column, sa.Integer))
    if owner.via is not None:
        table.append_column(sa.column(owner.via[0], sa.Integer))
    owner_of = _owner_expression(table, owner)
    columns: list[sa.ColumnElement[Any]] = [
        *(table.c[c] for c in pk),
        table.c.public_id,
        *(table.c[s] for s in sealed),
    ]
    if owner_of is not None:
        columns.append(owner_of.label("owner_agency"))
    for row in _all(sa.select(*columns)):
        values = row._mapping
        agency_id = values["owner_agency"] if owner_of is not None else keys.platform()
        update = {
            text.name: keys.vault.open_text(
                keys.session,
                agency_id,
                values[f"{text.name}_sealed"],
                context=sealing_context(name, values["public_id"], text.name),
            )
            for text in texts
            if values[f"{text.name}_sealed"] is not None
        }
        if update:
            where = sa.and_(*(table.c[c] == values[c] for c in pk))
            op.get_bind().execute(sa.update(table).where(where).values(update))


def _open_audit_personal() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_personal DISABLE TRIGGER audit_personal_erase_only")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_personal_erase_only_update")
        op.execute("DROP TRIGGER IF EXISTS audit_personal_erase_only_delete")
    with op.batch_alter_table("audit_personal") as batch:
        batch.add_column(
            sa.Column(
                "data",
                sa.Text(),
                nullable=True,
                comment="personal data (canonical JSON); NULL once erased",
            )
        )
    personal = _table("audit_personal", ["seq", "data", "data_sealed", "sealed_under_agency_id"])
    query = sa.select(
        personal.c.seq, personal.c.data_sealed, personal.c.sealed_under_agency_id
    ).order_by(personal.c.seq)
    with _session() as session:
        keys = _Keys(session)
        for row in _all(query):
            seq, sealed, agency_id = row[0], row[1], row[2]
            if sealed is not None:
                data = keys.vault.open_text(
                    session, agency_id, sealed, context=_personal_context(seq)
                )
                bind.execute(sa.update(personal).where(personal.c.seq == seq).values(data=data))
    with op.batch_alter_table("audit_personal") as batch:
        batch.drop_column("data_sealed")
        batch.drop_column("sealed_under_agency_id")
    if postgres:
        op.execute(POSTGRES_ERASE_ONLY_PLAIN)
        op.execute("ALTER TABLE audit_personal ENABLE TRIGGER audit_personal_erase_only")
    else:
        op.execute(SQLITE_ERASE_ONLY.format(extra="", data="data"))
        op.execute(SQLITE_DELETE_REFUSED)
