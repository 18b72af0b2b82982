"""Demo fighters' profiles in several agencies and a day of one border agency's crossings,
entered through the real services: two returns are detected, a person of the border
agency confirms one, which alerts the profile's holder, and dismisses the other, a man of
the same name and birth date, with a note saying how it was checked.

Loaded once, after the demo records: a second run finds profiles and adds nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import func, select

from interagency.db import UnitOfWork, utcnow
from interagency.identity.models import User
from interagency.identity.principals import Caller, principal_of
from interagency.movements import crossings, profiles
from interagency.movements.models import FighterProfile
from interagency.movements.schemas import CrossingIn, ProfileIn
from interagency.records import hits
from interagency.records.models import Record
from interagency.records.schemas import HitCheckIn
from interagency.records.sealing import open_particulars
from interagency.vault import Vault

# Each profile on a demo record, named by its holder's login and the record's title.
PROFILES: Final[list[dict[str, Any]]] = [
    {
        "login": "ivanov",
        "title": "Seitkaziyev Nurlan",
        "status": "in_conflict_zone",
        "conflict_zone": "SYR",
        "departed_on": date(2021, 9, 3),
        "status_since": date(2021, 10, 1),
        "basis": "Flew Moscow to Istanbul on 03.09.2021 and crossed into Syria at Tel Abyad on "
        "12.09.2021; named in an intercepted payroll list dated 20.01.2022.",
        "basis_dated": date(2022, 1, 20),
        "un_group": "QDe.115",
    },
    {
        "login": "rakhimov",
        "title": "Саидов Тимур Рашидович",
        "status": "in_conflict_zone",
        "conflict_zone": "SYR",
        "departed_on": date(2019, 4, 2),
        "status_since": date(2019, 5, 1),
        "basis": "Left Dushanbe for Istanbul on 02.04.2019; seen armed in a video from Idlib "
        "dated 15.06.2019.",
        "basis_dated": date(2019, 6, 15),
        "un_group": "QDe.137",
    },
    {
        "login": "mammadov",
        "title": "Məmmədov Elçin",
        "status": "in_conflict_zone",
        "conflict_zone": "IRQ",
        "departed_on": date(2020, 2, 11),
        "status_since": date(2020, 3, 1),
        "basis": "Crossed into Iraq at Ibrahim Khalil on 11.02.2020; wounded in fighting at "
        "Tal Afar according to a hospital record dated 30.08.2020.",
        "basis_dated": date(2020, 8, 30),
        "un_group": "QDe.004",
    },
]

BORDER_OFFICER: Final = "nurlanov"
# The day's travellers at Kazakhstan's crossings, as on their documents.
TRAVELLERS: Final[list[dict[str, str]]] = [
    {"surname": "IVANOVA", "given_name": "OLGA", "birth_date": "1979-01-23", "sex": "F",
     "document_number": "751234567", "document_country": "RUS", "crossing_point": "Almaty "
     "airport", "direction": "entry", "carrier": "Air Astana", "service": "KC 872"},
    {"surname": "SAIDOV", "given_name": "TIMUR", "patronymic": "RASHIDOVICH",
     "birth_date": "1992-07-21", "sex": "M", "document_number": "401234567",
     "document_country": "TJK", "crossing_point": "Almaty airport", "direction": "entry",
     "carrier": "Turkish Airlines", "service": "TK 350"},
    {"surname": "MAMMADOV", "given_name": "ELCHIN", "birth_date": "1990-04-30", "sex": "M",
     "document_number": "C09911872", "document_country": "AZE", "crossing_point": "Kurik "
     "seaport", "direction": "entry", "carrier": "ASCO", "service": "Baku-Kuryk ferry"},
    {"surname": "ZHANUZAKOV", "given_name": "BERIK", "birth_date": "1966-11-05", "sex": "M",
     "document_number": "N12345678", "document_country": "KAZ", "crossing_point": "Nur Zholy",
     "direction": "exit"},
    {"surname": "LI", "given_name": "WEI", "birth_date": "1988-03-09", "sex": "M",
     "document_number": "E98765432", "document_country": "CHN", "crossing_point": "Nur Zholy",
     "direction": "entry"},
]  # fmt: skip
CHECKS: Final[dict[str, tuple[bool, str]]] = {
    "SAIDOV": (
        True,
        "Passport photograph and fingerprints compared at the booth with the traveller; "
        "same birth date and patronymic.",
    ),
    "MAMMADOV": (
        False,
        "Not him: the traveller is 1.62 m tall and his service record shows him in Baku "
        "throughout 2020; only the name and birth date agree.",
    ),
}


def _caller(uow: UnitOfWork, login: str) -> Caller:
    user = uow.session.scalar(select(User).where(User.login == login))
    if user is None:
        raise LookupError(f"the demo has no user {login!r}")
    return Caller(principal_of(user), "127.0.0.1")


def _record_titled(uow: UnitOfWork, vault: Vault, caller: Caller, title: str) -> Record:
    principal = caller.principal
    assert principal is not None
    for record in uow.session.scalars(
        select(Record).where(Record.owner_agency_id == principal.agency_id, Record.kind == "person")
    ):
        particulars = open_particulars(uow, vault, record)
        if particulars is not None and particulars.title() == title:
            return record
    raise LookupError(f"the demo records have no {title!r}")


def load(uow: UnitOfWork, vault: Vault) -> int:
    """Adds the profiles and the day's crossings unless a profile exists; returns how many
    profiles were added."""
    if uow.session.scalar(select(func.count()).select_from(FighterProfile)):
        return 0
    for entry in PROFILES:
        caller = _caller(uow, entry["login"])
        record = _record_titled(uow, vault, caller, entry["title"])
        values = {k: v for k, v in entry.items() if k not in ("login", "title")}
        profiles.keep(uow, caller, vault, record.id, ProfileIn.model_validate(values))
    officer = _caller(uow, BORDER_OFFICER)
    start = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(hours=20)
    for position, traveller in enumerate(TRAVELLERS):
        data = CrossingIn.model_validate(
            {**traveller, "occurred_at": start + timedelta(hours=3 * position, minutes=17)}
        )
        out = crossings.submit(uow, officer, vault, data)
        check = CHECKS.get(traveller["surname"])
        for line in out.hits if check else []:
            assert check is not None
            confirmed, how = check
            hits.check(uow, officer, line.reference, HitCheckIn(confirmed=confirmed, how=how))
    return len(PROFILES)
