"""Exports of an event's dossier, its risk register and its after-action report to PDF and
DOCX, in Russian or English, watermarked with the user, the time, the marking and the
export id, as the council's papers are (`egress.files`).

Who may take which file is the events' policy (`Action.EXPORT`, `EXPORT_REPORT`,
`EXPORT_DRAFT_REPORT`): the host, the agencies taking part and the secretariat, a draft
report only the host; an agency with no part in the event is told it does not exist.
Each file then passes the export gate and is audited (`events:export`) with its format,
marking and export id before a byte is returned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Final

from interagency import egress, i18n
from interagency.db import UnitOfWork
from interagency.egress import files
from interagency.egress.files import ExportFile, Options
from interagency.errors import InvalidInput
from interagency.events import access, after_action, planning, policy, register
from interagency.events.labels import label
from interagency.events.models import Event
from interagency.exports import ExportDocument, Section, Table, local_time
from interagency.i18n import gettext as _
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.principals import Caller
from interagency.markings import HandlingCode, Tlp


class What(StrEnum):
    DOSSIER = "dossier"
    REGISTER = "register"
    REPORT = "report"


# An event carries no marking of its own, so each of its files is marked alike: AMBER,
# because the host shares the event with the agencies taking part and the secretariat and
# nobody else; H2, because none of them passes it on without the host's permission (for
# a third party, the gate asks for the host's recorded consent).
TLP: Final = Tlp.AMBER
HANDLING: Final = HandlingCode.H2


def gate_item(event: Event) -> egress.Item:
    """The event as the export gate sees it: the host owns it. The events' policy has let
    this caller export it already, hence ALLOW."""
    return egress.Item(
        kind=access.KIND,
        ref=event.public_id,
        owner_agency_id=event.host_agency_id,
        tlp=TLP,
        handling=HANDLING,
        permit=egress.Permit.ALLOW,
    )


def _or_none(table: Table) -> list[Table | str]:
    """A table, or the word that says there is nothing to show."""
    return [table] if table.rows else [_("None.")]


def _paragraphs(text: str | None) -> list[Table | str]:
    return [part for part in (text or "").split("\n\n") if part.strip()] or ["—"]


# --- the dossier ---------------------------------------------------------------------------


def dossier_document(uow: UnitOfWork, event: Event, options: Options) -> ExportDocument:
    codes = access.codes(uow)
    states = access.state_names(uow, options.language)
    today = date.today()
    attendance = event.expected_attendance
    facts = [
        (_("Type"), label(event.kind)),
        (_("Host state"), states.get(event.host_state_id, "?")),
        (_("Lead agency"), codes.get(event.host_agency_id, "?")),
        (_("Dates"), f"{event.starts_on.isoformat()} – {event.ends_on.isoformat()}"),
        (_("Expected attendance"), "—" if attendance is None else str(attendance)),
    ]
    venues = Table(
        [_("Venue"), _("Address"), _("Capacity"), _("Coordinates")],
        [
            [
                venue.name,
                venue.address,
                "—" if venue.capacity is None else str(venue.capacity),
                f"{venue.latitude:.5f}, {venue.longitude:.5f}",
            ]
            for venue in event.venues
        ],
    )
    delegations = Table(
        [_("State"), _("People"), _("Agencies"), _("Note")],
        [
            [
                states.get(delegation.state_id, "?"),
                "—" if delegation.size is None else str(delegation.size),
                ", ".join(
                    codes.get(p.agency_id, "?")
                    for p in event.participants
                    if p.delegation_id == delegation.id
                ),
                delegation.note or "",
            ]
            for delegation in event.delegations
        ],
    )
    # The roster's times as the reader's clock shows them (UTC through the API), each
    # with its zone's name, so that no reader in another zone misreads a shift.
    roster = Table(
        [_("Agency"), _("Officer on duty"), _("Contact"), _("From"), _("Until")],
        [
            [
                codes.get(shift.agency_id, "?"),
                shift.officer,
                shift.contact,
                local_time(shift.starts_at, options.timezone),
                local_time(shift.ends_at, options.timezone),
            ]
            for shift in event.shifts
        ],
    )
    plan = [
        Section(
            phase.name,
            _or_none(
                Table(
                    [_("Task"), _("Owner"), _("Deadline"), _("Status")],
                    [
                        [
                            task.title,
                            codes.get(task.owner_agency_id, "?"),
                            task.due_on.isoformat(),
                            f"{label(task.status)} · {_('overdue')}"
                            if planning.is_overdue(task, today)
                            else label(task.status),
                        ]
                        for task in phase.tasks
                    ],
                )
            ),
            level=2,
        )
        for phase in event.phases
    ]
    sections = []
    if event.description:
        sections.append(Section(_("Description"), _paragraphs(event.description)))
    sections += [
        Section(_("Venues"), _or_none(venues)),
        Section(_("Delegations"), _or_none(delegations)),
        Section(_("Liaison roster (24/7)"), _or_none(roster)),
        Section(_("Plan"), [] if plan else [_("The plan is empty.")]),
        *plan,
    ]
    return ExportDocument(
        title=event.title,
        subtitle=_("Dossier"),
        marking=gate_item(event).marking,
        facts=facts,
        sections=sections,
    )


# --- the risk register -----------------------------------------------------------------------


def register_document(uow: UnitOfWork, event: Event, options: Options) -> ExportDocument:
    """The risks ranked by score, the 5x5 matrix as a table (likelihood down, impact
    across; each cell its score, band and the numbers of the risks scored there), and
    each risk's treatment and measures."""
    codes = access.codes(uow)
    venues = {venue.id: venue.name for venue in event.venues}
    ranked = register.ranked(event)
    number = {risk.id: n for n, risk in enumerate(ranked, start=1)}
    risks = Table(
        [_("No."), _("Scenario"), _("Threat"), _("Score"), _("Band"), _("Treatment"),
         _("Owner"), _("Venue")],
        [
            [
                str(number[risk.id]),
                risk.scenario,
                label(risk.category),
                str(policy.score(risk.likelihood, risk.impact)),
                label(policy.band(risk.likelihood, risk.impact).value),
                label(risk.treatment),
                codes.get(risk.owner_agency_id, "?"),
                venues.get(risk.venue_id, "—") if risk.venue_id else "—",
            ]
            for risk in ranked
        ],
    )  # fmt: skip
    matrix = Table(
        [_("Likelihood ↓, impact →"), *(str(impact) for impact in range(1, 6))],
        [
            [str(row[0].likelihood)]
            + [
                " ".join(
                    [
                        f"{cell.likelihood * cell.impact} · {label(cell.band.value)}",
                        *(f"#{number[risk.id]}" for risk in cell.risks),
                    ]
                )
                for cell in row
            ]
            for row in register.matrix(event)
        ],
        caption=_("Risk matrix"),
    )
    measures = [
        Section(
            f"{number[risk.id]}. {risk.scenario}",
            [
                *([f"{_('Treatment')}: {risk.treatment_note}"] if risk.treatment_note else []),
                *_or_none(
                    Table(
                        [_("Measure"), _("Status"), _("Evidence")],
                        [[m.title, label(m.status), m.evidence or ""] for m in risk.measures],
                    )
                ),
            ],
            level=2,
        )
        for risk in ranked
    ]
    return ExportDocument(
        title=_("Risk register"),
        subtitle=event.title,
        marking=gate_item(event).marking,
        facts=[
            (_("Dates"), f"{event.starts_on.isoformat()} – {event.ends_on.isoformat()}"),
            (_("Lead agency"), codes.get(event.host_agency_id, "?")),
        ],
        sections=[
            Section(_("Risks"), _or_none(risks)),
            Section(_("Risk matrix"), [matrix]),
            Section(_("Measures"), [] if measures else [_("None.")]),
            *measures,
        ],
    )


