"""Programmes: measures, status updates with evidence, results per period and agency."""

from __future__ import annotations

from datetime import date

import pytest

from interagency.council import documents, programmes, reports
from interagency.council.schemas import (
    ContributionIn,
    IndicatorIn,
    MeasureIn,
    ProgrammeIn,
    ReportIn,
    StatusUpdateIn,
)
from interagency.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.integration.council.conftest import Secretariat


def update(day: date, progress: int, **extra: object) -> StatusUpdateIn:
    return StatusUpdateIn.model_validate(
        {
            "reported_on": day,
            "progress": progress,
            "text": "Сделано",
            "evidence": "Протокол №1",
            **extra,
        }
    )


def test_results_per_period_and_agency(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        programme = programmes.create_programme(
            uow,
            sec,
            ProgrammeIn(
                code="CT-2014", title="Программа 2014–2016", first_year=2014, last_year=2016
            ),
        )
        joint = programmes.add_measure(
            uow,
            sec,
            programme.id,
            MeasureIn(
                number="1",
                title="Совместные учения",
                due_on=date(2015, 12, 31),
                responsible=["RU-SVC", "KZ-SVC"],
                indicators=[IndicatorIn(name="Учения", unit="шт.", target=4)],
            ),
        )
        alone = programmes.add_measure(
            uow,
            sec,
            programme.id,
            MeasureIn(
                number="2", title="Обучение", due_on=date(2016, 12, 31), responsible=["KZ-SVC"]
            ),
        )
        ru = members.caller(uow, "ru_liaison")
        kz = members.caller(uow, "kz_liaison")
        indicator = joint.indicators[0].public_id
        programmes.post_update(
            uow, ru, joint.id, update(date(2014, 6, 1), 40, indicator_id=indicator, value=1)
        )
        programmes.post_update(
            uow, kz, joint.id, update(date(2015, 6, 1), 100, indicator_id=indicator, value=4)
        )
        programmes.post_update(uow, kz, alone.id, update(date(2015, 3, 1), 50))
        # RU-SVC is not responsible for measure 2.
        with pytest.raises(Forbidden):
            programmes.post_update(uow, ru, alone.id, update(date(2015, 3, 1), 60))
        with pytest.raises(InvalidInput):
            programmes.post_update(
                uow, kz, alone.id, update(date(2015, 3, 1), 60, indicator_id=indicator, value=1)
            )
        results = programmes.results(uow, sec, programme.id)

    # Worked out by hand: measure 1 is 40% at the end of 2014 and done (100%) in 2015;
    # measure 2 is 0% in 2014 and 50% from 2015.
    assert (results.measures, results.done) == (2, 1)
    assert results.average_progress == 75.0
    assert [
        (p.year, p.updates, p.measures_reported, p.average_progress) for p in results.by_period
    ] == [
        (2014, 1, 1, 20.0),
        (2015, 2, 2, 75.0),
        (2016, 0, 0, 75.0),
    ]
    agencies = members.council.agencies
    by_agency = {
        a.agency_id: (a.measures, a.done, a.average_progress, a.updates) for a in results.by_agency
    }
    assert by_agency == {agencies["RU-SVC"]: (1, 1, 100.0, 1), agencies["KZ-SVC"]: (2, 1, 75.0, 2)}
    assert [(i.name, i.target, i.value) for i in results.indicators] == [("Учения", 4.0, 4.0)]


def test_a_finished_programme_takes_no_more_updates(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        programme = programmes.create_programme(
            uow, sec, ProgrammeIn(code="P-1", title="P", first_year=2020, last_year=2021)
        )
        measure = programmes.add_measure(
            uow,
            sec,
            programme.id,
            MeasureIn(number="1", title="M", due_on=date(2021, 1, 1), responsible=["RU-SVC"]),
        )
        programmes.finish(uow, sec, programme.id)
        with pytest.raises(Conflict):
            programmes.post_update(
                uow, members.caller(uow, "ru_liaison"), measure.id, update(date(2021, 1, 1), 10)
            )


def test_an_annual_report_is_compiled_from_contributions_into_a_document(
    members: Secretariat,
) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        report = reports.create_report(
            uow,
            sec,
            ReportIn(
                body="Антитеррористический центр",
                year=2025,
                title="Отчёт АТЦ за 2025 год",
                sections=["Итоги", "Планы"],
            ),
        )
        with pytest.raises(InvalidInput):
            reports.compile_report(uow, sec, report.id)
        reports.contribute(
            uow,
            members.caller(uow, "ru_analyst"),
            report.id,
            ContributionIn(section_number=1, body="Проведено 5 операций"),
        )
        reports.contribute(
            uow,
            members.caller(uow, "kz_liaison"),
            report.id,
            ContributionIn(section_number=2, body="Учения в 2026"),
        )
        # A second contribution by the same agency replaces its first.
        reports.contribute(
            uow,
            members.caller(uow, "ru_liaison"),
            report.id,
            ContributionIn(section_number=1, body="Проведено 6 операций"),
        )
        with pytest.raises(NotFound):
            reports.contribute(
                uow,
                members.caller(uow, "sec_admin"),
                report.id,
                ContributionIn(section_number=1, body="x"),
            )
        document = reports.compile_report(uow, sec, report.id)
        body = documents.latest(document).body
        assert (
            body
            == "1. Итоги\n[RU-SVC]\nПроведено 6 операций\n\n2. Планы\n[KZ-SVC]\nУчения в 2026\n"
        )
        assert document.kind == "report"
        assert documents.parties(document) == {
            members.council.agencies["KZ-SVC"],
            members.council.agencies["RU-SVC"],
        }
        reports.contribute(
            uow,
            members.caller(uow, "kz_liaison"),
            report.id,
            ContributionIn(section_number=1, body="Задержано 3"),
        )
        again = reports.compile_report(uow, sec, report.id)
        assert again.id == document.id
        assert len(again.versions) == 2
