"""The risk register through the services: scenarios scored and banded, measures with
their evidence, the matrix, every change in the audit trail with the score before and
after, and only the host changing it."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.errors import Forbidden, InvalidInput, NotFound
from interagency.events import dossier, register
from interagency.events.policy import Band
from interagency.events.schemas import DelegationIn, MeasureIn, RiskIn, VenueIn
from tests.integration.events.conftest import hosted
from tests.support.audit_trail import audit_actions
from tests.support.identity import Council
from tests.support.refusals import refused


def risk_in(**fields: object) -> RiskIn:
    values: dict[str, object] = {
        "category": "vehicle_ramming",
        "scenario": "Наезд грузовика на очередь зрителей у входа на стадион",
        "likelihood": 2,
        "impact": 5,
        "treatment": "reduce",
        "treatment_note": "Бетонные блоки на подъездах",
        "owner": "RU-SVC",
    }
    values.update(fields)
    return RiskIn.model_validate(values)


def test_the_host_keeps_the_register_and_every_change_is_audited(
    container: Container, council: Council
) -> None:
    event_id = hosted(container, council)
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        venue = dossier.add_venue(
            uow, ru, event_id,
            VenueIn(name="Стадион", address="Казань", latitude=55.8, longitude=49.1),
        )  # fmt: skip
        dossier.add_participant(uow, ru, event_id, DelegationIn(agency="KZ-SVC"))
        ramming = register.add_risk(uow, ru, event_id, risk_in(venue=venue.public_id))
        drone = register.add_risk(
            uow, ru, event_id,
            risk_in(category="unmanned_aircraft_attack", scenario="Дрон над трибуной",
                    likelihood=4, impact=4, owner="KZ-SVC"),
        )  # fmt: skip
        measure = register.add_measure(
            uow, ru, event_id, ramming.id, MeasureIn(title="Блоки на подъездах")
        )
        uow.commit()
        ramming_id, drone_id, measure_id = ramming.id, drone.id, measure.id
        venue_ref = venue.public_id
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        changed = risk_in(likelihood=1, impact=5, venue=venue_ref)
        register.update_risk(uow, ru, event_id, ramming_id, changed)
        register.update_measure(
            uow, ru, event_id, ramming_id, measure_id,
            MeasureIn(title="Блоки на подъездах", status="done", evidence="Акт осмотра № 12"),
        )  # fmt: skip
        uow.commit()
    with container.uow() as uow:
        kz = council.caller(uow, "kz_liaison")
        event = dossier.get_event(uow, kz, event_id)
        ranked = register.ranked(event)
        assert [r.id for r in ranked] == [drone_id, ramming_id]
        ramming_row = ranked[1]
        assert ramming_row.venue_id is not None
        assert [(m.status, m.evidence) for m in ramming_row.measures] == [
            ("done", "Акт осмотра № 12")
        ]
        matrix = register.matrix(event)
        # Rows run from likelihood 5 down to 1, columns from impact 1 to 5.
        assert matrix[0][0].likelihood == 5
        assert matrix[4][4].likelihood == 1
        assert [r.id for r in matrix[1][3].risks] == [drone_id]  # likelihood 4, impact 4
        assert matrix[1][3].band is Band.HIGH
        assert [r.id for r in matrix[4][4].risks] == [ramming_id]  # likelihood 1, impact 5
        assert matrix[4][4].band is Band.MEDIUM
        assert sum(len(cell.risks) for row in matrix for cell in row) == 2
        # A participant reads the register and does not change it.
        with refused(Forbidden) as seen:
            register.update_risk(uow, kz, event_id, drone_id, risk_in())
        with refused(Forbidden, into=seen):
            register.add_measure(uow, kz, event_id, drone_id, MeasureIn(title="Сеть"))
        assert [(e.action, e.actor_login) for e in seen] == [
            ("events:event:edit", "kz_liaison")
        ] * 2
    actions = audit_actions(container, "events:risk:") + audit_actions(container, "events:measure")
    assert ("events:risk:add", "ok", "ru_liaison") in actions
    assert ("events:risk:edit", "ok", "ru_liaison") in actions
    assert ("events:measure:edit", "ok", "ru_liaison") in actions
    with container.uow() as uow:
        edit = uow.session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "events:risk:edit", AuditEntry.outcome == "ok"
            )
        )
        assert edit is not None
        detail = json.loads(edit.detail)
        assert detail["before"]["likelihood"] == 2
        assert detail["before"]["band"] == "high"
        assert detail["after"]["likelihood"] == 1
        assert detail["after"]["band"] == "medium"


def test_a_risk_names_a_violent_act_and_scores_within_one_to_five(
    container: Container, council: Council
) -> None:
    for wrong in ({"category": "religious_extremism"}, {"category": "migrants"},
                  {"likelihood": 6}, {"impact": 0}, {"treatment": "ignore"}):  # fmt: skip
        with pytest.raises(ValidationError):
            risk_in(**wrong)
    with pytest.raises(ValidationError, match="evidence"):
        MeasureIn(title="Досмотр", status="done")
    event_id = hosted(container, council)
    other_id = hosted(container, council, title="Другое мероприятие")
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        venue = dossier.add_venue(
            uow, ru, other_id, VenueIn(name="Зал", address="Москва", latitude=55.7, longitude=37.6)
        )
        # A venue of another event is no venue of this one.
        with pytest.raises(InvalidInput) as wrong_venue:
            register.add_risk(uow, ru, event_id, risk_in(venue=venue.public_id))
        assert wrong_venue.value.for_field == "venue"
        with pytest.raises(InvalidInput):
            register.add_risk(uow, ru, event_id, risk_in(owner="TEST-SEC"))
        # The owner is the host or an agency taking part.
        with pytest.raises(InvalidInput, match="takes no part") as outsider:
            register.add_risk(uow, ru, event_id, risk_in(owner="KZ-SVC"))
        assert outsider.value.for_field == "owner"
        risk = register.add_risk(uow, ru, event_id, risk_in())
        # A risk is reached only through its own event.
        with pytest.raises(NotFound):
            register.update_risk(uow, ru, other_id, risk.id, risk_in())
