"""The council's directory: agencies, the desks other agencies can address, and the people
each agency lists so that others may address them by name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import selectinload

from interagency import audit
from interagency.db import UnitOfWork
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.models import AccountKind, Agency, AgencyKind, Desk, MemberState, User
from interagency.identity.policy import Action, may_manage_agencies
from interagency.identity.principals import Caller, or_operator
from interagency.identity.schemas import AgencyIn, AgencyOut, DeskIn, DeskOut, ListedUserOut

# An open account of a person: the only kind ever offered or addressed by name.
_OPEN_PERSON: tuple[ColumnElement[bool], ...] = (
    User.kind == AccountKind.PERSON.value,
    User.pending.is_(False),
    User.disabled_at.is_(None),
)


def agency_out(agency: Agency, users: Collection[ListedUserOut] = ()) -> AgencyOut:
    return AgencyOut(
        id=agency.id,
        code=agency.code,
        kind=AgencyKind(agency.kind),
        member_state=agency.member_state.iso_alpha2 if agency.member_state else None,
        name_ru=agency.name_ru,
        name_en=agency.name_en,
        desks=[DeskOut.model_validate(desk) for desk in agency.desks],
        users=list(users),
    )


def list_agencies(uow: UnitOfWork, caller: Caller) -> list[AgencyOut]:
    guard.require(caller, Action.VIEW_DIRECTORY, "agency")
    # Every agency's desks with one more query, not one an agency.
    rows = uow.session.scalars(
        select(Agency).options(selectinload(Agency.desks)).order_by(Agency.kind, Agency.code)
    ).unique()
    listed: dict[int, list[ListedUserOut]] = defaultdict(list)
    for agency_id, login, full_name in uow.session.execute(
        select(User.agency_id, User.login, User.full_name)
        .where(User.listed_in_directory.is_(True), *_OPEN_PERSON)
        .order_by(User.login)
    ):
        listed[agency_id].append(ListedUserOut(login=login, full_name=full_name))
    return [agency_out(row, listed.get(row.id, ())) for row in rows]


def addressable_user(
    uow: UnitOfWork, agency_id: int, login: str, *, also: Collection[int] = ()
) -> User | None:
    """The user of this agency whom others may address by this login: a person their agency
    lists in the directory, with an open account. None for every other login (unknown,
    not listed, disabled, not approved, a service, of another agency) alike, so that no
    answer tells them apart.

    `also`: ids of users the platform itself addresses for someone, listed or not (the
    officer who asked for a hit's details gets them by name)."""
    listed: ColumnElement[bool] = User.listed_in_directory.is_(True)
    if also:
        listed = or_(listed, User.id.in_(list(also)))
    return uow.session.scalar(
        select(User).where(
            User.login == login.strip().lower(), User.agency_id == agency_id, listed, *_OPEN_PERSON
        )
    )


def get_agency(uow: UnitOfWork, code: str) -> Agency:
    row = uow.session.scalar(select(Agency).where(Agency.code == code))
    if row is None:
        raise NotFound(lazy("No agency has the code {code}."), code=code)
    return row


def add_agency(uow: UnitOfWork, caller: Caller | None, data: AgencyIn) -> AgencyOut:
    """Adds an agency and its desks. `caller` None is the operator's command line."""
    if caller is not None:
        principal = caller.principal
        decision = principal is not None and may_manage_agencies(principal)
        guard.check(caller, decision, Action.MANAGE_AGENCIES, "agency", data.code)
    kind = AgencyKind(data.kind)
    state_id = _state_for(uow, kind, data.member_state)
    if uow.session.scalar(select(Agency.id).where(Agency.code == data.code)) is not None:
        raise Conflict(lazy("An agency with the code {code} exists already."), code=data.code)
    codes = [desk.code for desk in data.desks]
    if len(codes) != len(set(codes)):
        raise InvalidInput(lazy("Each desk of an agency needs its own code."), for_field="desks")
    agency = Agency(
        code=data.code,
        kind=kind.value,
        member_state_id=state_id,
        name_ru=data.name_ru,
        name_en=data.name_en,
    )
    uow.session.add(agency)
    uow.session.flush()
    for desk in data.desks:
        uow.session.add(Desk(agency_id=agency.id, **desk.model_dump()))
    uow.session.flush()
    uow.session.refresh(agency)
    audit.record(
        uow,
        or_operator(caller).event(
            "identity:agency:add",
            object_kind="agency",
            object_ref=agency.id,
            detail={"code": agency.code, "desks": codes},
        ),
    )
    return agency_out(agency)


def add_desk(uow: UnitOfWork, caller: Caller | None, agency_code: str, data: DeskIn) -> DeskOut:
    agency = get_agency(uow, agency_code)
    if caller is not None:
        principal = caller.principal
        decision = principal is not None and may_manage_agencies(principal)
        guard.check(caller, decision, Action.MANAGE_AGENCIES, "agency", agency.id)
    taken = uow.session.scalar(
        select(Desk.id).where(Desk.agency_id == agency.id, Desk.code == data.code)
    )
    if taken is not None:
        raise Conflict(lazy("The agency has a desk {code} already."), code=data.code)
    desk = Desk(agency_id=agency.id, **data.model_dump())
    uow.session.add(desk)
    uow.session.flush()
    audit.record(
        uow,
        or_operator(caller).event(
            "identity:desk:add",
            object_kind="desk",
            object_ref=desk.id,
            detail={"agency": agency.code, "code": desk.code},
        ),
    )
    return DeskOut.model_validate(desk)


def _state_for(uow: UnitOfWork, kind: AgencyKind, iso: str | None) -> int | None:
    if kind is not AgencyKind.MEMBER_AGENCY:
        if iso is not None:
            raise InvalidInput(
                lazy("A body of the council belongs to no member state."), for_field="member_state"
            )
        return None
    if iso is None:
        raise InvalidInput(
            lazy("A member agency needs the ISO code of its member state."),
            for_field="member_state",
        )
    state_id = uow.session.scalar(select(MemberState.id).where(MemberState.iso_alpha2 == iso))
    if state_id is None:
        raise InvalidInput(
            lazy("No member state has the code {code}."), for_field="member_state", code=iso
        )
    return state_id
