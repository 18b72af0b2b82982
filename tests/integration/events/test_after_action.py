"""The after-action report: figures compiled from the incident log, the register and the
plan; findings written by the host alone and sealed; made final, after which neither the
figures nor the findings change; read as the dossier is, and every read and change
audited; its page in Russian and English."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.errors import Conflict, Forbidden, NotFound
from interagency.events import after_action, dossier, operations, planning, register
from interagency.events.models import AfterActionReport
from interagency.events.schemas import (
    DelegationIn,
    IncidentIn,
    MeasureIn,
    PhaseIn,
    ReportIn,
    RiskIn,
    TaskIn,
    VenueIn,
)
from interagency.web.app import create_app
from tests.integration.events.conftest import act, hosted
from tests.support.audit_trail import audit_actions
from tests.support.identity import Council, sign_in, submit
from tests.support.refusals import refused


def _incident(venue: str, category: str, severity: int) -> IncidentIn:
    return IncidentIn(
        occurred_at=datetime.now(UTC) - timedelta(hours=2),
        venue=venue,
        category=category,
        severity=severity,
        description="Оставленный рюкзак у северного входа",
    )


def _event_with_a_past(container: Container, council: Council) -> tuple[int, str]:
    """An event hosted by RU-SVC with KZ-SVC: two incidents at one venue, a high risk
    with one measure done, and a task past its deadline."""
    event_id = hosted(container, council)
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        hall = dossier.add_venue(
            uow, ru, event_id,
            VenueIn(name="Конгресс-холл", address="Казань", latitude=55.80, longitude=49.10),
        )  # fmt: skip
        dossier.add_participant(uow, ru, event_id, DelegationIn(agency="KZ-SVC"))
        kz = council.caller(uow, "kz_liaison")
        operations.log_incident(uow, kz, event_id, _incident(hall.public_id, "medical", 2))
        operations.log_incident(uow, ru, event_id, _incident(hall.public_id, "medical", 4))
        risk = register.add_risk(
            uow, ru, event_id,
            RiskIn(category="arson", scenario="Поджог склада", likelihood=3, impact=4,
                   treatment="reduce", owner="RU-SVC"),
        )  # fmt: skip
        done = MeasureIn(title="Охрана", status="done", evidence="Акт")
        register.add_measure(uow, ru, event_id, risk.id, done)
        phase = planning.add_phase(uow, ru, event_id, PhaseIn(name="Подготовка"))
        planning.add_task(
            uow, ru, event_id,
            TaskIn(phase=phase.public_id, title="Учения штаба", owner="RU-SVC",
                   due_on=date.today() - timedelta(days=3)),
        )  # fmt: skip
        uow.commit()
        return event_id, hall.public_id


FINDINGS = ReportIn(
    worked="Связь между ведомствами", failed="Поздно открыли выходы", recommendations="Учения"
)


def test_the_report_compiles_the_figures_and_freezes_them_when_final(
    container: Container, council: Council
) -> None:
    event_id, hall = _event_with_a_past(container, council)
    draft = act(container, council, "kz_liaison",
                lambda uow, c: after_action.get_report(uow, c, event_id))  # fmt: skip
    figures = draft.figures
    assert (draft.report, draft.final, figures.incidents, figures.risks) == (None, False, 2, 1)
    assert figures.by_category == {"medical": 2}
    assert figures.by_severity == {"2": 1, "4": 1}
    assert figures.by_venue == {hall: 2}
    assert figures.by_status == {"open": 2}
    assert figures.risks_by_band == {"high": 1}
    assert figures.measures_by_status == {"done": 1}
    assert [t.title for t in figures.overdue] == ["Учения штаба"]

    # only the host writes the findings; a final report needs them first
    for login in ("kz_liaison", "sec_officer"):
        with container.uow() as uow, refused(Forbidden):
            after_action.save_findings(uow, council.caller(uow, login), event_id, FINDINGS)
    with container.uow() as uow, pytest.raises(Conflict):
        after_action.make_final(uow, council.caller(uow, "ru_liaison"), event_id)
    act(container, council, "ru_liaison",
        lambda uow, c: after_action.save_findings(uow, c, event_id, FINDINGS))  # fmt: skip
    act(container, council, "ru_supervisor",
        lambda uow, c: after_action.make_final(uow, c, event_id))  # fmt: skip

    # a later incident changes nothing of the final report, and nothing of it changes
    later = _incident(hall, "arson", 3)
    act(container, council, "ru_liaison",
        lambda uow, c: operations.log_incident(uow, c, event_id, later))  # fmt: skip
    with container.uow() as uow, pytest.raises(Conflict):
        after_action.save_findings(uow, council.caller(uow, "ru_liaison"), event_id, FINDINGS)
    with container.uow() as uow, pytest.raises(Conflict):
        after_action.make_final(uow, council.caller(uow, "ru_liaison"), event_id)
    final = act(container, council, "sec_officer",
                lambda uow, c: after_action.get_report(uow, c, event_id))  # fmt: skip
    assert final.final
    assert (final.figures.incidents, final.figures.by_category) == (2, {"medical": 2})
    with container.uow() as uow:
        stored = uow.session.scalar(select(AfterActionReport))
        assert stored is not None
        assert stored.worked_sealed is not None
        assert "Связь".encode() not in stored.worked_sealed  # sealed, not plain
    # an agency's DPO, or an agency with no part in the event, learns nothing
    for login in ("kz_dpo", "board_reviewer"):
        with container.uow() as uow, pytest.raises(NotFound):
            after_action.get_report(uow, council.caller(uow, login), event_id)

    actions = [(a, o) for a, o, _ in audit_actions(container, "events:report:")]
    assert actions.count(("events:report:save", "ok")) == 1
    assert actions.count(("events:report:final", "ok")) == 1
    assert actions.count(("events:report:read", "ok")) == 2


def test_the_report_page_in_russian_and_english(container: Container, council: Council) -> None:
    event_id, _ = _event_with_a_past(container, council)
    with container.uow() as uow:
        event_ref = dossier.get_event(uow, council.caller(uow, "ru_liaison"), event_id).public_id
    base = f"/events/{event_ref}"
    page = f"{base}/report"
    ru = TestClient(create_app(container))
    assert sign_in(ru, council, "ru_liaison").status_code == 303
    assert f'href="{page}"' in ru.get(base).text  # the event's page links to its report
    shown = ru.get(page, headers={"Accept-Language": "ru"})
    assert shown.status_code == 200
    assert 'lang="ru"' in shown.text
    assert "Учения штаба" in shown.text  # the overdue task
    assert 'id="by-venue"' in shown.text
    saved = submit(ru, page, page, worked="Связь между ведомствами", failed="", recommendations="")
    assert saved.status_code == 303, saved.text
    made = submit(ru, page, f"{page}/final")
    assert made.status_code == 303, made.text
    english = ru.get(page, headers={"Accept-Language": "en"}).text
    assert "After-action report" in english
    assert "Связь между ведомствами" in english
    assert f'action="{page}"' not in english  # final: no form
    kz = TestClient(create_app(container))
    assert sign_in(kz, council, "kz_dpo").status_code == 303
    assert kz.get(page).status_code == 404
