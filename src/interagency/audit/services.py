"""Use cases of the audit trail for the auditor's pages: search, CSV export, erasure.

Restricting an auditor to their own agency is the caller's decision, made by passing
`agency_id` in the filter; so is what the reader may know of each entry, given as an
`EntryReader` that every entry passes through before it is returned or written out.
Searches and exports are themselves audited by the caller, which knows who asked
(action "audit:search", "audit:export").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import orjson
from sqlalchemy import Select, and_, or_, select

from interagency.audit import personal as personal_values
from interagency.audit.chain import canonical_json
from interagency.audit.events import AuditEvent
from interagency.audit.log import record
from interagency.audit.models import AuditEntry, AuditPersonal
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import lazy

MAX_PAGE = 1000
EXPORT_BATCH = 1000
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditFilter:
    """Every given field must match; `time_from` is inclusive, `time_to` exclusive."""

    time_from: datetime | None = None
    time_to: datetime | None = None
    action_prefix: str | None = None
    actor_login: str | None = None
    actor_agency_id: int | None = None
    # An agency's own entries: its users acted, or, where no agency's user acted (the
    # operator's commands), the entry concerns it: its personal values are sealed under
    # the agency's key.
    agency_id: int | None = None
    object_kind: str | None = None
    object_ref: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class AuditEntryView:
    seq: int
    at: datetime
    action: str
    outcome: str
    actor_login: str | None
    actor_agency_id: int | None
    object_kind: str | None
    object_ref: str | None
    client_address: str | None
    detail: dict[str, Any]
    personal: dict[str, Any] | None  # None when the entry had none, or erased, or withheld
    personal_erased: bool
    # The agency whose key seals the personal values (None when there are none, or none
    # were kept); `personal_withheld` when the reader may not open them.
    personal_agency_id: int | None = None
    personal_withheld: bool = False


class EntryReader(Protocol):
    """What one reader may know of each entry: the caller's access policy."""

    def may_open(self, sealed_under_agency_id: int) -> bool:
        """Whether the reader may read personal values sealed under this agency's key;
        values it may not read are never opened."""
        ...

    def project(self, view: AuditEntryView) -> AuditEntryView:
        """The entry as the reader may see it."""
        ...


EXPORT_COLUMNS = (
    "seq",
    "at",
    "action",
    "outcome",
    "actor_login",
    "actor_agency_id",
    "object_kind",
    "object_ref",
    "client_address",
    "detail",
    "personal",
    "personal_erased",
    "personal_withheld",
)


def search_entries(
    uow: UnitOfWork, filters: AuditFilter, *, limit: int, offset: int, reader: EntryReader
) -> list[AuditEntryView]:
    """Entries matching `filters`, newest first, as `reader` may see them; `limit` is 1
    to 1000."""
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(
            lazy("Page size must be 1 to {most} and the offset not negative."), most=MAX_PAGE
        )
    query = _filtered(filters).order_by(AuditEntry.seq.desc()).limit(limit).offset(offset)
    return [_view(uow, entry, personal, reader) for entry, personal in uow.session.execute(query)]


def export_csv(uow: UnitOfWork, filters: AuditFilter, reader: EntryReader) -> Iterator[str]:
    """CSV lines (header first, oldest entry first), streamed; formulas are neutralised.
    Every line is written from the entry as `reader` may see it, as on the page."""
    yield _csv_line(EXPORT_COLUMNS)
    query = _filtered(filters).order_by(AuditEntry.seq).execution_options(yield_per=EXPORT_BATCH)
    for entry, personal in uow.session.execute(query):
        view = _view(uow, entry, personal, reader)
        yield _csv_line(
            (
                str(view.seq),
                view.at.isoformat(),
                view.action,
                view.outcome,
                view.actor_login or "",
                "" if view.actor_agency_id is None else str(view.actor_agency_id),
                view.object_kind or "",
                view.object_ref or "",
                view.client_address or "",
                canonical_json(view.detail).decode(),
                "" if view.personal is None else canonical_json(view.personal).decode(),
                "yes" if view.personal_erased else "no",
                "yes" if view.personal_withheld else "no",
            )
        )