# --- the after-action report -----------------------------------------------------------------


def report_document(uow: UnitOfWork, shown: after_action.Report) -> ExportDocument:
    """The report's figures (kept as they stood once final) and the host's findings."""
    event, figures, report = shown.event, shown.figures, shown.report
    codes = access.codes(uow)

    def counts(
        heading: str, column: str, values: Mapping[str, int], name: Callable[[str], str]
    ) -> Section:
        rows = [[name(key), str(n)] for key, n in values.items()]
        return Section(heading, _or_none(Table([column, _("Number")], rows)), level=2)

    def severity(key: str) -> str:
        return f"{key} · {i18n.gettext(policy.SEVERITY_NAMES[int(key)])}"

    overdue = Table(
        [_("Task"), _("Owner"), _("Deadline"), _("Status")],
        [
            [task.title, codes.get(task.owner_agency_id, "?"), task.due_on, label(task.status)]
            for task in figures.overdue
        ],
    )
    findings = [
        Section(heading, _paragraphs(text), level=2)
        for heading, text in (
            (_("What worked"), report.worked if report else None),
            (_("What did not work"), report.failed if report else None),
            (_("Recommendations"), report.recommendations if report else None),
        )
    ]
    totals = _("Incidents logged: %(n)d. Risks in the register: %(r)d.") % {
        "n": figures.incidents,
        "r": figures.risks,
    }
    return ExportDocument(
        title=_("After-action report"),
        subtitle=event.title,
        marking=gate_item(event).marking,
        facts=[
            (_("Status"), _("final") if shown.final else _("draft")),
            (_("Figures as of"), figures.compiled_on),
            (_("Dates"), f"{event.starts_on.isoformat()} – {event.ends_on.isoformat()}"),
            (_("Lead agency"), codes.get(event.host_agency_id, "?")),
        ],
        sections=[
            Section(_("Figures"), [totals]),
            counts(_("Incidents by category"), _("Category"), figures.by_category, label),
            counts(_("Incidents by severity"), _("Severity"), figures.by_severity, severity),
            counts(
                _("Incidents by venue"),
                _("Venue"),
                figures.by_venue,
                lambda key: figures.venue_names.get(key, key),
            ),
            counts(_("Incidents by status"), _("Status"), figures.by_status, label),
            counts(_("Risks by band"), _("Band"), figures.risks_by_band, label),
            counts(_("Measures by status"), _("Status"), figures.measures_by_status, label),
            Section(_("Overdue tasks"), _or_none(overdue), level=2),
            Section(
                _("Findings"), [] if report else [_("The host has not written its findings yet.")]
            ),
            *(findings if report else []),
        ],
    )


