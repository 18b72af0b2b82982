"""Fighters' profiles and border crossings under test: the records' test council, with
helpers that keep a profile on a new person record and submit a crossing as a user."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from interagency.movements import crossings, profiles
from interagency.movements.schemas import CrossingIn, CrossingOut, ProfileIn
from interagency.records.models import Record
from tests.integration.records.conftest import RASHAD_RU, Records, person
from tests.integration.records.conftest import records as records  # the fixture

# The same man as RASHAD_RU, as a Latin-script passport writes him.
RASHAD_PASSPORT = {
    "surname": "HUSEYNOV",
    "given_name": "RASHAD",
    "birth_date": "1985-03-14",
    "sex": "M",
    "document_number": "C01234567",
    "document_country": "AZE",
}


def profile_in(**fields: Any) -> ProfileIn:
    values: dict[str, Any] = {
        "status": "in_conflict_zone",
        "conflict_zone": "SYR",
        "departed_on": date(2019, 4, 2),
        "status_since": date(2019, 5, 1),
        "basis": "Crossed into Syria at Akcakale on 02.04.2019; seen in a training camp video "
        "dated 15.06.2019.",
        "basis_dated": date(2019, 6, 15),
        "un_group": "QDe.115",
    }
    values.update(fields)
    return ProfileIn.model_validate(values)


def keep_profile(
    records: Records,
    login: str = "ru_liaison",
    particulars: dict[str, str] | None = None,
    *,
    record_fields: dict[str, Any] | None = None,
    **fields: Any,
) -> Record:
    """A new person record of `login`'s agency made a profile; the record as saved."""
    saved = records.save(login, person(particulars or RASHAD_RU, **(record_fields or {})))
    with records.container.uow() as uow:
        caller = records.council.caller(uow, login)
        profiles.keep(uow, caller, records.container.vault, saved.record.id, profile_in(**fields))
        uow.commit()
    return saved.record


def crossing_in(**fields: Any) -> CrossingIn:
    values: dict[str, Any] = {
        **RASHAD_PASSPORT,
        "occurred_at": datetime.now(UTC) - timedelta(hours=1),
        "crossing_point": "Nur Zholy",
        "direction": "entry",
        "carrier": "",
    }
    values.update(fields)
    return CrossingIn.model_validate(values)


def cross(records: Records, login: str = "kz_liaison", **fields: Any) -> CrossingOut:
    with records.container.uow() as uow:
        caller = records.council.caller(uow, login)
        out = crossings.submit(uow, caller, records.container.vault, crossing_in(**fields))
        uow.commit()
    return out
