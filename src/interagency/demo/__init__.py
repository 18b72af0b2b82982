"""The demo council: loaded by `interagency demo`, idempotent, never touching what users added.

Every loader adds only what is missing, keyed by a natural key, so running the demo again
neither fails nor duplicates rows, and edits made in the demo database survive.

Demo users share one published password, and their TOTP secrets are derived from their
logins, so that `make demo` can print working logins every time. Both are public by
design, like the demo secret key; production refuses demo mode.
"""

from __future__ import annotations

import base64
import csv
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy import select

from interagency import i18n
from interagency.bootstrap import Container
from interagency.council import demo as council_demo
from interagency.db import UnitOfWork
from interagency.egress import demo as egress_demo
from interagency.events import demo as events_demo
from interagency.exchange import demo as exchange_demo
from interagency.exchange.web_context import exchange_context
from interagency.identity import accounts, directory, labels, passwords, totp
from interagency.identity import services as identity
from interagency.identity.models import Agency, User
from interagency.identity.schemas import AgencyIn, DeskIn, MemberStateIn, UserIn
from interagency.movements import demo as movements_demo
from interagency.records import demo as records_demo
from interagency.records.web_context import records_context

DATA_DIR = Path(__file__).parent
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (published with the demo, see above)


@dataclass(frozen=True)
class DemoLogin:
    login: str
    agency: str
    roles: str
    totp_secret: str


@dataclass
class DemoSummary:
    added: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    password: str = DEMO_PASSWORD


def rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_member_states() -> list[MemberStateIn]:
    return [MemberStateIn(**row) for row in rows("member_states.csv")]


@cache
def demo_password_hash() -> str:
    return passwords.hash_password(DEMO_PASSWORD)


def demo_totp_secret(login: str) -> str:
    digest = hashlib.sha256(f"interagency demo second factor\x00{login}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


def _split(value: str) -> list[str]:
    return [part for part in value.split(";") if part]


def load_agencies(uow: UnitOfWork) -> Counter[str]:
    """Adds the demo's agencies; the count of those added, member agencies apart from the
    council's own bodies (its secretariat and review board), which belong to no state."""
    desks = {row["code"]: DeskIn(**row) for row in rows("desks.csv")}
    added: Counter[str] = Counter()
    for row in rows("agencies.csv"):
        if uow.session.scalar(select(Agency.id).where(Agency.code == row["code"])) is not None:
            continue
        data = AgencyIn(
            code=row["code"],
            kind=row["kind"],
            member_state=row["member_state"] or None,
            name_ru=row["name_ru"],
            name_en=row["name_en"],
            desks=[desks[code] for code in _split(row["desks"])],
        )
        directory.add_agency(uow, None, data)
        added["member agencies" if row["member_state"] else "council bodies"] += 1
    return added


def _role_names(roles: str) -> str:
    """Roles as people read them ("Liaison officer"), not as stored ("liaison_officer"),
    in English like the rest of the command line's output."""
    with i18n.language("en"):
        names = labels.role_names()
    return ", ".join(names.get(role, role) for role in _split(roles))


def load_users(uow: UnitOfWork, container: Container, summary: DemoSummary) -> int:
    added = 0
    for row in rows("users.csv"):
        secret = demo_totp_secret(row["login"])
        summary.logins.append(
            DemoLogin(row["login"], row["agency"], _role_names(row["roles"]), secret)
        )
        if uow.session.scalar(select(User.id).where(User.login == row["login"])) is not None:
            continue
        data = UserIn(
            login=row["login"],
            full_name=row["full_name"],
            agency=row["agency"],
            personnel_number=row["personnel_number"],
            desks=_split(row["desks"]),
            roles=_split(row["roles"]),
            password=DEMO_PASSWORD,
            email=row.get("email") or None,
            # The liaison officers: their agencies list them, so others may name them.
            listed_in_directory=row.get("listed") == "yes",
        )
        created = accounts.load_account(uow, data, password_hash=demo_password_hash())
        user = uow.session.scalar(select(User).where(User.public_id == created.id))
        assert user is not None  # (just added)
        user.totp_secret = totp.seal(container.settings.key_dir, secret, user.id)
        added += 1
    return added


def load_demo(container: Container) -> DemoSummary:
    summary = DemoSummary()
    with container.uow() as uow:
        summary.added["member states"] = sum(
            identity.ensure_member_state(uow, state) for state in read_member_states()
        )
        agencies = load_agencies(uow)
        summary.added["member agencies"] = agencies["member agencies"]
        summary.added["council bodies (secretariat, review board)"] = agencies["council bodies"]
        summary.added["users"] = load_users(uow, container, summary)
        summary.added["exchange threads"] = exchange_demo.load(uow, exchange_context(container))
        summary.added["council meetings, documents, programmes, reports"] = council_demo.load(uow)
        summary.added["shared records"] = records_demo.load(
            uow, records_context(container), exchange_context(container)
        )
        summary.added["fighters' profiles"] = movements_demo.load(uow, container.vault)
        summary.added["major events"] = events_demo.load(uow)
        summary.added["third parties"] = egress_demo.load(uow)
        uow.commit()
    return summary
