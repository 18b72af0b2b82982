"""The exchange under test: three member agencies with desks and one user per role and desk,
and the expected outcomes of the policy, written out from the rules of issue 4.

A (RU-SVC, Europe/Moscow) originates, B (KZ-SVC, Asia/Almaty) receives, C (UZ-SVC,
Asia/Tashkent) is not on the thread until the originator lets it in. Every agency has the
desks CT and BORDER, and each desk has one user of every role, named `<side>_<desk>_<role>`
(e.g. `a_ct_liaison_officer`, `b_border_dpo`). The council's own users stay as they are.

The oracle (`expected`, `expected_view`, `relations`) knows nothing of `policy.RULES` or
`visibility`: it restates the rules in its own words, so a wrong row in the table, or a
wrong SQL filter, disagrees with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import pytest
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.demo import read_member_states
from interagency.exchange import services
from interagency.exchange.codes import MessageKind
from interagency.exchange.policy import Action, Effect, Relation
from interagency.exchange.schemas import RecipientIn, ThreadIn
from interagency.identity.models import Agency, AgencyKind, Desk, MemberState, Role, User, UserRole
from interagency.identity.principals import Caller, principal_of
from interagency.identity.services import ensure_member_state
from interagency.markings import HandlingCode, Tlp
from tests.support.identity import Council, password_hash

# --- the oracle -----------------------------------------------------------------------

# People who do the exchange itself. Administrators manage accounts, auditors and DPOs
# oversee, neutrality reviewers see only what is submitted to them: none of them works
# on threads.
WORKERS = frozenset({Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.SECRETARIAT})
# Who decides for an agency (closing, addressing, consenting); analysts work on content.
DECIDERS = frozenset({Role.LIAISON_OFFICER, Role.SUPERVISOR, Role.SECRETARIAT})
OVERSEERS = frozenset({Role.AUDITOR, Role.DATA_PROTECTION_OFFICER})

SENDING_SIDE = frozenset({Relation.AUTHOR, Relation.ORIGINATOR_DESK, Relation.ORIGINATOR_AGENCY})
RECEIVING_SIDE = frozenset({Relation.NAMED_RECIPIENT, Relation.RECIPIENT_AGENCY})
# On RED, the originating agency's other desks are outside: only the author and the
# sending desk, and the desks or users the originator named.
RED_CIRCLE = frozenset({Relation.AUTHOR, Relation.ORIGINATOR_DESK, Relation.NAMED_RECIPIENT})
AGENCY_ON_THREAD = frozenset({Relation.ORIGINATOR_AGENCY, Relation.RECIPIENT_AGENCY})
# TLP levels a recipient may ask to share onward; AMBER+STRICT stays in the recipient
# agency and RED with the people named.
ONWARD_TLPS = frozenset({Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER})


def in_circle(tlp: Tlp, relations: frozenset[Relation]) -> bool:
    """Whether these relations put a worker among the thread's readers at this TLP."""
    if tlp is Tlp.RED:
        return bool(relations & RED_CIRCLE)
    return bool(relations & (SENDING_SIDE | RECEIVING_SIDE))


def _allow(condition: bool) -> Effect:
    return Effect.ALLOW if condition else Effect.DENY


def expected(
    action: Action,
    tlp: Tlp,
    handling: HandlingCode,
    relations: Iterable[Relation],
    roles: Iterable[Role],
) -> Effect:
    """What the rules of issue 4 allow one user with these relations and roles to do."""
    rels, held = frozenset(relations), frozenset(roles)
    worker = bool(held & WORKERS)
    decider = bool(held & DECIDERS)
    overseer = bool(held & OVERSEERS)
    dpo = Role.DATA_PROTECTION_OFFICER in held
    inspecting = Relation.INSPECTING in rels
    reader = worker and in_circle(tlp, rels)
    sender_side = (
        rels & (RED_CIRCLE - {Relation.NAMED_RECIPIENT})
        if tlp is Tlp.RED
        else (rels & SENDING_SIDE)
    )
    if action is Action.READ_METADATA:
        return _allow(
            reader or (overseer and bool(rels & (SENDING_SIDE | RECEIVING_SIDE) or inspecting))
        )
    if action is Action.READ_CONTENT:
        return _allow(reader or (dpo and inspecting))
    if action is Action.REPLY:
        return _allow(reader)
    if action is Action.ACKNOWLEDGE:
        named = Relation.NAMED_RECIPIENT in rels
        return _allow(worker and (named if tlp is Tlp.RED else bool(rels & RECEIVING_SIDE)))
    if action in (Action.CLOSE, Action.ADD_RECIPIENT, Action.DECIDE_DISSEMINATION):
        return _allow(decider and bool(sender_side))
    if action is Action.REQUEST_DISSEMINATION:
        return _allow(worker and bool(rels & RECEIVING_SIDE) and tlp in ONWARD_TLPS)
    if action is Action.REQUEST_EXPORT_CONSENT:
        return _allow(worker and bool(rels & RECEIVING_SIDE) and tlp is not Tlp.RED)
    if action is Action.EXPORT:
        if tlp is Tlp.RED or not worker or not rels & (SENDING_SIDE | RECEIVING_SIDE):
            return Effect.DENY
        if handling is HandlingCode.H0 or rels & SENDING_SIDE:
            return Effect.ALLOW
        return Effect.WITH_CONSENT
    if action is Action.INSPECT:
        return _allow(dpo and bool(rels & AGENCY_ON_THREAD))
    raise AssertionError(f"the oracle does not know {action}")


