"""From a user row to the `Principal` the policy reads, and to the actor an audit entry names."""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, String, cast, literal, select, union_all

from interagency.audit import AuditEvent
from interagency.identity.models import (
    AccountKind,
    Agency,
    AgencyKind,
    Role,
    User,
    UserDesk,
    UserRole,
)
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
        person=user.kind == AccountKind.PERSON.value,
    )


# Everything a user is granted, one row per role or desk, for `enabled_principals`.
_GRANTS = union_all(
    select(UserRole.user_id, literal("role").label("kind"), UserRole.role.label("value")),
    select(UserDesk.user_id, literal("desk"), cast(UserDesk.desk_id, String)),
).subquery("grants")


def enabled_principals(*criteria: ColumnElement[bool]) -> Select[Any]:
    """A query for the principal of an enabled user, one row per grant (see
    `principal_from`); `criteria` say which user, and may name joined tables.

    Every API request resolves a principal, so it is read with one plain select."""
    return (
        select(
            User.id, User.login, User.full_name, User.agency_id, Agency.kind,
            User.password_must_change, User.kind.label("account_kind"),
            _GRANTS.c.kind.label("grant_kind"), _GRANTS.c.value.label("grant_value"),
        )
        .join(Agency, Agency.id == User.agency_id)
        .outerjoin(_GRANTS, _GRANTS.c.user_id == User.id)
        .where(User.disabled_at.is_(None), User.pending.is_(False), *criteria)
    )  # fmt: skip


def principal_from(rows: Sequence[Row[Any]]) -> Principal | None:
    """The principal of the rows of an `enabled_principals` query, or None if none."""
    if not rows:
        return None
    first = rows[0]
    return Principal(
        user_id=first.id,
        login=first.login,
        full_name=first.full_name,
        agency_id=first.agency_id,
        agency_kind=AgencyKind(first.kind),
        roles=frozenset(Role(r.grant_value) for r in rows if r.grant_kind == "role"),
        desk_ids=frozenset(int(r.grant_value) for r in rows if r.grant_kind == "desk"),
        must_change_password=first.password_must_change,
        person=first.account_kind == AccountKind.PERSON.value,
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
        owner_agency_id: int | None = None,
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
            owner_agency_id=owner_agency_id,
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
