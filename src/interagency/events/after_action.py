"""An event's after-action report: the figures compiled from the incident log, the risk
register and the plan, and the host's written findings.

The host writes the findings (what worked, what did not, recommendations) and marks the
report final: from then on it no longer changes, and the figures it shows are those of
that moment, kept sealed beside the findings. Until then the figures are compiled afresh
at every reading. It is read as the dossier is (`policy`); every read and change is
audited.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict
from interagency.events import access, planning, policy
from interagency.events.models import AfterActionReport, Event
from interagency.events.schemas import ReportIn
from interagency.i18n import lazy
from interagency.identity.principals import Caller

REPORT = "event-report"


@dataclass(frozen=True)
class LateTask:
    title: str
    owner_agency_id: int
    due_on: str  # ISO date
    status: str


@dataclass
class Figures:
    """What the log, the register and the plan say once the event is over; every count is
    keyed by the stored value (a category, a band, a status), a venue by its public id."""

    incidents: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_venue: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    risks: int = 0
    risks_by_band: dict[str, int] = field(default_factory=dict)
    measures_by_status: dict[str, int] = field(default_factory=dict)
    overdue: list[LateTask] = field(default_factory=list)
    venue_names: dict[str, str] = field(default_factory=dict)
    compiled_on: str = ""  # ISO date

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Figures:
        values: dict[str, Any] = json.loads(text)
        values["overdue"] = [LateTask(**task) for task in values.get("overdue", [])]
        return cls(**values)


def _counted(values: list[Any]) -> dict[str, int]:
    return {str(key): n for key, n in sorted(Counter(values).items(), key=lambda kv: str(kv[0]))}


def compile_figures(event: Event, today: date) -> Figures:
    """The figures of the event as its log, register and plan stand on `today`."""
    venues = {v.id: v for v in event.venues}
    incidents = event.incidents
    measures = [m.status for r in event.risks for m in r.measures]
    return Figures(
        incidents=len(incidents),
        by_category=_counted([i.category for i in incidents]),
        by_severity=_counted([i.severity for i in incidents]),
        by_venue=_counted([venues[i.venue_id].public_id for i in incidents]),
        by_status=_counted([i.status for i in incidents]),
        risks=len(event.risks),
        risks_by_band=_counted([policy.band(r.likelihood, r.impact).value for r in event.risks]),
        measures_by_status=_counted(measures),
        overdue=[
            LateTask(t.title, t.owner_agency_id, t.due_on.isoformat(), t.status)
            for t in planning.overdue(event, today)
        ],
        venue_names={v.public_id: v.name for v in event.venues},
        compiled_on=today.isoformat(),
    )


@dataclass(frozen=True)
class Report:
    event: Event
    report: AfterActionReport | None  # None until the host first saves its findings
    figures: Figures

    @property
    def final(self) -> bool:
        return self.report is not None and self.report.final_at is not None


def _stored(uow: UnitOfWork, event: Event) -> AfterActionReport | None:
    return uow.session.scalar(
        select(AfterActionReport).where(AfterActionReport.event_id == event.id)
    )


def _figures(event: Event, report: AfterActionReport | None) -> Figures:
    if report is not None and report.figures is not None:
        return Figures.from_json(report.figures)
    return compile_figures(event, date.today())


def get_report(uow: UnitOfWork, caller: Caller, event_id: int) -> Report:
    event, _ = access.gate(uow, caller, policy.Action.VIEW_REPORT, event_id)
    report = _stored(uow, event)
    detail = {"report": report.id if report else None, "final": bool(report and report.final_at)}
    access.record(uow, caller, "events:report:read", event.id, detail)
    return Report(event, report, _figures(event, report))


def _editable(uow: UnitOfWork, caller: Caller, event_id: int) -> tuple[Event, int]:
    event, principal = access.gate(uow, caller, policy.Action.EDIT_REPORT, event_id)
    report = _stored(uow, event)
    if report is not None and report.final_at is not None:
        raise Conflict(lazy("The after-action report is final and no longer changes."))
    return event, principal.user_id


def save_findings(uow: UnitOfWork, caller: Caller, event_id: int, data: ReportIn) -> Report:
    event, user_id = _editable(uow, caller, event_id)
    report = _stored(uow, event)
    if report is None:
        report = AfterActionReport(event=event, updated_by_id=user_id)
        uow.session.add(report)
    report.worked = data.worked.strip() or None
    report.failed = data.failed.strip() or None
    report.recommendations = data.recommendations.strip() or None
    report.updated_by_id = user_id
    report.updated_at = utcnow()
    uow.session.flush()
    access.record(uow, caller, "events:report:save", event.id, {"report": report.id})
    return Report(event, report, _figures(event, report))


def make_final(uow: UnitOfWork, caller: Caller, event_id: int) -> Report:
    """Freezes the report: its figures as they stand now are kept, and nothing of it
    changes after. A report needs its findings first."""
    event, user_id = _editable(uow, caller, event_id)
    report = _stored(uow, event)
    if report is None or not (report.worked or report.failed or report.recommendations):
        raise Conflict(lazy("Write the findings before making the report final."))
    figures = compile_figures(event, date.today())
    report.figures = figures.to_json()
    report.final_at = utcnow()
    report.final_by_id = user_id
    uow.session.flush()
    detail = {"report": report.id, "incidents": figures.incidents, "risks": figures.risks}
    access.record(uow, caller, "events:report:final", event.id, detail)
    return Report(event, report, figures)
