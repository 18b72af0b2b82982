"""What leaves the exchange through the export gate: a thread as a PDF or CSV file, for
the reader's agency or a registered third party, and threads read in bulk through the API.

The exchange judges each thread by its own policy table (who may export it, and whether
the originator's recorded consent is needed); the gate adds the rules every feature
shares (RED never leaves, RED and AMBER+STRICT never reach a third party, a third party
needs the originator's consent for that destination), records the export and gives its
id, which every file carries on every page or in its header beside who exported it,
when, and under which marking.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from sqlalchemy import func, select

from interagency import audit, egress, i18n
from interagency.audit.services import neutralise_formula
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Forbidden, NotFound
from interagency.exchange import labels, services
from interagency.exchange.access import Access, access
from interagency.exchange.dissemination import (
    THREAD_KIND,
    export_consented,
    registered_third_party_id,
)
from interagency.exchange.models import Message
from interagency.exchange.policy import Action, Effect
from interagency.exchange.queries import InboxFilter, _agency_names, inbox, thread_view
from interagency.exchange.schemas import Page, ThreadOut, ThreadSummary
from interagency.exchange.sealing import open_restriction
from interagency.exchange.search import SearchHit, search
from interagency.exports import (
    PDF_MEDIA_TYPE,
    ExportDocument,
    Section,
    Table,
    Watermark,
    render_pdf,
)
from interagency.i18n import _, lazy
from interagency.identity.principals import Caller
from interagency.markings import HandlingCode, Tlp

FORMATS = {"pdf": PDF_MEDIA_TYPE, "csv": "text/csv; charset=utf-8"}
# The formats a thread's file is offered in: those the gate's door serves, in this order.
OFFERED = tuple(fmt for fmt in FORMATS if fmt in egress.DOORS[egress.Door.THREAD_FILE].formats)


def offered(fmt: str) -> None:
    """A file in a format that is not offered does not exist: 404, as for any other address
    that leads nowhere, rather than a refusal that suggests the file is there."""
    if fmt not in OFFERED:
        raise NotFound(lazy("A thread's file is offered as {formats}."), formats=", ".join(OFFERED))


# The exchange's verdict on exporting a thread, in the gate's words.
PERMITS: Final = {
    Effect.ALLOW: egress.Permit.ALLOW,
    Effect.WITH_CONSENT: egress.Permit.WITH_CONSENT,
    Effect.DENY: egress.Permit.DENY,
}
# A list does not carry an H3 thread's restriction (content, sealed): the exchange never
# stores H3 without one (sending and replying refuse it), so a listed H3 thread points
# the reader to where its words are stated.
LISTED_RESTRICTION: Final = "restriction stated on the thread"


@dataclass(frozen=True)
class ExportedFile:
    content: bytes
    media_type: str
    filename: str
    receipt: egress.Receipt


@dataclass(frozen=True)
class Released:
    """A thread the gate let out: the receipt every page of the file carries, and whether
    the originator's recorded consent was asked for."""

    receipt: egress.Receipt
    consented: bool


@dataclass(frozen=True)
class _AtTheGate:
    items: list[egress.Item]
    destination: egress.Destination
    consented: bool


def export_thread(
    uow: UnitOfWork,
    caller: Caller,
    ctx: services.Context,
    thread_id: int,
    fmt: str,
    *,
    to: str | None = None,
    timezone: str = "UTC",
    language: str = "ru",
) -> ExportedFile:
    """The thread as a file for the reader's agency or, with `to`, for that registered
    third party (its public id); the gate refuses before anything is built."""
    released = release_thread(uow, caller, ctx, thread_id, fmt, to=to)
    view = thread_view(uow, caller, ctx, thread_id)
    content = render_thread(view, caller, released.receipt, timezone=timezone, language=language)
    record_export(uow, caller, thread_id, view, released, to=to)
    return ExportedFile(content, FORMATS[fmt], file_name(view, fmt), released.receipt)


def check_export(
    uow: UnitOfWork,
    caller: Caller,
    ctx: services.Context,
    thread_id: int,
    fmt: str,
    *,
    to: str | None = None,
) -> bool:
    """Refuses at once, with the same audited refusal, an export `export_thread` would
    refuse now; records nothing (the export is recorded when the file is made). Whether
    the originator's recorded consent was asked for."""
    gate = _at_the_gate(uow, caller, ctx, thread_id, to)
    egress.check(
        uow, caller, egress.Door.THREAD_FILE, gate.items, fmt=fmt, destination=gate.destination
    )
    return gate.consented