def erase_personal_data(
    uow: UnitOfWork,
    seq: int,
    reason: str,
    *,
    actor_user_id: int | None = None,
    actor_login: str | None = None,
    actor_agency_id: int | None = None,
) -> None:
    """Clears the personal data of entry `seq` and records the erasure; the chain stays valid.

    The salt and the chained digest stay, so the entry still verifies. `reason` (the
    legal ground, e.g. a request number) is kept with the row and in the new entry, so
    it must not itself hold personal data. Raises NotFound when the entry has no personal
    data and Conflict when it was erased already.
    """
    row = uow.session.get(AuditPersonal, seq)
    if row is None:
        raise NotFound(lazy("Audit entry {seq} holds no personal data."), seq=seq)
    if row.data_sealed is None:
        raise Conflict(lazy("The personal data of audit entry {seq} is erased already."), seq=seq)
    row.data_sealed = None
    row.erased_at = utcnow()
    row.erasure_reason = reason
    uow.session.flush()
    record(
        uow,
        AuditEvent(
            action="audit:personal:erased",
            actor_user_id=actor_user_id,
            actor_login=actor_login,
            actor_agency_id=actor_agency_id,
            object_kind="audit_entry",
            object_ref=str(seq),
            detail={"reason": reason},
        ),
    )


def _filtered(filters: AuditFilter) -> Select[AuditEntry, AuditPersonal]:
    query = select(AuditEntry, AuditPersonal).outerjoin(
        AuditPersonal, AuditPersonal.seq == AuditEntry.seq
    )
    if filters.time_from is not None:
        query = query.where(AuditEntry.at >= filters.time_from)
    if filters.time_to is not None:
        query = query.where(AuditEntry.at < filters.time_to)
    if filters.action_prefix:
        query = query.where(AuditEntry.action.startswith(filters.action_prefix, autoescape=True))
    if filters.actor_login is not None:
        query = query.where(AuditEntry.actor_login == filters.actor_login)
    if filters.actor_agency_id is not None:
        query = query.where(AuditEntry.actor_agency_id == filters.actor_agency_id)
    if filters.agency_id is not None:
        query = query.where(
            or_(
                AuditEntry.actor_agency_id == filters.agency_id,
                and_(
                    AuditEntry.actor_agency_id.is_(None),
                    AuditPersonal.sealed_under_agency_id == filters.agency_id,
                ),
            )
        )
    if filters.object_kind is not None:
        query = query.where(AuditEntry.object_kind == filters.object_kind)
    if filters.object_ref is not None:
        query = query.where(AuditEntry.object_ref == filters.object_ref)
    if filters.outcome is not None:
        query = query.where(AuditEntry.outcome == filters.outcome)
    return query


def _view(
    uow: UnitOfWork, entry: AuditEntry, row: AuditPersonal | None, reader: EntryReader
) -> AuditEntryView:
    erased = row is not None and row.data_sealed is None
    # A row whose values were never kept names no agency (0): there was no key yet.
    sealed_under = (row.sealed_under_agency_id or None) if row is not None else None
    withheld = not erased and sealed_under is not None and not reader.may_open(sealed_under)
    opened = None
    if row is not None and sealed_under is not None and not withheld:
        opened = personal_values.open_json(uow.session, row.seq, sealed_under, row.data_sealed)
    view = AuditEntryView(
        seq=entry.seq,
        at=entry.at,
        action=entry.action,
        outcome=entry.outcome,
        actor_login=entry.actor_login,
        actor_agency_id=entry.actor_agency_id,
        object_kind=entry.object_kind,
        object_ref=entry.object_ref,
        client_address=entry.client_address,
        detail=orjson.loads(entry.detail),
        personal=None if opened is None else orjson.loads(opened),
        personal_erased=erased,
        personal_agency_id=sealed_under,
        personal_withheld=withheld,
    )
    return reader.project(view)


def neutralise_formula(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _csv_line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([neutralise_formula(cell) for cell in cells])
    return buffer.getvalue()
