"""Events under test: the test council (RU-SVC, KZ-SVC, the secretariat) and helpers that
create an event hosted by RU-SVC and act as a user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.events import dossier
from interagency.events.models import Event
from interagency.events.schemas import EventIn
from interagency.identity.principals import Caller
from tests.support.identity import Council

T = TypeVar("T")


def event_in(**fields: Any) -> EventIn:
    start = date.today() + timedelta(days=60)
    values: dict[str, Any] = {
        "kind": "summit",
        "title": "Саммит глав государств в Казани",
        "description": "Пленарное заседание и двусторонние встречи.",
        "starts_on": start,
        "ends_on": start + timedelta(days=2),
        "expected_attendance": 4000,
    }
    values.update(fields)
    return EventIn.model_validate(values)


def act(
    container: Container, council: Council, login: str, work: Callable[[UnitOfWork, Caller], T]
) -> T:
    """Runs `work` as `login` in one unit of work, committed if it returns."""
    with container.uow() as uow:
        result = work(uow, council.caller(uow, login))
        uow.commit()
    return result


def hosted(container: Container, council: Council, **fields: Any) -> int:
    """A new event hosted by RU-SVC (created by its liaison officer); its key."""

    def create(uow: UnitOfWork, caller: Caller) -> int:
        event: Event = dossier.create_event(uow, caller, event_in(**fields))
        return event.id

    return act(container, council, "ru_liaison", create)
