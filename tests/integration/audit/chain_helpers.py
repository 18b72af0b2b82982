"""Helpers of the audit tests: append entries, tamper as the owner, read the report."""

from __future__ import annotations

from sqlalchemy import Connection, select, text

from interagency.audit import AuditEvent, record
from interagency.bootstrap import Container
from interagency.identity.models import Agency
from tests.support.identity import build_council

PROTECTED_TABLES = ("audit_entries", "audit_personal", "audit_checkpoints")


def agency_ids(container: Container) -> list[int]:
    """The agencies in the directory (a test council's, added if there are none): audit
    entries name their actor's agency, whose key seals their personal values."""
    with container.uow() as uow:
        ids = list(uow.session.scalars(select(Agency.id).order_by(Agency.id)))
        if not ids:
            build_council(uow, container)
            ids = list(uow.session.scalars(select(Agency.id).order_by(Agency.id)))
            uow.commit()
    return ids


def append_entries(container: Container, count: int, *, personal_every: int = 0) -> None:
    """Appends `count` entries, each in its own committed unit of work."""
    agencies = agency_ids(container)
    for number in range(count):
        personal = None
        if personal_every and number % personal_every == 0:
            personal = {"name": f"Person {number}", "born": "1980-01-01"}
        with container.uow() as uow:
            record(
                uow,
                AuditEvent(
                    action="records:person:read",
                    actor_login="analyst.kz",
                    actor_agency_id=agencies[number % 3],
                    object_kind="person",
                    object_ref=str(number),
                    detail={"number": number},
                    personal=personal,
                ),
            )
            uow.commit()


def drop_protections(connection: Connection) -> None:
    """What an owner who wants to tamper does first: remove the triggers (rolled back later)."""
    if connection.dialect.name == "postgresql":
        for table in PROTECTED_TABLES:
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        return
    names = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'audit_%'")
    ).scalars()
    for name in list(names):
        connection.execute(text(f"DROP TRIGGER {name}"))