# --- the exports ---------------------------------------------------------------------------


def _file(
    uow: UnitOfWork,
    caller: Caller,
    event: Event,
    what: What,
    document: ExportDocument,
    options: Options,
) -> ExportFile:
    def record(detail: Mapping[str, object]) -> None:
        access.record(uow, caller, "events:export", event.id, {"what": what.value, **detail})

    return files.watermarked_file(
        uow, caller, egress.Door.EVENT_FILE, gate_item(event), document, options,
        stem=f"event-{event.public_id}-{what.value}", record=record,
    )  # fmt: skip


def export_dossier(uow: UnitOfWork, caller: Caller, event_id: int, options: Options) -> ExportFile:
    event, _principal = access.gate(uow, caller, policy.Action.EXPORT, event_id)
    with i18n.language(options.language):
        document = dossier_document(uow, event, options)
        return _file(uow, caller, event, What.DOSSIER, document, options)


def export_register(uow: UnitOfWork, caller: Caller, event_id: int, options: Options) -> ExportFile:
    event, _principal = access.gate(uow, caller, policy.Action.EXPORT, event_id)
    with i18n.language(options.language):
        document = register_document(uow, event, options)
        return _file(uow, caller, event, What.REGISTER, document, options)


def export_report(uow: UnitOfWork, caller: Caller, event_id: int, options: Options) -> ExportFile:
    event, principal = access.gate(uow, caller, policy.Action.EXPORT_REPORT, event_id)
    shown = after_action.get_report(uow, caller, event_id)
    if not shown.final:
        mine = policy.relations(principal, event.host_agency_id, access.participants(event))
        allowed = policy.allowed(principal, policy.Action.EXPORT_DRAFT_REPORT, mine)
        guard.check(caller, allowed, policy.Action.EXPORT_DRAFT_REPORT, access.KIND, event_id)
    with i18n.language(options.language):
        document = report_document(uow, shown)
        return _file(uow, caller, event, What.REPORT, document, options)


EXPORTS: Final = {
    What.DOSSIER: export_dossier,
    What.REGISTER: export_register,
    What.REPORT: export_report,
}


def export(
    uow: UnitOfWork, caller: Caller, event_id: int, what: str, options: Options
) -> ExportFile:
    """`what` is "dossier", "register" or "report"."""
    if what not in {known.value for known in What}:
        raise InvalidInput(
            lazy("Choose the dossier, the risk register or the after-action report."),
            for_field="what",
        )
    return EXPORTS[What(what)](uow, caller, event_id, options)
