"""An event's dossier through the services: the host builds it, a participating agency
and the secretariat read it, an agency with no part in it is told it does not exist, and
nothing of its text is readable in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select, text

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.errors import Forbidden, InvalidInput, NotFound
from interagency.events import dossier
from interagency.events.models import Event, Venue
from interagency.events.schemas import DelegationIn, ShiftIn, VenueIn
from interagency.identity.principals import Caller
from tests.integration.events.conftest import act, event_in, hosted
from tests.support.audit_trail import audit_actions
from tests.support.identity import Council
from tests.support.refusals import refused

STADIUM = {
    "name": "Казань Арена",
    "address": "Казань, проспект Ямашева, 115А",
    "capacity": 45000,
    "latitude": 55.8210,
    "longitude": 49.1610,
}


def _add_stadium(container: Container, council: Council, event_id: int) -> None:
    def add(uow: UnitOfWork, caller: Caller) -> None:
        dossier.add_venue(uow, caller, event_id, VenueIn.model_validate(STADIUM))

    act(container, council, "ru_liaison", add)


def test_the_host_builds_the_dossier_and_a_participant_reads_it(
    container: Container, council: Council
) -> None:
    event_id = hosted(container, council)
    _add_stadium(container, council, event_id)
    act(
        container,
        council,
        "ru_liaison",
        lambda uow, c: dossier.add_participant(
            uow, c, event_id, DelegationIn(agency="KZ-SVC", size=12, note="Охрана делегации")
        ),
    )
    start = datetime(2027, 1, 1, 6, tzinfo=UTC)
    shift = ShiftIn(
        agency="KZ-SVC",
        officer="Нурланов Н.",
        contact="+7 701 000 00 00",
        starts_at=start,
        ends_at=start + timedelta(hours=12),
    )
    act(container, council, "ru_liaison", lambda uow, c: dossier.add_shift(uow, c, event_id, shift))
    with container.uow() as uow:
        kz = council.caller(uow, "kz_liaison")
        event = dossier.get_event(uow, kz, event_id)
        assert event.title == "Саммит глав государств в Казани"
        assert [v.name for v in event.venues] == ["Казань Арена"]
        assert event.venues[0].latitude == pytest.approx(55.821)
        assert [d.size for d in event.delegations] == [12]
        assert [s.officer for s in event.shifts] == ["Нурланов Н."]
        assert [e.id for e in dossier.list_events(uow, kz)] == [event_id]
        # A participant reads and does not change the event.
        assert not dossier.may_edit(kz, event)
        with refused(Forbidden):
            dossier.update_event(uow, kz, event_id, event_in(title="Другое"))
        sec = council.caller(uow, "sec_officer")
        assert dossier.get_event(uow, sec, event_id).id == event_id
        assert event_id in [e.id for e in dossier.list_events(uow, sec)]
        uow.commit()
    assert ("events:venue:add", "ok", "ru_liaison") in audit_actions(container, "events:")
    assert ("events:event:read", "ok", "kz_liaison") in audit_actions(container, "events:")


def test_an_agency_with_no_part_in_an_event_is_told_it_does_not_exist(
    container: Container, council: Council
) -> None:
    event_id = hosted(container, council)
    with container.uow() as uow:
        kz = council.caller(uow, "kz_liaison")
        with refused(NotFound) as seen:
            dossier.get_event(uow, kz, event_id)
        with refused(NotFound, into=seen):
            dossier.update_event(uow, kz, event_id, event_in())
        with refused(NotFound, into=seen):
            dossier.add_venue(uow, kz, event_id, VenueIn.model_validate(STADIUM))
        # ... exactly as an event that does not exist.
        with pytest.raises(NotFound) as missing:
            dossier.get_event(uow, kz, 0)
        with pytest.raises(NotFound) as hidden:
            dossier.get_event(uow, kz, event_id)
        assert missing.value.message == hidden.value.message
        assert dossier.list_events(uow, kz) == []
        assert [e.outcome for e in seen] == ["denied"] * 3
        # The council's administrators and auditors do not see events either.
        with refused(NotFound):
            dossier.get_event(uow, council.caller(uow, "sec_admin"), event_id)
        with refused(NotFound):
            dossier.get_event(uow, council.caller(uow, "ru_auditor"), event_id)


def test_bad_input_says_what_to_fix(container: Container, council: Council) -> None:
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        event_in(ends_on=event_in().starts_on - timedelta(days=1))
    with pytest.raises(ValidationError, match="latitude"):
        VenueIn.model_validate({**STADIUM, "latitude": 95})
    with pytest.raises(ValidationError, match="longitude"):
        VenueIn.model_validate({**STADIUM, "longitude": -181})
    with pytest.raises(ValidationError, match="Extra inputs"):
        VenueIn.model_validate({**STADIUM, "religion": "any"})
    moment = datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(ValidationError, match="ends after it starts"):
        ShiftIn(agency="RU-SVC", officer="A", contact="B", starts_at=moment, ends_at=moment)
    event_id = hosted(container, council)
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        with pytest.raises(InvalidInput) as unknown:
            dossier.add_participant(uow, ru, event_id, DelegationIn(agency="XX-NONE"))
        assert unknown.value.for_field == "agency"
        with pytest.raises(InvalidInput, match="host agency leads"):
            dossier.add_participant(uow, ru, event_id, DelegationIn(agency="RU-SVC"))
        # Only the host and the agencies taking part are on the roster.
        shift = ShiftIn(
            agency="KZ-SVC", officer="A", contact="B", starts_at=moment,
            ends_at=moment + timedelta(hours=8),
        )  # fmt: skip
        with pytest.raises(InvalidInput, match="takes no part"):
            dossier.add_shift(uow, ru, event_id, shift)
        # The secretariat hosts no event.
        with refused(Forbidden):
            dossier.create_event(uow, council.caller(uow, "sec_officer"), event_in())


def test_the_dossier_is_sealed_at_rest(container: Container, council: Council) -> None:
    event_id = hosted(container, council, title="Фестиваль Шёлкового пути")
    _add_stadium(container, council, event_id)
    with container.uow() as uow:
        event = uow.session.get(Event, event_id)
        assert event is not None
        raw = uow.session.execute(
            text("SELECT title_sealed FROM events WHERE id = :id"), {"id": event_id}
        ).scalar_one()
        assert "Шёлкового".encode() not in bytes(raw)
        venue_raw = uow.session.scalar(select(Venue.name_sealed).where(Venue.event_id == event_id))
        assert venue_raw is not None
        assert "Арена".encode() not in bytes(venue_raw)
        assert event.title == "Фестиваль Шёлкового пути"
