"""Reading the audit trail: who may search and export it, over which agencies, and what
of each entry they see (`audit_policy`).

An agency's auditors and DPOs read the entries of their own agency: its users' and the
operator's commands about it; the council bodies' auditors and DPOs read all. Every
search and export is itself audited with its query and the entries it returned.

An export leaves through the export gate (`egress.Door.AUDIT_FILE`): the trail holds
personal data, so the file is marked H2 and AMBER+STRICT (never passed on), and its
first line names the export id and that marking.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from functools import lru_cache

from sqlalchemy import func, select

from interagency import audit, egress
from interagency.audit.models import AuditEntry
from interagency.db import HasPublicId, UnitOfWork, utcnow
from interagency.identity import guard
from interagency.identity.audit_policy import AuditReader
from interagency.identity.policy import Action, audit_scope
from interagency.identity.principals import Caller
from interagency.markings import HandlingCode, Tlp
from interagency.vault.columns import vault_of

# Fifty entries keep a page a few screens long; the filters narrow it further.
PAGE_SIZE = 50
# What the audit trail is as the export gate sees it: personal data about the agency's
# people, for the auditor and nobody after them.
EXPORT_TLP = Tlp.AMBER_STRICT
EXPORT_HANDLING = HandlingCode.H2

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
    return filters if scope is None else replace(filters, agency_id=scope)


def _reader(uow: UnitOfWork, caller: Caller) -> AuditReader:
    principal = caller.principal
    assert principal is not None  # (guard.require refused anonymous callers)
    agency_id = principal.agency_id
    vault = vault_of(uow.session)

    # An export names the same objects again and again: one query for each, within reason.
    @lru_cache(maxsize=10_000)
    def public_id(kind: str, ref: str) -> str | None:
        model = _NAMED_KINDS.get(kind)
        # Keys are written as decimal integers; anything else was stored as it is shown.
        if model is None or not (ref.isascii() and ref.isdigit() and len(ref) < 10):
            return None
        key_column = model.__table__.c.id  # type: ignore[attr-defined]
        found: str | None = uow.session.scalar(
            select(model.public_id).where(key_column == int(ref))
        )
        return found

    return AuditReader(
        agency_id=agency_id,
        reference=lambda name: vault.reference(uow.session, agency_id, name),
        public_id=public_id,
    )


def _query(filters: audit.AuditFilter) -> dict[str, object]:
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in asdict(filters).items()
        if value is not None
    }


@dataclass(frozen=True)
class AuditPage:
    rows: list[audit.AuditEntryView]
    has_next: bool


def search(uow: UnitOfWork, caller: Caller, filters: audit.AuditFilter, page: int = 1) -> AuditPage:
    guard.require(caller, Action.VIEW_AUDIT, "audit")
    audit.fold_refusals(uow)  # the counts of minutes that are over, before reading
    scoped = _scoped(uow, caller, filters)
    # One entry more than is shown says whether an older page exists; it is not shown,
    # so it is not recorded as read.
    found = audit.search_entries(
        uow,
        scoped,
        limit=PAGE_SIZE + 1,
        offset=(max(page, 1) - 1) * PAGE_SIZE,
        reader=_reader(uow, caller),
    )
    rows = found[:PAGE_SIZE]
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
    return AuditPage(rows=rows, has_next=len(found) > PAGE_SIZE)


@dataclass(frozen=True)
class AuditExport:
    """The gate's receipt for the export, and the CSV lines it lets out (first the line
    naming the export id and marking, then the header and the entries)."""

    receipt: egress.Receipt
    lines: Iterator[str]


def export(uow: UnitOfWork, caller: Caller, filters: audit.AuditFilter) -> AuditExport:
    """The export, through the gate. It is bounded by the time it was asked for, so the
    query and the sequence range recorded name exactly the entries it holds."""
    principal = guard.require(caller, Action.EXPORT_AUDIT, "audit")
    audit.fold_refusals(uow)
    now = utcnow()
    bounded = _scoped(uow, caller, filters)
    if bounded.time_to is None or bounded.time_to > now:
        bounded = replace(bounded, time_to=now)
    head = uow.session.scalar(select(func.max(AuditEntry.seq))) or 0
    # The reference names the range, never the query: a query may name people.
    item = egress.Item(
        kind="audit",
        ref=f"audit-trail-to-{head}",
        owner_agency_id=principal.agency_id,
        tlp=EXPORT_TLP,
        handling=EXPORT_HANDLING,
        permit=egress.Permit.ALLOW,  # (guard.require let this auditor export)
    )
    receipt = egress.release(uow, caller, egress.Door.AUDIT_FILE, [item], fmt="csv")
    audit.record(
        uow,
        caller.event(
            "audit:export",
            object_kind="audit",
            detail={"up_to_seq": head, "export": receipt.export_id},
            personal={"query": _query(bounded)},
        ),
    )
    lines = audit.export_csv(uow, bounded, _reader(uow, caller))
    return AuditExport(receipt, _headed(receipt, lines))


def _headed(receipt: egress.Receipt, lines: Iterator[str]) -> Iterator[str]:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["export", receipt.export_id, "marking", receipt.marking])
    yield buffer.getvalue()
    yield from lines