def release_thread(
    uow: UnitOfWork,
    caller: Caller,
    ctx: services.Context,
    thread_id: int,
    fmt: str,
    *,
    to: str | None = None,
) -> Released:
    """The thread let out through the gate, which records the export; or its refusal."""
    gate = _at_the_gate(uow, caller, ctx, thread_id, to)
    receipt = egress.release(
        uow, caller, egress.Door.THREAD_FILE, gate.items, fmt=fmt, destination=gate.destination
    )
    return Released(receipt, gate.consented)


def render_thread(
    view: ThreadOut,
    caller: Caller,
    receipt: egress.Receipt,
    *,
    timezone: str = "UTC",
    language: str = "ru",
) -> bytes:
    """The file's bytes, watermarked with the reader, the time and the receipt; reads
    nothing from the database, so it may run outside any transaction."""
    principal = caller.principal
    assert principal is not None  # (the gate lets nothing out to nobody)
    watermark = Watermark(
        f"{principal.login} ({principal.full_name})", utcnow(), receipt.marking, timezone,
        export_id=receipt.export_id, expires=receipt.expires,
    )  # fmt: skip
    with i18n.language(language):
        if receipt.fmt == "pdf":
            return _pdf(view, watermark, language)
        return _csv(view, watermark)


def record_export(
    uow: UnitOfWork,
    caller: Caller,
    thread_id: int,
    view: ThreadOut,
    released: Released,
    *,
    to: str | None = None,
) -> None:
    """The exchange's own audit entry of a file made: which messages it holds."""
    receipt = released.receipt
    detail: dict[str, object] = {
        "export": receipt.export_id, "format": receipt.fmt, "marking": receipt.marking,
        "consent": released.consented, "messages": [m.id for m in view.messages],
    }  # fmt: skip
    if to:
        detail["third_party"] = to
    audit.record(
        uow,
        caller.event(
            Action.EXPORT.value, object_kind=THREAD_KIND, object_ref=thread_id, detail=detail
        ),
    )


def file_name(view: ThreadOut, fmt: str) -> str:
    return f"{view.reference}.{fmt}"


def _at_the_gate(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, thread_id: int, to: str | None
) -> _AtTheGate:
    """The thread as the gate judges it: one item per agency that wrote on it."""
    granted = access(uow, caller, thread_id, Action.READ_CONTENT, utcnow())
    thread = granted.thread
    destination = egress.to_third_party(to) if to else egress.READER
    consented = _consented(uow, granted, to)
    base = egress.Item(
        kind=THREAD_KIND,
        ref=thread.public_id,
        owner_agency_id=thread.originator_agency_id,
        tlp=Tlp(thread.tlp),
        handling=HandlingCode(thread.handling_code),
        restriction=open_restriction(uow, ctx.vault, thread),
        permit=PERMITS[granted.effect(Action.EXPORT)],
        consented=consented,
    )
    # Every agency that wrote on the thread owns its messages: the file leaves as one
    # item per such agency, so that each one's consent is asked where a destination
    # needs it, for what it had written when it gave it.
    items = [
        replace(base, owner_agency_id=agency_id, changed_at=last_written)
        for agency_id, last_written in _writers(uow, thread.id, thread.originator_agency_id)
    ]
    return _AtTheGate(items, destination, consented)


def _writers(
    uow: UnitOfWork, thread_id: int, originator_agency_id: int
) -> list[tuple[int, datetime]]:
    """Each agency that wrote on the thread, the originator first, with its last message."""
    rows = uow.session.execute(
        select(Message.author_agency_id, func.max(Message.created_at))
        .where(Message.thread_id == thread_id)
        .group_by(Message.author_agency_id)
    ).all()
    return sorted(
        ((agency_id, last) for agency_id, last in rows),
        key=lambda row: (row[0] != originator_agency_id, row[0]),
    )


def _consented(uow: UnitOfWork, granted: Access, to: str | None) -> bool:
    """Whether the originator approved this agency's export request for this destination
    (asked only when the exchange's table makes the export depend on it)."""
    if granted.effect(Action.EXPORT) is not Effect.WITH_CONSENT:
        return False
    party_id = None
    if to:
        party_id = registered_third_party_id(uow, to)
        if party_id is None:
            return False  # the gate refuses an unregistered third party, in its words
    return export_consented(
        uow, granted.thread.id, granted.principal.agency_id, third_party_id=party_id
    )


# -- API reads ----------------------------------------------------------------------------


def read_threads(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, filters: InboxFilter
) -> tuple[Page[ThreadSummary], egress.Receipt]:
    """A page of the inbox read through the API, as the gate lets it out (and counts it)."""
    page = inbox(uow, caller, ctx, filters)
    receipt = _release_listed(uow, caller, page.items, filters.described())
    items = [summary for summary in page.items if receipt.passed(summary.id)]
    return page.model_copy(update={"items": items}), receipt