# The actions the oracle answers for; a new action must be added here (and thought about).
ORACLE_ACTIONS = frozenset(
    {
        Action.READ_METADATA,
        Action.READ_CONTENT,
        Action.REPLY,
        Action.ACKNOWLEDGE,
        Action.CLOSE,
        Action.ADD_RECIPIENT,
        Action.REQUEST_DISSEMINATION,
        Action.REQUEST_EXPORT_CONSENT,
        Action.DECIDE_DISSEMINATION,
        Action.EXPORT,
        Action.INSPECT,
    }
)

View = Literal["content", "metadata", "none"]


def expected_view(tlp: Tlp, relations: Iterable[Relation], roles: Iterable[Role]) -> View:
    """What opening the thread shows: its content, its metadata only, or "not found"."""
    if expected(Action.READ_CONTENT, tlp, HandlingCode.H0, relations, roles) is Effect.ALLOW:
        return "content"
    if expected(Action.READ_METADATA, tlp, HandlingCode.H0, relations, roles) is Effect.ALLOW:
        return "metadata"
    return "none"


# --- the three agencies -----------------------------------------------------------------

SIDES = {"A": "RU-SVC", "B": "KZ-SVC", "C": "UZ-SVC"}
ZONES = {"A": "Europe/Moscow", "B": "Asia/Almaty", "C": "Asia/Tashkent"}
DESKS = ("CT", "BORDER")


@dataclass(frozen=True)
class Member:
    login: str
    side: str
    desk: str
    role: Role


def member_login(side: str, desk: str, role: Role) -> str:
    return f"{side.lower()}_{desk.lower()}_{role.value}"


MEMBERS: dict[str, Member] = {
    member_login(side, desk, role): Member(member_login(side, desk, role), side, desk, role)
    for side in SIDES
    for desk in DESKS
    for role in Role
}


@dataclass(frozen=True)
class Address:
    """A recipient as the test writes it: an agency side, and perhaps one desk or user."""

    side: str
    desk: str | None = None
    user: str | None = None

    def as_input(self) -> RecipientIn:
        return RecipientIn(agency=SIDES[self.side], desk=self.desk, user=self.user)


@dataclass(frozen=True)
class Sent:
    """What the test knows of a thread it sent: enough to work out everyone's relations."""

    id: int
    author: str
    from_desk: str | None
    recipients: tuple[Address, ...]
    tlp: Tlp
    handling: HandlingCode
    public_id: str = ""  # what lists and the API name the thread by

    @property
    def originator(self) -> str:
        return MEMBERS[self.author].side


def relations(member: Member, thread: Sent, *, inspecting: bool = False) -> frozenset[Relation]:
    """The member's relations to the thread, worked out from how the test addressed it."""
    found: set[Relation] = set()
    if member.login == thread.author:
        found.add(Relation.AUTHOR)
    if member.side == thread.originator:
        found.add(Relation.ORIGINATOR_AGENCY)
        if thread.from_desk == member.desk:
            found.add(Relation.ORIGINATOR_DESK)
    for address in thread.recipients:
        if address.side != member.side:
            continue
        found.add(Relation.RECIPIENT_AGENCY)
        if address.desk == member.desk or address.user == member.login:
            found.add(Relation.NAMED_RECIPIENT)
    if inspecting:
        found.add(Relation.INSPECTING)
    return frozenset(found)


def view_of(member: Member, thread: Sent, *, inspecting: bool = False) -> View:
    return expected_view(
        thread.tlp, relations(member, thread, inspecting=inspecting), {member.role}
    )


