"""Exports of the agenda, the minutes, a joint document and a programme's results to PDF
and DOCX, in Russian or English, watermarked with the user, the time, the marking and the
export id.

Each export is checked against the council's policy like a read, then passes the export
gate (which keeps RED on the platform and records the export under its id), and is
audited with its format, marking and export id before a byte is returned. The lists of
the API pass the same gate as bulk reads (`listed`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from interagency import egress, exports, i18n
from interagency.council import access, charts, documents, meetings, programmes
from interagency.council.labels import label
from interagency.council.models import Document, Meeting, Programme
from interagency.council.policy import Action
from interagency.db import UnitOfWork
from interagency.egress import files
from interagency.egress.files import ExportFile, Options
from interagency.errors import Forbidden, InvalidInput
from interagency.exports import ExportDocument, Section, Svg, Table
from interagency.i18n import gettext as _
from interagency.i18n import lazy
from interagency.identity.principals import Caller
from interagency.markings import HandlingCode, Tlp
from interagency.vault.columns import platform_agency_id

Listed = TypeVar("Listed", Meeting, Document)


# What the export gate calls each kind of the council's objects.
GATE_KINDS: Final = {
    meetings.KIND: "meeting",
    documents.KIND: "document",
    programmes.KIND: "programme",
}


@dataclass(frozen=True)
class _Target:
    """The object exported, what of it ("agenda", "minutes", ...) and the file's stem."""

    kind: str
    marked: Meeting | Document | Programme
    what: str
    stem: str


def gate_item(uow: UnitOfWork, kind: str, marked: Meeting | Document | Programme) -> egress.Item:
    """The object as the export gate sees it. The council's papers are the council's own,
    whoever they concern: their owner is the secretariat. The council's policy has let
    this caller export or read it already, hence ALLOW."""
    return egress.Item(
        kind=GATE_KINDS[kind],
        ref=marked.public_id,
        owner_agency_id=platform_agency_id(uow.session),
        tlp=Tlp(marked.tlp),
        handling=HandlingCode(marked.handling_code),
        restriction=marked.handling_note,
        permit=egress.Permit.ALLOW,
    )


def listed(
    uow: UnitOfWork, caller: Caller, kind: str, rows: Sequence[Listed]
) -> tuple[list[Listed], egress.Receipt]:
    """The rows of an API list that pass the gate as a bulk read, and its receipt."""
    receipt = egress.release(
        uow,
        caller,
        egress.Door.COUNCIL_LIST,
        [gate_item(uow, kind, row) for row in rows],
        fmt="json",
    )
    return [row for row in rows if receipt.passed(row.public_id)], receipt


def read_one(uow: UnitOfWork, caller: Caller, kind: str, row: Listed) -> egress.Receipt:
    """One object read through the API, counted with the lists of its door."""
    passed, receipt = listed(uow, caller, kind, [row])
    if not passed:
        raise Forbidden(lazy("This object may not leave through the API to where you read it."))
    return receipt


def _agency_label(uow: UnitOfWork, language: str) -> Callable[[int | None], str]:
    codes = access.codes(uow)
    names = access.agency_names(uow, language)
    return lambda agency_id: (
        "—" if agency_id is None else f"{names.get(agency_id, '?')} ({codes.get(agency_id, '?')})"
    )


def _meeting_facts(uow: UnitOfWork, meeting: Meeting, language: str) -> list[tuple[str, str]]:
    agency = _agency_label(uow, language)
    return [
        (_("Date"), meeting.held_on.isoformat()),
        (_("Place"), meeting.place),
        (_("Chair"), meeting.chair),
        (_("Participating agencies"), "; ".join(agency(p.agency_id) for p in meeting.participants)),
    ]