def search_threads(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, text: str, filters: InboxFilter
) -> tuple[Page[SearchHit], egress.Receipt]:
    """A page of search hits read through the API, as the gate lets it out (and counts it).

    The gate records the filters, not the words searched for: those may name a person,
    and stay in the search's own audit entry, where they can be erased."""
    page = search(uow, caller, ctx, text, filters)
    summaries = [hit.thread for hit in page.items]
    receipt = _release_listed(uow, caller, summaries, {**filters.described(), "search": True})
    items = [hit for hit in page.items if receipt.passed(hit.thread.id)]
    return page.model_copy(update={"items": items}), receipt


def read_thread(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, thread_id: int
) -> tuple[ThreadOut, egress.Receipt]:
    """One thread read through the API: one object of the same bulk-read door, so that
    reading thread by thread counts as much as reading pages of them."""
    view = thread_view(uow, caller, ctx, thread_id)
    receipt = _release_listed(uow, caller, [view], {"thread": view.id})
    if not receipt.passed(view.id):
        raise Forbidden(lazy("This thread may not leave through the API to where you read it."))
    return view, receipt


def _release_listed(
    uow: UnitOfWork,
    caller: Caller,
    summaries: Sequence[ThreadSummary],
    query: dict[str, object],
) -> egress.Receipt:
    # The list already holds only what the reader may see (the policy's SQL filter):
    # each thread is let out as the reader's own to read.
    # One read of the agencies for the whole list: agency code -> id.
    owners = {code: agency_id for agency_id, code in _agency_names(uow).items()}
    items = [
        egress.Item(
            kind=THREAD_KIND,
            ref=summary.id,
            owner_agency_id=owners.get(summary.originator),
            tlp=summary.tlp,
            handling=summary.handling_code,
            restriction=LISTED_RESTRICTION if summary.handling_code is HandlingCode.H3 else None,
        )
        for summary in summaries
    ]
    return egress.release(uow, caller, egress.Door.THREAD_LIST, items, fmt="json", query=query)


def _pdf(view: ThreadOut, watermark: Watermark, language: str) -> bytes:
    """The thread in the reader's language and zone: every time shown in the zone the
    watermark names, every code in words."""
    zone = watermark.timezone
    facts = [
        (_("Reference"), view.reference),
        (_("From"), view.originator),
        (_("To"), ", ".join(view.recipients)),
        (_("Type"), labels.kind(view.kind)),
        (_("Priority"), labels.priority(view.priority)),
        (_("Status"), labels.status(view.status)),
    ]
    if view.case_numbers:
        facts.append((_("Cases"), ", ".join(view.case_numbers)))
    sections = [
        Section(
            f"{labels.local_time(m.created_at, zone)} · {m.agency} · {m.author}",
            [
                f"{labels.kind(m.kind)} · {m.handling_code.value} · TLP:{m.tlp.value} · "
                f"{m.source_grade.value}{m.information_grade.value}",
                m.body,
            ],
            level=2,
        )
        for m in view.messages
    ]
    sections.append(
        Section(
            _("Recipients"),
            [
                Table(
                    [_("Agency"), _("Desk"), _("Status"), _("Deadline")],
                    [
                        [
                            r.agency,
                            r.desk or "",
                            labels.status(r.status),
                            labels.local_time(r.deadline_at, zone),
                        ]
                        for r in view.recipient_states
                    ],
                )
            ],
        )
    )
    document = ExportDocument(
        title=view.subject or view.reference,
        marking=watermark.marking,
        facts=facts,
        sections=sections,
    )
    return render_pdf(document, watermark, language)


def _csv(view: ThreadOut, watermark: Watermark) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    stamp = f"{watermark.generated_at:%Y-%m-%d %H:%M:%S} UTC"
    header = ["# exported by", watermark.user_label, "at", stamp, "export", watermark.export_id]
    if watermark.expires is not None:
        header += ["valid until", watermark.expires.isoformat()]
    # The marking stays the last cell, where readers of earlier exports find it.
    writer.writerow([*header, "marking", watermark.marking])
    writer.writerow(["# thread", view.reference, "subject", neutralise_formula(view.subject or "")])
    writer.writerow(
        ["time_utc", "agency", "author", "kind", "handling", "tlp", "evaluation", "body"]
    )
    for m in view.messages:
        writer.writerow(
            neutralise_formula(cell)
            for cell in (
                f"{m.created_at:%Y-%m-%d %H:%M:%S}", m.agency, m.author, m.kind.value,
                m.handling_code.value, m.tlp.value,
                f"{m.source_grade.value}{m.information_grade.value}", m.body,
            )
        )  # fmt: skip
    return buffer.getvalue().encode("utf-8-sig")
