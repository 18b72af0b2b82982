"""An event's risk register: scenarios of violent acts, scored by likelihood and impact
and banded (`policy.BANDS`), their treatment and owner, and the measures taken against
them with their evidence. Every change is audited with the score before and after."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from interagency.db import UnitOfWork, utcnow
from interagency.errors import InvalidInput
from interagency.events import access, policy
from interagency.events.models import Event, Risk, RiskMeasure, Venue
from interagency.events.schemas import MeasureIn, RiskIn
from interagency.i18n import lazy
from interagency.identity.principals import Caller

RISK = "event-risk"


def _venue_id(uow: UnitOfWork, event: Event, ref: str | None) -> int | None:
    if ref is None:
        return None
    venue = uow.session.scalar(
        select(Venue).where(Venue.public_id == ref, Venue.event_id == event.id)
    )
    if venue is None:
        raise InvalidInput(lazy("The event has no venue {ref}."), ref=ref, for_field="venue")
    return venue.id


def _fill(uow: UnitOfWork, event: Event, risk: Risk, data: RiskIn) -> None:
    owner = access.taking_part(uow, event, data.owner, "owner")
    risk.category = data.category.value
    risk.scenario = data.scenario.strip()
    risk.venue_id = _venue_id(uow, event, data.venue)
    risk.likelihood = data.likelihood
    risk.impact = data.impact
    risk.treatment = data.treatment.value
    risk.treatment_note = data.treatment_note.strip() or None
    risk.owner_agency_id = owner.id


def _scored(risk: Risk) -> dict[str, object]:
    return {
        "category": risk.category,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "band": policy.band(risk.likelihood, risk.impact).value,
        "treatment": risk.treatment,
        "owner": risk.owner_agency_id,
    }


def add_risk(uow: UnitOfWork, caller: Caller, event_id: int, data: RiskIn) -> Risk:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    risk = Risk()
    _fill(uow, event, risk, data)
    risk.event = event
    uow.session.add(risk)
    uow.session.flush()
    access.record(
        uow, caller, "events:risk:add", risk.id, {"event": event.id, "after": _scored(risk)}, RISK
    )
    return risk


def _risk(event: Event, risk_id: int) -> Risk:
    risk = next((r for r in event.risks if r.id == risk_id), None)
    if risk is None:
        raise access.missing(RISK)
    return risk


def update_risk(uow: UnitOfWork, caller: Caller, event_id: int, risk_id: int, data: RiskIn) -> Risk:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    risk = _risk(event, risk_id)
    before = _scored(risk)
    _fill(uow, event, risk, data)
    risk.updated_at = utcnow()
    uow.session.flush()
    detail = {"event": event.id, "before": before, "after": _scored(risk)}
    access.record(uow, caller, "events:risk:edit", risk.id, detail, RISK)
    return risk


def add_measure(
    uow: UnitOfWork, caller: Caller, event_id: int, risk_id: int, data: MeasureIn
) -> RiskMeasure:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    risk = _risk(event, risk_id)
    measure = RiskMeasure(risk=risk)
    uow.session.add(measure)
    _fill_measure(measure, data)
    uow.session.flush()
    detail = {"risk": risk.id, "measure": measure.id, "status": measure.status}
    access.record(uow, caller, "events:measure:add", risk.id, detail, RISK)
    return measure


def update_measure(
    uow: UnitOfWork, caller: Caller, event_id: int, risk_id: int, measure_id: int, data: MeasureIn
) -> RiskMeasure:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    measure = next((m for m in _risk(event, risk_id).measures if m.id == measure_id), None)
    if measure is None:
        raise access.missing("event-measure")
    before = measure.status
    _fill_measure(measure, data)
    uow.session.flush()
    detail = {"measure": measure.id, "before": before, "after": measure.status}
    access.record(uow, caller, "events:measure:edit", measure.risk_id, detail, RISK)
    return measure


def _fill_measure(measure: RiskMeasure, data: MeasureIn) -> None:
    measure.title = data.title.strip()
    measure.status = data.status.value
    measure.evidence = data.evidence.strip() or None
    measure.updated_at = utcnow()


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    band: policy.Band
    risks: list[Risk]


def matrix(event: Event) -> list[list[Cell]]:
    """The 5x5 matrix: rows of likelihood from 5 (top) down to 1, columns of impact 1 to 5,
    each cell with its band and the risks scored there."""
    return [
        [
            Cell(
                likelihood,
                impact,
                policy.band(likelihood, impact),
                [r for r in event.risks if (r.likelihood, r.impact) == (likelihood, impact)],
            )
            for impact in range(1, 6)
        ]
        for likelihood in range(5, 0, -1)
    ]


def ranked(event: Event) -> list[Risk]:
    """The event's risks, the highest score first."""
    return sorted(event.risks, key=lambda r: (-r.likelihood * r.impact, -r.impact, r.id))