def agenda_document(uow: UnitOfWork, meeting: Meeting, language: str) -> ExportDocument:
    agency = _agency_label(uow, language)
    rows = [
        [
            str(item.number),
            item.title,
            agency(item.rapporteur_agency_id),
            ", ".join(d.register_number or d.title for d in item.documents) or "—",
        ]
        for item in meeting.items
    ]
    delegates = [
        [agency(p.agency_id), p.delegates.replace("\n", "; ") or "—"] for p in meeting.participants
    ]
    return ExportDocument(
        title=_("Agenda of meeting No. {number}").format(number=meeting.number),
        subtitle=meeting.title,
        marking=access.label(meeting),
        facts=_meeting_facts(uow, meeting, language),
        sections=[
            Section(
                _("Agenda items"),
                [Table([_("No."), _("Item"), _("Rapporteur"), _("Documents")], rows)],
            ),
            Section(_("Delegations"), [Table([_("Agency"), _("Delegates")], delegates)]),
        ],
    )


def minutes_document(uow: UnitOfWork, meeting: Meeting, language: str) -> ExportDocument:
    agency = _agency_label(uow, language)
    if meeting.minutes is None:
        raise InvalidInput(lazy("The meeting has no minutes yet."))
    outcomes = [[str(item.number), item.title, item.outcome or "—"] for item in meeting.items]
    decisions: list[exports.Block] = []
    for decision in meeting.decisions:
        decisions.append(f"{_('Decision')} {decision.number}. {decision.text}")
        if decision.tasks:
            decisions.append(
                Table(
                    [_("Agency"), _("Task"), _("Deadline"), _("Status")],
                    [
                        [agency(t.agency_id), t.description, t.due_on.isoformat(), label(t.status)]
                        for t in decision.tasks
                    ],
                )
            )
    return ExportDocument(
        title=_("Minutes of meeting No. {number}").format(number=meeting.number),
        subtitle=meeting.title,
        marking=access.label(meeting),
        facts=_meeting_facts(uow, meeting, language),
        sections=[
            Section(_("Minutes"), meeting.minutes.split("\n\n")),
            Section(
                _("Outcomes of the agenda items"),
                [Table([_("No."), _("Item"), _("Outcome")], outcomes)],
            ),
            Section(_("Decisions"), decisions or [_("No decisions.")]),
        ],
    )


def joint_document(uow: UnitOfWork, document: Document, language: str) -> ExportDocument:
    agency = _agency_label(uow, language)
    version = documents.latest(document)
    facts = [
        (_("Register number"), document.register_number or "—"),
        (_("Adopted on"), document.adopted_on.isoformat() if document.adopted_on else "—"),
        (_("Status"), label(document.status)),
        (_("Parties"), "; ".join(agency(p.agency_id) for p in document.parties)),
        (_("Version"), str(version.number)),
    ]
    positions = [[agency(p.agency_id), label(p.stance), p.reason or ""] for p in version.positions]
    sections = [Section(_("Text"), version.body.split("\n\n"))]
    if positions:
        sections.append(
            Section(
                _("Positions of the parties"),
                [Table([_("Agency"), _("Position"), _("Reasons")], positions)],
            )
        )
    return ExportDocument(
        title=document.title, marking=access.label(document), facts=facts, sections=sections
    )


