"""User accounts: adding, listing, profiles, disabling, roles and second-factor resets.

`caller` None means the operator's command line on the server itself, which needs no
role (it is how the first administrator comes to exist) but is audited all the same.
"""

from __future__ import annotations

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity import breakglass, guard, passwords, sessions, tokens
from interagency.identity.directory import get_agency
from interagency.identity.labels import KIND_LABELS, ROLE_LABELS
from interagency.identity.models import AgencyKind, Desk, Role, User, UserRole
from interagency.identity.policy import (
    PRIVILEGED_ROLES,
    Action,
    may_manage_users_of,
    may_view_profile,
    role_fits_agency,
)
from interagency.identity.principals import Caller, or_operator
from interagency.identity.schemas import UserIn, UserOut


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        login=user.login,
        full_name=user.full_name,
        agency=user.agency.code,
        desks=[desk.code for desk in user.desks],
        roles=sorted(user.role_set),
        second_factor=user.totp_secret is not None,
        disabled_at=user.disabled_at,
        email=user.email,
    )


def find(uow: UnitOfWork, login: str) -> User:
    user = uow.session.scalar(select(User).where(User.login == login.strip().lower()))
    if user is None:
        raise NotFound(lazy("No user has the login {login}."), login=login)
    return user


def add_user(
    uow: UnitOfWork,
    caller: Caller | None,
    data: UserIn,
    *,
    password_hash: str | None = None,
    must_change: bool = True,
) -> UserOut:
    """Adds a user, who must replace the given password at the first sign-in.

    `password_hash`, if given, must be the argon2 hash of `data.password`: loaders that
    give many accounts one published password (the demo) hash it once, and do not force
    a change (`must_change=False`)."""
    agency = get_agency(uow, data.agency)
    if caller is not None:
        principal = caller.principal
        decision = principal is not None and may_manage_users_of(principal, agency.id)
        guard.check(uow, caller, decision, Action.MANAGE_USERS, "agency", agency.id)
        privileged = sorted(set(data.roles) & PRIVILEGED_ROLES)
        if privileged:
            raise InvalidInput(
                lazy(
                    "Add the user as a liaison officer or analyst, then ask for the role "
                    "{roles}: it needs a second administrator's approval."
                ),
                roles=", ".join(ROLE_LABELS[role] for role in privileged),
            )
    kind = AgencyKind(agency.kind)
    for role in data.roles:
        check_role_fits(role, kind)
    if uow.session.scalar(select(User.id).where(User.login == data.login)) is not None:
        raise Conflict(lazy("The login {login} is taken."), login=data.login)
    desks = list(
        uow.session.scalars(
            select(Desk).where(Desk.agency_id == agency.id, Desk.code.in_(data.desks))
        )
    )
    missing = sorted(set(data.desks) - {desk.code for desk in desks})
    if missing:
        raise InvalidInput(
            lazy("The agency {agency} has no desk {codes}."),
            agency=agency.code,
            codes=", ".join(missing),
        )
    user = User(
        login=data.login,
        full_name=data.full_name.strip(),
        agency_id=agency.id,
        password_hash=password_hash or passwords.hash_password(data.password),
        password_must_change=must_change,
        email=data.email,
    )
    user.roles = [UserRole(role=role.value) for role in sorted(set(data.roles))]
    user.desks = desks
    uow.session.add(user)
    uow.session.flush()
    uow.session.refresh(user)
    audit.record(
        uow,
        or_operator(caller).event(
            "identity:user:add",
            object_kind="user",
            object_ref=user.id,
            detail={"agency": agency.code, "roles": sorted(data.roles), "desks": data.desks},
            personal={"login": user.login, "full_name": user.full_name, "email": user.email},
        ),
    )
    return user_out(user)


def check_role_fits(role: Role, kind: AgencyKind) -> None:
    if not role_fits_agency(role, kind):
        raise InvalidInput(
            lazy("The role {role} does not belong in a body of kind {kind}."),
            role=ROLE_LABELS[role],
            kind=KIND_LABELS[kind],
        )


