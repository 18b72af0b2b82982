"""Operations through the services: incidents logged by the host and a participant, the
status kept by the host and the incident's own agency, exchange threads linked only by
someone who sees them and shown only to readers who see them, the situation board of
open incidents per venue, sealed descriptions, and every read and change audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from interagency.audit import refusal_of
from interagency.bootstrap import Container
from interagency.errors import Forbidden, InvalidInput, NotFound
from interagency.events import dossier, operations
from interagency.events.models import Incident
from interagency.events.schemas import (
    DelegationIn,
    IncidentIn,
    IncidentStatusIn,
    IncidentThreadIn,
    VenueIn,
)
from interagency.exchange import services as exchange
from interagency.exchange.schemas import RecipientIn
from interagency.markings import Tlp
from tests.integration.events.conftest import hosted
from tests.support.audit_trail import audit_actions
from tests.support.exchange import thread_in
from tests.support.identity import Council
from tests.support.refusals import refused


def incident_in(venue: str, **fields: Any) -> IncidentIn:
    values: dict[str, Any] = {
        "occurred_at": datetime.now(UTC) - timedelta(minutes=30),
        "venue": venue,
        "category": "suspicious_item",
        "severity": 3,
        "description": "Оставленный рюкзак у северного входа",
    }
    values.update(fields)
    return IncidentIn.model_validate(values)


def _thread(container: Container, council: Council, tlp: Tlp, to: RecipientIn) -> str:
    context = exchange.Context(
        vault=container.vault,
        default_zone=container.settings.default_timezone,
        base_url="https://interagency.test",
    )
    with container.uow() as uow:
        data = thread_in([], tlp=tlp, recipients=[to])
        thread = exchange.send(uow, council.caller(uow, "ru_liaison"), context, data)
        uow.commit()
        return thread.reference


@pytest.fixture
def summit(container: Container, council: Council) -> dict[str, Any]:
    """A summit hosted by RU-SVC with KZ-SVC taking part and two venues."""
    event_id = hosted(container, council)
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        hall = dossier.add_venue(
            uow, ru, event_id,
            VenueIn(name="Конгресс-холл", address="Казань", latitude=55.80, longitude=49.10),
        )  # fmt: skip
        arena = dossier.add_venue(
            uow, ru, event_id,
            VenueIn(name="Арена", address="Казань", latitude=55.82, longitude=49.16),
        )  # fmt: skip
        dossier.add_participant(uow, ru, event_id, DelegationIn(agency="KZ-SVC"))
        uow.commit()
        return {"id": event_id, "hall": hall.public_id, "arena": arena.public_id}


def test_incidents_are_logged_changed_and_shown_on_the_board(
    container: Container, council: Council, summit: dict[str, Any]
) -> None:
    event_id = summit["id"]
    with container.uow() as uow:
        kz = council.caller(uow, "kz_liaison")
        ru = council.caller(uow, "ru_analyst")
        by_kz = operations.log_incident(uow, kz, event_id, incident_in(summit["hall"]))
        by_ru = operations.log_incident(
            uow, ru, event_id,
            incident_in(summit["hall"], category="medical", severity=1,
                        description="Зрителю стало плохо"),
        )  # fmt: skip
        uow.commit()
        kz_id, ru_id = by_kz.id, by_ru.id
        # the description is sealed: the stored bytes are not the text
        stored = uow.session.scalar(select(Incident.description_sealed).where(Incident.id == kz_id))
        assert stored is not None
        assert "рюкзак".encode() not in stored

    with container.uow() as uow:
        # the host changes the participant's incident; the participant its own
        operations.set_status(
            uow, council.caller(uow, "ru_supervisor"), event_id, kz_id,
            IncidentStatusIn(status="in_progress"),
        )  # fmt: skip
        operations.set_status(
            uow, council.caller(uow, "kz_liaison"), event_id, kz_id,
            IncidentStatusIn(status="closed"),
        )  # fmt: skip
        uow.commit()
    with container.uow() as uow, refused(Forbidden):
        # ... but not the host's
        operations.set_status(
            uow, council.caller(uow, "kz_liaison"), event_id, ru_id,
            IncidentStatusIn(status="closed"),
        )  # fmt: skip
    with container.uow() as uow, refused(Forbidden):
        # the secretariat reads the log and changes nothing
        operations.log_incident(
            uow, council.caller(uow, "sec_officer"), event_id, incident_in(summit["hall"])
        )
    with container.uow() as uow:
        sec = council.caller(uow, "sec_officer")
        event = operations.incident_log(uow, sec, event_id)
        board = {row.venue.public_id: row for row in operations.board(event)}
        assert [i.id for i in board[summit["hall"]].open] == [ru_id]
        assert board[summit["arena"]].open == []
        assert board[summit["hall"]].radius > board[summit["arena"]].radius
        closed = operations.get_incident(uow, sec, event_id, kz_id)
        assert (closed.status, closed.closed_at is not None) == ("closed", True)
        assert closed.description == "Оставленный рюкзак у северного входа"
        uow.commit()
    # an agency with no part in the event, or a role that reads no content, learns nothing
    for login in ("board_reviewer", "kz_dpo"):
        with container.uow() as uow, pytest.raises(NotFound):
            operations.get_incident(uow, council.caller(uow, login), event_id, kz_id)

    actions = [(a, o) for a, o, _ in audit_actions(container, "events:incident:")]
    assert actions.count(("events:incident:log", "ok")) == 2
    assert actions.count(("events:incident:status", "ok")) == 2
    assert ("events:incident:list", "ok") in actions
    assert ("events:incident:read", "ok") in actions


def test_a_thread_is_linked_only_by_and_shown_only_to_who_may_see_it(
    container: Container, council: Council, summit: dict[str, Any]
) -> None:
    event_id = summit["id"]
    # AMBER to the whole of KZ-SVC: both agencies see it. RED to one KZ desk: only the RU
    # author and that desk's officers do.
    amber = _thread(container, council, Tlp.AMBER, RecipientIn(agency="KZ-SVC"))
    red = _thread(container, council, Tlp.RED, RecipientIn(agency="KZ-SVC", desk="CT"))
    with container.uow() as uow:
        kz = council.caller(uow, "kz_liaison")
        incident = operations.log_incident(
            uow, kz, event_id, incident_in(summit["arena"], threads=[amber, red.lower()])
        )
        uow.commit()
        incident_id = incident.id

    def shown(login: str) -> list[str]:
        with container.uow() as uow:
            caller = council.caller(uow, login)
            found = operations.get_incident(uow, caller, event_id, incident_id)
            return [t.reference for t in operations.visible_threads(uow, caller.principal, found)]

    assert sorted(shown("kz_liaison")) == sorted([amber, red])
    assert sorted(shown("ru_liaison")) == sorted([amber, red])  # the author of both
    assert red not in shown("ru_analyst")  # host staff, but not in the RED circle
    assert shown("ru_analyst") == [amber]
    assert shown("sec_officer") == []  # the secretariat is on neither thread

    # linking a thread one may not see answers exactly as linking one that does not exist
    errors, audited = [], []
    for reference in (red, "EX-2026-00000000"):
        with container.uow() as uow, pytest.raises(InvalidInput) as raised:
            operations.link_thread(
                uow, council.caller(uow, "ru_analyst"), event_id, incident_id,
                IncidentThreadIn(thread=reference),
            )  # fmt: skip
        errors.append((raised.value.message, raised.value.for_field))
        audited.append(refusal_of(raised.value) is not None)
    assert errors[0] == errors[1]
    assert audited == [True, False]  # the hidden thread's refusal is still audited
    with pytest.raises(ValidationError):
        IncidentThreadIn(thread="not a reference")

    actions = [a for a, _, _ in audit_actions(container, "events:incident:")]
    assert "events:incident:log" in actions


def test_bad_incidents_are_refused_with_the_field_to_fix(
    container: Container, council: Council, summit: dict[str, Any]
) -> None:
    other = hosted(container, council)
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        with pytest.raises(InvalidInput) as raised:
            operations.log_incident(uow, ru, other, incident_in(summit["hall"]))
        assert raised.value.for_field == "venue"
        later = datetime.now(UTC) + timedelta(hours=2)
        with pytest.raises(InvalidInput) as raised:
            operations.log_incident(
                uow, ru, summit["id"], incident_in(summit["hall"], occurred_at=later)
            )
        assert raised.value.for_field == "occurred_at"
    for bad in (
        {"severity": 5},
        {"category": "foreigners"},
        {"status": "open"},
        {"description": ""},
    ):
        with pytest.raises(ValidationError):
            incident_in(summit["hall"], **bad)
