"""Member states and small lookups of the identity feature. Callers commit."""

from __future__ import annotations

from zoneinfo import available_timezones

from sqlalchemy import select

from interagency.db import UnitOfWork
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity.models import Agency, Desk, MemberState
from interagency.identity.schemas import MemberStateIn, MemberStateOut


def list_member_states(uow: UnitOfWork) -> list[MemberStateOut]:
    rows = uow.session.scalars(select(MemberState).order_by(MemberState.name_en))
    return [MemberStateOut.model_validate(row) for row in rows]


def get_member_state(uow: UnitOfWork, iso_alpha2: str) -> MemberStateOut:
    row = uow.session.scalar(select(MemberState).where(MemberState.iso_alpha2 == iso_alpha2))
    if row is None:
        raise NotFound(lazy("No member state has the code {code}."), code=iso_alpha2)
    return MemberStateOut.model_validate(row)


def add_member_state(uow: UnitOfWork, data: MemberStateIn) -> MemberStateOut:
    if data.timezone not in available_timezones():
        raise InvalidInput(
            lazy("Unknown time zone {zone}: use an IANA name such as Asia/Almaty."),
            zone=data.timezone,
        )
    taken = uow.session.scalar(
        select(MemberState).where(
            (MemberState.iso_alpha2 == data.iso_alpha2)
            | (MemberState.iso_alpha3 == data.iso_alpha3)
        )
    )
    if taken is not None:
        raise Conflict(
            lazy("A member state with the code {code} exists already."), code=data.iso_alpha2
        )
    row = MemberState(**data.model_dump())
    uow.session.add(row)
    uow.session.flush()
    return MemberStateOut.model_validate(row)


def ensure_member_state(uow: UnitOfWork, data: MemberStateIn) -> bool:
    """Adds the state unless its code exists; True when it was added. Keeps edits users made."""
    exists = uow.session.scalar(
        select(MemberState.id).where(MemberState.iso_alpha2 == data.iso_alpha2)
    )
    if exists is not None:
        return False
    add_member_state(uow, data)
    return True


def agency_code(uow: UnitOfWork, agency_id: int) -> str:
    code = uow.session.scalar(select(Agency.code).where(Agency.id == agency_id))
    if code is None:
        raise NotFound(lazy("No agency {id}."), id=agency_id)
    return code


def desk_codes(uow: UnitOfWork, desk_ids: frozenset[int]) -> list[str]:
    return sorted(uow.session.scalars(select(Desk.code).where(Desk.id.in_(sorted(desk_ids)))))
