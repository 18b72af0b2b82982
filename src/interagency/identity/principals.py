"""From a user row to the `Principal` the policy reads, and to the actor an audit entry names."""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import String, cast, literal, select, union_all
from sqlalchemy.orm import Session

from interagency.audit import AuditEvent
from interagency.identity.models import Agency, AgencyKind, Role, User, UserDesk, UserRole
from interagency.identity.policy import Principal


def principal_of(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        login=user.login,
        full_name=user.full_name,
        agency_id=user.agency_id,
        agency_kind=AgencyKind(user.agency.kind),
        roles=user.role_set,
        desk_ids=frozenset(desk.id for desk in user.desks),
        must_change_password=user.password_must_change,
    )


def enabled_principal(session: Session, user_id: int) -> Principal | None:
    """The principal of an enabled user, read with two plain selects and no ORM objects:
    every API request resolves one, so it must cost little."""
    row = session.execute(
        select(User.login, User.full_name, User.agency_id, Agency.kind, User.password_must_change)
        .join(Agency, Agency.id == User.agency_id)
        .where(User.id == user_id, User.disabled_at.is_(None))
    ).first()
    if row is None:
        return None
    grants = session.execute(
        union_all(
            select(literal("role"), UserRole.role).where(UserRole.user_id == user_id),
            select(literal("desk"), cast(UserDesk.desk_id, String)).where(
                UserDesk.user_id == user_id
            ),
        )
    ).all()
    return Principal(
        user_id=user_id,
        login=row.login,
        full_name=row.full_name,
        agency_id=row.agency_id,
        agency_kind=AgencyKind(row.kind),
        roles=frozenset(Role(value) for kind, value in grants if kind == "role"),
        desk_ids=frozenset(int(value) for kind, value in grants if kind == "desk"),
        must_change_password=row.password_must_change,
    )


@dataclass(frozen=True)
class Caller:
    """Who asks, and from where: what every audit entry of a request names."""

    principal: Principal | None
    address: str | None = None
    # Names a caller without an account: the operator at the server's command line.
    label: str | None = None

    def event(
        self,
        action: str,
        *,
        outcome: str = "ok",
        object_kind: str | None = None,
        object_ref: object = None,
        detail: Mapping[str, object] | None = None,
        personal: Mapping[str, object] | None = None,
    ) -> AuditEvent:
        actor = self.principal
        return AuditEvent(
            action=action,
            outcome=outcome,
            actor_user_id=actor.user_id if actor else None,
            actor_login=actor.login if actor else self.label,
            actor_agency_id=actor.agency_id if actor else None,
            object_kind=object_kind,
            object_ref=None if object_ref is None else str(object_ref),
            client_address=self.address,
            detail=detail or {},
            personal=personal,
        )


def operator() -> Caller:
    """The operator at the server's command line, named by their system account."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. a bare container)
        name = "unknown"
    return Caller(None, None, label=f"operator:{name}")


def or_operator(caller: Caller | None) -> Caller:
    return caller if caller is not None else operator()
