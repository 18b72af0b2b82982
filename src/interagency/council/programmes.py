"""Cooperation programmes: measures with responsible agencies, deadlines and indicators;
status updates with evidence; results per period and per agency."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from interagency.council import access
from interagency.council.models import (
    Indicator,
    Measure,
    MeasureAgency,
    MeasureStatus,
    Programme,
    ProgrammeStatus,
    StatusUpdate,
)
from interagency.council.policy import Action
from interagency.council.schemas import MeasureIn, ProgrammeIn, StatusUpdateIn
from interagency.db import UnitOfWork
from interagency.errors import Conflict, InvalidInput
from interagency.i18n import lazy
from interagency.identity.principals import Caller

KIND = "council-programme"


def concerned(programme: Programme) -> set[int]:
    return {a.agency_id for m in programme.measures for a in m.responsible}


def _find(uow: UnitOfWork, programme_id: int) -> Programme:
    programme = uow.session.get(Programme, programme_id)
    if programme is None:
        raise access.missing(KIND)
    return programme


def _gate(uow: UnitOfWork, caller: Caller, action: Action, programme_id: int) -> Programme:
    programme = _find(uow, programme_id)
    access.require(caller, action, KIND, programme.id, programme, concerned(programme))
    return programme


def create_programme(uow: UnitOfWork, caller: Caller, data: ProgrammeIn) -> Programme:
    principal = access.require(caller, Action.MANAGE, KIND, data.code)
    if uow.session.scalar(select(Programme.id).where(Programme.code == data.code)):
        raise Conflict(lazy("A programme with the code {code} exists already."), code=data.code)
    programme = Programme(
        code=data.code,
        title=data.title.strip(),
        first_year=data.first_year,
        last_year=data.last_year,
        status=ProgrammeStatus.ACTIVE.value,
        created_by_id=principal.user_id,
    )
    access.apply_marking(programme, data.marking)
    uow.session.add(programme)
    uow.session.flush()
    access.record(uow, caller, "council:programme:create", KIND, programme.id)
    return programme


def add_measure(uow: UnitOfWork, caller: Caller, programme_id: int, data: MeasureIn) -> Measure:
    programme = _gate(uow, caller, Action.MANAGE, programme_id)
    if any(m.number == data.number for m in programme.measures):
        raise Conflict(lazy("The programme has a measure {number} already."), number=data.number)
    agencies = access.member_agencies(uow, data.responsible)
    measure = Measure(
        number=data.number,
        title=data.title.strip(),
        due_on=data.due_on,
        status=MeasureStatus.PLANNED.value,
        responsible=[MeasureAgency(agency_id=a.id) for a in agencies],
        indicators=[Indicator(name=i.name, unit=i.unit, target=i.target) for i in data.indicators],
    )
    programme.measures.append(measure)
    uow.session.flush()
    access.record(uow, caller, "council:measure:add", KIND, programme.id, {"measure": data.number})
    return measure


def finish(uow: UnitOfWork, caller: Caller, programme_id: int) -> Programme:
    programme = _gate(uow, caller, Action.MANAGE, programme_id)
    programme.status = ProgrammeStatus.FINISHED.value
    uow.session.flush()
    access.record(uow, caller, "council:programme:finish", KIND, programme.id)
    return programme


def list_programmes(uow: UnitOfWork, caller: Caller) -> list[Programme]:
    principal = access.require(caller, Action.VIEW, KIND, None)
    rows = uow.session.scalars(select(Programme).order_by(Programme.first_year.desc())).all()
    shown = [p for p in rows if access.visible(principal, p, concerned(p))]
    access.record(uow, caller, "council:programme:list", KIND, None, {"ids": [p.id for p in shown]})
    return shown


def get_programme(uow: UnitOfWork, caller: Caller, programme_id: int) -> Programme:
    programme = _gate(uow, caller, Action.VIEW, programme_id)
    access.record(uow, caller, "council:programme:read", KIND, programme.id)
    return programme


def post_update(
    uow: UnitOfWork, caller: Caller, measure_id: int, data: StatusUpdateIn
) -> StatusUpdate:
    """A responsible agency reports progress on its measure, with the evidence."""
    measure = uow.session.get(Measure, measure_id)
    if measure is None:
        raise access.missing("council-measure")
    programme = _find(uow, measure.programme_id)
    responsible = {a.agency_id for a in measure.responsible}
    principal = access.require(
        caller, Action.REPORT_PROGRESS, "council-measure", measure.id, programme, responsible
    )
    if programme.status != ProgrammeStatus.ACTIVE.value:
        raise Conflict(lazy("The programme is finished: its results are final."))
    indicator = None
    if data.indicator_id is not None:
        indicator = next((i for i in measure.indicators if i.public_id == data.indicator_id), None)
        if indicator is None:
            raise InvalidInput(
                lazy("The indicator does not belong to this measure."), for_field="indicator_id"
            )
    update = StatusUpdate(
        agency_id=principal.agency_id,
        author_id=principal.user_id,
        reported_on=data.reported_on,
        progress=data.progress,
        indicator_id=indicator.id if indicator is not None else None,
        value=data.value,
        text=data.text.strip(),
        evidence=data.evidence.strip(),
    )
    measure.updates.append(update)
    if data.status is not None:
        measure.status = data.status.value
    elif data.progress == 100:
        measure.status = MeasureStatus.DONE.value
    elif measure.status == MeasureStatus.PLANNED.value:
        measure.status = MeasureStatus.IN_PROGRESS.value
    uow.session.flush()
    access.record(
        uow,
        caller,
        "council:measure:update",
        "council-measure",
        measure.id,
        {"progress": data.progress},
    )
    return update


# --- results -----------------------------------------------------------------------------


def progress_at(measure: Measure, until: date | None = None) -> int:
    """The measure's progress as last reported (up to `until`); a done measure is 100."""
    if until is None and measure.status == MeasureStatus.DONE.value:
        return 100
    reported = [u for u in measure.updates if until is None or u.reported_on <= until]
    if not reported:
        return 0
    return max(reported, key=lambda u: (u.reported_on, u.id)).progress


