"""Annual reports of council bodies: sections compiled from agencies' contributions into a
joint document, which is then reviewed and adopted like any other."""

from __future__ import annotations

from sqlalchemy import select

from interagency.council import access, documents
from interagency.council.models import (
    AnnualReport,
    Document,
    DocumentKind,
    ReportContribution,
    ReportSection,
)
from interagency.council.policy import Action
from interagency.council.schemas import ContributionIn, DocumentIn, Marking, ReportIn, VersionIn
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, InvalidInput
from interagency.i18n import gettext, lazy
from interagency.identity.principals import Caller
from interagency.inputs import STORED

KIND = "council-report"

# A version's note is written by people in their language; the compiler writes its own
# in the language of the one who compiles, like a note they would have written.
COMPILED_NOTE = lazy("Compiled again from the contributions")


def contributors(report: AnnualReport) -> set[int]:
    return {c.agency_id for s in report.sections for c in s.contributions}


def _find(uow: UnitOfWork, report_id: int) -> AnnualReport:
    report = uow.session.get(AnnualReport, report_id)
    if report is None:
        raise access.missing(KIND)
    return report


def create_report(uow: UnitOfWork, caller: Caller, data: ReportIn) -> AnnualReport:
    principal = access.require(caller, Action.MANAGE, KIND, None)
    taken = uow.session.scalar(
        select(AnnualReport.id).where(
            AnnualReport.body == data.body, AnnualReport.year == data.year
        )
    )
    if taken is not None:
        raise Conflict(
            lazy("{body} has a report for {year} already."), body=data.body, year=data.year
        )
    headings = [h.strip() for h in data.sections if h.strip()]
    if not headings:
        raise InvalidInput(lazy("Name at least one section of the report."), for_field="sections")
    report = AnnualReport(
        body=data.body.strip(),
        year=data.year,
        title=data.title.strip(),
        created_by_id=principal.user_id,
        sections=[ReportSection(number=n, heading=h) for n, h in enumerate(headings, start=1)],
    )
    access.apply_marking(report, data.marking)
    uow.session.add(report)
    uow.session.flush()
    access.record(uow, caller, "council:report:create", KIND, report.id)
    return report


def list_reports(uow: UnitOfWork, caller: Caller) -> list[AnnualReport]:
    principal = access.require(caller, Action.VIEW, KIND, None)
    rows = uow.session.scalars(
        select(AnnualReport).order_by(AnnualReport.year.desc(), AnnualReport.body)
    ).all()
    shown = [r for r in rows if access.visible(principal, r, contributors(r))]
    access.record(uow, caller, "council:report:list", KIND, None, {"ids": [r.id for r in shown]})
    return shown


def get_report(uow: UnitOfWork, caller: Caller, report_id: int) -> AnnualReport:
    report = _find(uow, report_id)
    access.require(caller, Action.VIEW, KIND, report.id, report, contributors(report))
    access.record(uow, caller, "council:report:read", KIND, report.id)
    return report


def _still_open(uow: UnitOfWork, report: AnnualReport) -> None:
    if report.document_id is None:
        return
    status = uow.session.scalar(select(Document.status).where(Document.id == report.document_id))
    if status not in documents.OPEN_STATUSES:
        raise Conflict(lazy("The report is adopted: contributions are closed."))


def contribute(
    uow: UnitOfWork, caller: Caller, report_id: int, data: ContributionIn
) -> ReportContribution:
    """The agency's text for a section; a second contribution replaces its first."""
    report = _find(uow, report_id)
    principal = access.require(
        caller, Action.CONTRIBUTE, KIND, report.id, report, contributors(report)
    )
    _still_open(uow, report)
    section = next((s for s in report.sections if s.number == data.section_number), None)
    if section is None:
        raise InvalidInput(
            lazy("The report has no section {number}."),
            number=data.section_number,
            for_field="section_number",
        )
    row = next((c for c in section.contributions if c.agency_id == principal.agency_id), None)
    if row is None:
        row = ReportContribution(agency_id=principal.agency_id, author_id=principal.user_id)
        section.contributions.append(row)
    else:
        row.updated_at = utcnow()
    row.body = data.body.strip()
    row.author_id = principal.user_id
    uow.session.flush()
    access.record(
        uow, caller, "council:report:contribute", KIND, report.id, {"section": section.number}
    )
    return row


def compiled_text(report: AnnualReport, names: dict[int, str]) -> str:
    """The sections in order, each agency's contribution under its name."""
    parts = []
    for section in report.sections:
        parts.append(f"{section.number}. {section.heading}")
        if not section.contributions:
            parts.append("—")
        for contribution in section.contributions:
            parts.append(f"[{names.get(contribution.agency_id, '?')}]")
            parts.append(contribution.body)
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def compile_report(uow: UnitOfWork, caller: Caller, report_id: int) -> Document:
    """Compiles the contributions into the report's joint document: a new document the
    first time (the contributing agencies are its parties), a new version afterwards, on
    which the parties take their positions again."""
    report = _find(uow, report_id)
    access.require(caller, Action.MANAGE, KIND, report.id, report, contributors(report))
    agencies = contributors(report)
    if not agencies:
        raise InvalidInput(lazy("No agency has contributed yet: there is nothing to compile."))
    codes = access.codes(uow)
    text = compiled_text(report, codes)
    if report.document_id is None:
        marking = marking_of(report)
        document = documents.create_document(
            uow,
            caller,
            DocumentIn(
                kind=DocumentKind.REPORT,
                title=report.title,
                parties=sorted(codes[a] for a in agencies),
                body=text,
                marking=marking,
            ),
        )
        report.document_id = document.id
    else:
        document = documents.add_version(
            uow, caller, report.document_id, VersionIn(body=text, note=gettext(COMPILED_NOTE))
        )
    uow.session.flush()
    access.record(uow, caller, "council:report:compile", KIND, report.id, {"document": document.id})
    return document


def marking_of(report: AnnualReport) -> Marking:
    return Marking.model_validate(
        {
            "handling_code": report.handling_code,
            "tlp": report.tlp,
            "handling_note": report.handling_note,
        },
        context=STORED,
    )