def results_document(uow: UnitOfWork, results: programmes.Results, language: str) -> ExportDocument:
    programme = results.programme
    agency = _agency_label(uow, language)
    codes = access.codes(uow)
    period_rows = [
        [str(p.year), str(p.updates), str(p.measures_reported), f"{p.average_progress:.0f}%"]
        for p in results.by_period
    ]
    agency_rows = [
        [
            agency(a.agency_id),
            str(a.measures),
            str(a.done),
            f"{a.average_progress:.0f}%",
            str(a.updates),
        ]
        for a in results.by_agency
    ]
    period_table = Table(
        [_("Year"), _("Updates"), _("Measures reported"), _("Progress")], period_rows
    )
    agency_table = Table(
        [_("Agency"), _("Measures"), _("Done"), _("Progress"), _("Updates")], agency_rows
    )
    period_chart = charts.progress_bars(
        _("Progress at the end of each year"),
        [(str(p.year), p.average_progress) for p in results.by_period],
    )
    agency_chart = charts.progress_bars(
        _("Progress by agency"),
        [(codes.get(a.agency_id, "?"), a.average_progress) for a in results.by_agency],
    )
    measure_rows = [
        [
            m.number,
            m.title,
            ", ".join(codes.get(r.agency_id, "?") for r in m.responsible),
            m.due_on.isoformat(),
            label(m.status),
            f"{programmes.progress_at(m)}%",
        ]
        for m in programme.measures
    ]
    indicator_rows = [
        [
            i.measure,
            i.name,
            f"{i.target:g} {i.unit}",
            "—" if i.value is None else f"{i.value:g} {i.unit}",
        ]
        for i in results.indicators
    ]
    sections = [
        Section(
            _("Summary"),
            [
                _("{done} of {measures} measures done; average progress {progress:.0f}%.").format(
                    done=results.done, measures=results.measures, progress=results.average_progress
                )
            ],
        ),
        Section(
            _("Results by period"),
            [period_table, Svg(period_chart, _("Progress at the end of each year"), period_table)],
        ),
        Section(
            _("Results by agency"),
            [agency_table, Svg(agency_chart, _("Progress by agency"), agency_table)],
        ),
        Section(
            _("Measures"),
            [
                Table(
                    [
                        _("No."),
                        _("Measure"),
                        _("Responsible"),
                        _("Deadline"),
                        _("Status"),
                        _("Progress"),
                    ],
                    measure_rows,
                )
            ],
        ),
    ]
    if indicator_rows:
        sections.append(
            Section(
                _("Indicators"),
                [Table([_("Measure"), _("Indicator"), _("Target"), _("Reached")], indicator_rows)],
            )
        )
    return ExportDocument(
        title=_("Results of the programme {code}").format(code=programme.code),
        subtitle=programme.title,
        marking=access.label(programme),
        facts=[
            (_("Period"), f"{programme.first_year}–{programme.last_year}"),
            (_("Status"), label(programme.status)),
        ],
        sections=sections,
    )


def _render(
    uow: UnitOfWork,
    caller: Caller,
    document: ExportDocument,
    target: _Target,
    options: Options,
) -> ExportFile:
    def record(detail: Mapping[str, object]) -> None:
        access.record(
            uow,
            caller,
            "council:export",
            target.kind,
            target.marked.id,
            {"what": target.what, **detail},
        )

    item = gate_item(uow, target.kind, target.marked)
    return files.watermarked_file(
        uow, caller, egress.Door.COUNCIL_FILE, item, document, options,
        stem=target.stem, record=record,
    )  # fmt: skip


def export_meeting(
    uow: UnitOfWork, caller: Caller, meeting_id: int, what: str, options: Options
) -> ExportFile:
    """`what` is "agenda" or "minutes"."""
    meeting = meetings.get_meeting(uow, caller, meeting_id)
    access.require(
        caller, Action.EXPORT, meetings.KIND, meeting.id, meeting, meetings.concerned(meeting)
    )
    with i18n.language(options.language):
        if what == "agenda":
            document = agenda_document(uow, meeting, options.language)
        elif what == "minutes":
            document = minutes_document(uow, meeting, options.language)
        else:
            raise InvalidInput(lazy("Choose the agenda or the minutes."))
        target = _Target(meetings.KIND, meeting, what, f"meeting-{meeting.number}-{what}")
        return _render(uow, caller, document, target, options)


def export_document(
    uow: UnitOfWork, caller: Caller, document_id: int, options: Options
) -> ExportFile:
    document = documents.get_document(uow, caller, document_id)
    access.require(
        caller,
        Action.EXPORT,
        documents.KIND,
        document.id,
        document,
        documents.parties(document),
    )
    with i18n.language(options.language):
        content = joint_document(uow, document, options.language)
        stem = f"document-{(document.register_number or document.public_id).replace('/', '-')}"
        target = _Target(documents.KIND, document, "document", stem)
        return _render(uow, caller, content, target, options)


def export_results(
    uow: UnitOfWork, caller: Caller, programme_id: int, options: Options
) -> ExportFile:
    results = programmes.results(uow, caller, programme_id)
    programme = results.programme
    access.require(
        caller,
        Action.EXPORT,
        programmes.KIND,
        programme.id,
        programme,
        programmes.concerned(programme),
    )
    with i18n.language(options.language):
        content = results_document(uow, results, options.language)
        stem = f"programme-{programme.code}-results"
        target = _Target(programmes.KIND, programme, "results", stem)
        return _render(uow, caller, content, target, options)