@dataclass
class AgencyRow:
    agency_id: int
    measures: int = 0
    done: int = 0
    progress_total: int = 0
    updates: int = 0

    @property
    def average_progress(self) -> float:
        return self.progress_total / self.measures if self.measures else 0.0


@dataclass
class PeriodRow:
    year: int
    updates: int = 0
    measures_reported: int = 0
    average_progress: float = 0.0


@dataclass
class IndicatorRow:
    measure: str
    name: str
    unit: str
    target: float
    value: float | None


@dataclass
class Results:
    programme: Programme
    measures: int
    done: int
    average_progress: float
    by_period: list[PeriodRow] = field(default_factory=list)
    by_agency: list[AgencyRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)


def summarise(programme: Programme) -> Results:
    """Results per period (the programme's years, cumulative progress at each year's end)
    and per responsible agency. Cancelled measures count nowhere."""
    measures = [m for m in programme.measures if m.status != MeasureStatus.CANCELLED.value]
    done = sum(1 for m in measures if m.status == MeasureStatus.DONE.value)
    current = [progress_at(m) for m in measures]
    results = Results(
        programme=programme,
        measures=len(measures),
        done=done,
        average_progress=sum(current) / len(measures) if measures else 0.0,
    )
    for year in range(programme.first_year, programme.last_year + 1):
        year_updates = [u for m in measures for u in m.updates if u.reported_on.year == year]
        end = date(year, 12, 31)
        at_end = [progress_at(m, end) for m in measures]
        results.by_period.append(
            PeriodRow(
                year=year,
                updates=len(year_updates),
                measures_reported=len({u.measure_id for u in year_updates}),
                average_progress=sum(at_end) / len(measures) if measures else 0.0,
            )
        )
    agencies: dict[int, AgencyRow] = {}
    for measure, progress in zip(measures, current, strict=True):
        for responsible in measure.responsible:
            row = agencies.setdefault(responsible.agency_id, AgencyRow(responsible.agency_id))
            row.measures += 1
            row.done += measure.status == MeasureStatus.DONE.value
            row.progress_total += progress
            row.updates += sum(1 for u in measure.updates if u.agency_id == row.agency_id)
    results.by_agency = sorted(agencies.values(), key=lambda row: row.agency_id)
    for measure in measures:
        for indicator in measure.indicators:
            values = [u for u in measure.updates if u.indicator_id == indicator.id]
            last = max(values, key=lambda u: (u.reported_on, u.id)) if values else None
            results.indicators.append(
                IndicatorRow(
                    measure=measure.number,
                    name=indicator.name,
                    unit=indicator.unit,
                    target=indicator.target,
                    value=last.value if last else None,
                )
            )
    return results


def results(uow: UnitOfWork, caller: Caller, programme_id: int) -> Results:
    programme = _gate(uow, caller, Action.VIEW, programme_id)
    access.record(uow, caller, "council:programme:results", KIND, programme.id)
    return summarise(programme)
