"""A thread taken out of the platform as a PDF or CSV file, watermarked and audited.

RED never leaves. Anything handled above H0 leaves an agency other than the provider
only once the provider recorded its consent (an approved export request). Every file
names who exported it, when, and under which marking, on every page or in its header.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from interagency import audit, i18n
from interagency.audit.events import AuditEvent
from interagency.audit.services import neutralise_formula
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Forbidden
from interagency.exchange import services
from interagency.exchange.access import access, deny
from interagency.exchange.dissemination import export_consented
from interagency.exchange.policy import Action, Effect
from interagency.exchange.queries import thread_view
from interagency.exchange.schemas import ThreadOut
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
from interagency.markings import Tlp

FORMATS = {"pdf": PDF_MEDIA_TYPE, "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class ExportedFile:
    content: bytes
    media_type: str
    filename: str


def marking_of(view: ThreadOut) -> str:
    text = f"{view.handling_code.value} · TLP:{view.tlp.value}"
    return f"{text} · {view.restriction}" if view.restriction else text


def export_thread(
    uow: UnitOfWork,
    caller: Caller,
    ctx: services.Context,
    thread_id: int,
    fmt: str,
    *,
    timezone: str = "UTC",
    language: str = "ru",
) -> ExportedFile:
    if fmt not in FORMATS:
        raise Forbidden(lazy("Threads are exported as pdf or csv."))
    now = utcnow()
    granted = access(uow, caller, thread_id, Action.READ_CONTENT, now)
    thread, principal = granted.thread, granted.principal
    if thread.tlp == Tlp.RED.value:
        raise Forbidden(lazy("RED is never exported; it stays on the platform.")).refused_as(
            _refusal(caller, thread.id, "RED")
        )
    effect = granted.effect(Action.EXPORT)
    consented = effect is Effect.WITH_CONSENT and export_consented(
        uow, thread.id, principal.agency_id
    )
    if effect is not Effect.ALLOW and not consented:
        if effect is Effect.WITH_CONSENT:
            raise Forbidden(
                lazy(
                    "This thread is handled as {code}: ask the originating agency for its "
                    "consent to an export first."
                ),
                code=thread.handling_code,
            ).refused_as(_refusal(caller, thread.id, "no consent"))
        deny(caller, Action.EXPORT, thread.id, hide=False)
    view = thread_view(uow, caller, ctx, thread_id)
    label = f"{principal.login} ({principal.full_name})"
    watermark = Watermark(label, now, marking_of(view), timezone)
    with i18n.language(language):
        content = _pdf(view, watermark, language) if fmt == "pdf" else _csv(view, watermark)
    audit.record(
        uow,
        caller.event(
            "exchange:thread:export",
            object_kind="thread",
            object_ref=thread.id,
            detail={"format": fmt, "marking": watermark.marking, "consent": consented,
                    "messages": [m.id for m in view.messages]},
        ),
    )  # fmt: skip
    return ExportedFile(content, FORMATS[fmt], f"{view.reference}.{fmt}")


def _pdf(view: ThreadOut, watermark: Watermark, language: str) -> bytes:
    facts = [
        (_("Reference"), view.reference),
        (_("From"), view.originator),
        (_("To"), ", ".join(view.recipients)),
        (_("Type"), view.kind.value),
        (_("Priority"), view.priority.value),
        (_("Status"), view.status.value),
    ]
    if view.case_numbers:
        facts.append((_("Cases"), ", ".join(view.case_numbers)))
    sections = [
        Section(
            f"{m.created_at:%Y-%m-%d %H:%M} UTC · {m.agency} · {m.author}",
            [
                f"{m.kind.value} · {m.handling_code.value} · TLP:{m.tlp.value} · "
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
                    [_("Agency"), _("Desk"), _("Status"), _("Deadline (UTC)")],
                    [
                        [r.agency, r.desk or "", r.status.value, _utc(r.deadline_at)]
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


def _utc(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def _csv(view: ThreadOut, watermark: Watermark) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    stamp = f"{watermark.generated_at:%Y-%m-%d %H:%M:%S} UTC"
    writer.writerow(
        ["# exported by", watermark.user_label, "at", stamp, "marking", watermark.marking]
    )
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


def _refusal(caller: Caller, thread_id: int, why: str) -> AuditEvent:
    return caller.event(
        Action.EXPORT.value,
        outcome="denied",
        object_kind="thread",
        object_ref=thread_id,
        detail={"why": why},
    )