def list_users(uow: UnitOfWork, caller: Caller, agency_code: str | None = None) -> list[UserOut]:
    """The users an administrator manages; the query and the ids returned are audited."""
    principal = guard.require(uow, caller, Action.MANAGE_USERS, "user")
    query = select(User).order_by(User.login)
    if agency_code is not None:
        agency = get_agency(uow, agency_code)
        decision = may_manage_users_of(principal, agency.id)
        guard.check(uow, caller, decision, Action.MANAGE_USERS, "agency", agency.id)
        query = query.where(User.agency_id == agency.id)
    elif principal.agency_kind is not AgencyKind.SECRETARIAT:
        query = query.where(User.agency_id == principal.agency_id)
    rows = [user_out(user) for user in uow.session.scalars(query).unique()]
    audit.record(
        uow,
        caller.event(
            "identity:user:list",
            object_kind="user",
            detail={"agency": agency_code, "ids": [row.id for row in rows]},
        ),
    )
    return rows


def profile(uow: UnitOfWork, caller: Caller, user_id: int) -> UserOut:
    """A colleague's profile; another agency's only under an open break-glass access."""
    user = uow.session.get(User, user_id)
    principal = caller.principal
    if user is None or principal is None:
        raise guard.refuse(uow, caller, Action.VIEW_USER_PROFILE.value, "user", str(user_id))
    glass = breakglass.active(uow, principal.user_id, "user", str(user_id))
    decision = may_view_profile(principal, user.agency_id, break_glass=glass is not None)
    guard.check(uow, caller, decision, Action.VIEW_USER_PROFILE, "user", user_id)
    audit.record(
        uow,
        caller.event(
            "identity:user:read",
            object_kind="user",
            object_ref=user.id,
            detail={"break_glass": glass.id if glass else None},
        ),
    )
    return user_out(user)


def disable(uow: UnitOfWork, caller: Caller | None, login: str, reason: str) -> UserOut:
    """Disables the account and, in the same transaction, ends its sessions and tokens."""
    if caller is not None:  # the role first: whether a login exists is not for everyone
        guard.require(uow, caller, Action.MANAGE_USERS, "user")
    user = find(uow, login)
    if caller is not None:
        principal = caller.principal
        decision = principal is not None and may_manage_users_of(principal, user.agency_id)
        guard.check(uow, caller, decision, Action.MANAGE_USERS, "user", user.id)
        if principal is not None and principal.user_id == user.id:
            raise InvalidInput(lazy("Ask another administrator to disable your own account."))
    if not reason.strip():
        raise InvalidInput(lazy("Give the reason for disabling the account."))
    if user.disabled_at is None:
        user.disabled_at = utcnow()
    ended = sessions.end_all_for_user(uow, user.id, "user disabled")
    revoked = tokens.revoke_all_for_user(uow, user.id)
    audit.record(
        uow,
        or_operator(caller).event(
            "identity:user:disable",
            object_kind="user",
            object_ref=user.id,
            detail={"sessions_ended": ended, "tokens_revoked": revoked},
            personal={"reason": reason.strip()},
        ),
    )
    return user_out(user)


def reset_second_factor(uow: UnitOfWork, caller: Caller | None, user: User) -> None:
    """Removes the factor; the user enrols a new one at the next sign-in. Sessions end."""
    user.totp_secret = None
    user.totp_pending = None
    sessions.end_all_for_user(uow, user.id, "second factor reset")
    audit.record(
        uow,
        or_operator(caller).event(
            "identity:user:2fa-reset", object_kind="user", object_ref=user.id
        ),
    )


def grant_role(uow: UnitOfWork, caller: Caller | None, user: User, role: Role) -> None:
    check_role_fits(role, AgencyKind(user.agency.kind))
    if role not in user.role_set:
        user.roles.append(UserRole(role=role.value))
        uow.session.flush()
    audit.record(
        uow,
        or_operator(caller).event(
            "identity:user:role-grant",
            object_kind="user",
            object_ref=user.id,
            detail={"role": role.value},
        ),
    )


def set_email(uow: UnitOfWork, caller: Caller | None, login: str, email: str | None) -> UserOut:
    """Sets the address that notifications are e-mailed to; blank or None removes it."""
    if caller is not None:  # the role first: whether a login exists is not for everyone
        guard.require(uow, caller, Action.MANAGE_USERS, "user")
    user = find(uow, login)
    if caller is not None:
        principal = caller.principal
        decision = principal is not None and may_manage_users_of(principal, user.agency_id)
        guard.check(uow, caller, decision, Action.MANAGE_USERS, "user", user.id)
    user.email = email  # checked and normalised by the model
    uow.session.flush()
    audit.record(
        uow,
        or_operator(caller).event(
            "identity:user:email",
            object_kind="user",
            object_ref=user.id,
            detail={"removed": user.email is None},
            personal={"email": user.email},
        ),
    )
    return user_out(user)
