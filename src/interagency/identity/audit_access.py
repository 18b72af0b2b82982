"""Reading the audit trail: who may search and export it, and over which agencies.

An agency's auditors and DPOs read the entries of their own agency's users; the council
bodies' auditors read all. Every search and export is itself audited with its query and
the entries it returned.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import datetime

from sqlalchemy import func, select

from interagency import audit
from interagency.audit.models import AuditEntry
from interagency.db import HasPublicId, UnitOfWork, utcnow
from interagency.identity import guard
from interagency.identity.policy import Action, audit_scope
from interagency.identity.principals import Caller

PAGE_SIZE = 100

# The audit names an object by its integer key; users know it by its public id. Features
# register the kinds of object they audit, so that a search by public id finds the key.
_NAMED_KINDS: dict[str, type[HasPublicId]] = {}


def name_kind(kind: str, model: type[HasPublicId]) -> None:
    _NAMED_KINDS[kind] = model


def _by_key(uow: UnitOfWork, filters: audit.AuditFilter) -> audit.AuditFilter:
    model = _NAMED_KINDS.get(filters.object_kind or "")
    if model is None or filters.object_ref is None:
        return filters
    key_column = model.__table__.c.id  # type: ignore[attr-defined]
    key = uow.session.scalar(select(key_column).where(model.public_id == filters.object_ref))
    return filters if key is None else replace(filters, object_ref=str(key))


def _scoped(uow: UnitOfWork, caller: Caller, filters: audit.AuditFilter) -> audit.AuditFilter:
    principal = caller.principal
    assert principal is not None  # (guard.require refused anonymous callers)
    scope = audit_scope(principal)
    filters = _by_key(uow, filters)
    return filters if scope is None else replace(filters, actor_agency_id=scope)


def _query(filters: audit.AuditFilter) -> dict[str, object]:
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in asdict(filters).items()
        if value is not None
    }


def search(
    uow: UnitOfWork, caller: Caller, filters: audit.AuditFilter, page: int = 1
) -> list[audit.AuditEntryView]:
    guard.require(uow, caller, Action.VIEW_AUDIT, "audit")
    scoped = _scoped(uow, caller, filters)
    rows = audit.search_entries(uow, scoped, limit=PAGE_SIZE, offset=(max(page, 1) - 1) * PAGE_SIZE)
    audit.record(
        uow,
        caller.event(
            "audit:search",
            object_kind="audit",
            detail={"page": page, "ids": [row.seq for row in rows]},
            # The query may name people (a login, an object): kept aside, erasable.
            personal={"query": _query(scoped)},
        ),
    )
    return rows


def export(uow: UnitOfWork, caller: Caller, filters: audit.AuditFilter) -> Iterator[str]:
    """The CSV lines of the export. The export is bounded by the time it was asked for, so
    the query and the sequence range recorded name exactly the entries it holds."""
    guard.require(uow, caller, Action.EXPORT_AUDIT, "audit")
    now = utcnow()
    bounded = _scoped(uow, caller, filters)
    if bounded.time_to is None or bounded.time_to > now:
        bounded = replace(bounded, time_to=now)
    head = uow.session.scalar(select(func.max(AuditEntry.seq))) or 0
    audit.record(
        uow,
        caller.event(
            "audit:export",
            object_kind="audit",
            detail={"up_to_seq": head},
            personal={"query": _query(bounded)},
        ),
    )
    return audit.export_csv(uow, bounded)