@dataclass
class Exchange:
    """The three agencies in the test database, and shortcuts to act as their users."""

    council: Council
    container: Container
    context: services.Context
    agencies: dict[str, int]
    users: dict[str, int]

    def caller(self, uow: UnitOfWork, login: str) -> Caller:
        user_id = self.users[login] if login in self.users else self.council.users[login]
        user = uow.session.get(User, user_id)
        assert user is not None
        return Caller(principal_of(user), "192.0.2.20")

    def send(
        self,
        author: str,
        to: Sequence[Address],
        *,
        tlp: Tlp = Tlp.AMBER,
        handling: HandlingCode = HandlingCode.H0,
        from_desk: str | None = None,
        subject: str = "Запрос о маршруте контрабанды",
        body: str = "Просим сообщить сведения о маршруте.",
        **fields: Any,
    ) -> Sent:
        """Sends a thread as `author` and commits; a request due in a week by default."""
        data = thread_in(
            to, tlp=tlp, handling=handling, from_desk=from_desk, subject=subject, body=body,
            **fields,
        )  # fmt: skip
        with self.container.uow() as uow:
            thread = services.send(uow, self.caller(uow, author), self.context, data)
            uow.commit()
            return Sent(thread.id, author, from_desk, tuple(to), tlp, handling, thread.public_id)


def thread_in(
    to: Sequence[Address],
    *,
    tlp: Tlp = Tlp.AMBER,
    handling: HandlingCode = HandlingCode.H0,
    from_desk: str | None = None,
    subject: str = "Запрос о маршруте контрабанды",
    body: str = "Просим сообщить сведения о маршруте.",
    **fields: Any,
) -> ThreadIn:
    values: dict[str, Any] = {
        "subject": subject,
        "body": body,
        "kind": MessageKind.REQUEST,
        "deadline": date.today() + timedelta(days=7),
        "tlp": tlp,
        "handling_code": handling,
        "recipients": [address.as_input() for address in to],
        "from_desk": from_desk,
    }
    if handling is HandlingCode.H3:
        values["restriction"] = "Только для пограничных служб"
    values.update(fields)
    return ThreadIn(**values)


def build_exchange(uow: UnitOfWork, council: Council, container: Container) -> dict[str, int]:
    """Adds the third agency and the grid of users; returns login -> user id of the grid."""
    session = uow.session
    for state in read_member_states():
        if state.iso_alpha2 == "UZ":
            ensure_member_state(uow, state)
    uz = session.scalar(select(MemberState.id).where(MemberState.iso_alpha2 == "UZ"))
    third = Agency(
        code=SIDES["C"],
        kind=AgencyKind.MEMBER_AGENCY.value,
        member_state_id=uz,
        name_ru="UZ-SVC (ru)",
        name_en="UZ-SVC (en)",
    )
    session.add(third)
    session.flush()
    for desk_code in DESKS:
        session.add(Desk(agency_id=third.id, code=desk_code, name_ru=desk_code, name_en=desk_code))
    session.flush()
    agency_ids = {side: council.agencies.get(code, third.id) for side, code in SIDES.items()}
    desks = {
        (desk.agency_id, desk.code): desk
        for desk in session.scalars(select(Desk).where(Desk.agency_id.in_(agency_ids.values())))
    }
    users: dict[str, int] = {}
    for member in MEMBERS.values():
        agency_id = agency_ids[member.side]
        user = User(
            login=member.login,
            full_name=f"Test {member.login}",
            email=f"{member.login}@example.invalid",
            agency_id=agency_id,
            password_hash=password_hash(),
            # The tests address the grid's users by name: their agencies list them all.
            listed_in_directory=True,
        )
        user.roles = [UserRole(role=member.role.value)]
        user.desks = [desks[(agency_id, member.desk)]]
        session.add(user)
        session.flush()
        users[member.login] = user.id
    return users


@pytest.fixture
def exchange(council: Council, container: Container) -> Exchange:
    with container.uow() as uow:
        users = build_exchange(uow, council, container)
        uow.commit()
    agencies = dict.fromkeys(SIDES, 0)
    with container.uow() as uow:
        for side, code in SIDES.items():
            agency_id = uow.session.scalar(select(Agency.id).where(Agency.code == code))
            assert agency_id is not None
            agencies[side] = agency_id
    context = services.Context(
        vault=container.vault,
        default_zone=container.settings.default_timezone,
        base_url="https://interagency.test",
    )
    return Exchange(council, container, context, agencies, users)
