"""User accounts: asking for them, the first supervisor, listing, profiles, disabling,
and listing people in the directory.

`caller` None means the operator's command line on the server itself. The operator may
propose accounts and bootstrap an agency's first supervisor, never open content: every
account that reaches content is approved by a supervisor of its agency (`approvals`).
"""

from __future__ import annotations

from sqlalchemy import or_, select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity import (
    approvals,
    breakglass,
    enrolment,
    guard,
    notifications,
    sessions,
    tokens,
)
from interagency.identity.directory import get_agency
from interagency.identity.models import (
    AccountKind,
    Agency,
    AgencyKind,
    ApprovalRequest,
    ApprovalStatus,
    Desk,
    Role,
    User,
    UserRole,
)
from interagency.identity.policy import (
    Action,
    Change,
    may_ask,
    may_disable_accounts_of,
    may_list_in_directory,
    may_see_accounts_of,
    may_view_profile,
    sees_every_agencys_accounts,
)
from interagency.identity.principals import Caller, or_operator
from interagency.identity.schemas import AccountIn, UserIn, UserOut


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.public_id,
        login=user.login,
        full_name=user.full_name,
        agency=user.agency.code,
        personnel_number=user.personnel_number,
        service=user.is_service,
        pending=user.pending and user.disabled_at is None,
        refused=user.refused,
        desks=[desk.code for desk in user.desks],
        roles=sorted(user.role_set),
        second_factor=user.totp_secret is not None,
        disabled_at=None if user.pending else user.disabled_at,
        email=user.email,
        listed_in_directory=user.listed_in_directory,
    )


def find(uow: UnitOfWork, login: str) -> User:
    user = uow.session.scalar(select(User).where(User.login == login.strip().lower()))
    if user is None:
        raise NotFound(lazy("No user has the login {login}."), login=login)
    return user


def ask_for_account(
    uow: UnitOfWork, caller: Caller | None, data: AccountIn, reason: str
) -> ApprovalRequest:
    """Records a pending account and the request to open it. The account has no password,
    role or desk until a supervisor of its agency approves; its user then sets the
    password and second factor through an enrolment link."""
    if caller is not None:  # the role first: which agencies and logins exist is not for all
        guard.require(caller, Action.ASK_ACCOUNT_CHANGE, "agency", data.agency)
    agency = get_agency(uow, data.agency)
    change = Change.NEW_SERVICE_ACCOUNT if data.service else Change.NEW_ACCOUNT
    principal = caller.principal if caller else None
    if not may_ask(principal, change, agency.id, AgencyKind(agency.kind)):
        raise guard.refuse(
            or_operator(caller), Action.ASK_ACCOUNT_CHANGE.value, "agency", agency.id
        )
    approvals.check_roles(list(data.roles), AgencyKind(agency.kind), service=data.service)
    user = _new_account(uow, agency, data, pending=True)
    payload = {"roles": [r.value for r in data.roles], "desks": data.desks, "email": data.email}
    return approvals.ask(uow, caller, change, user, payload, reason)


def add_first_supervisor(uow: UnitOfWork, data: AccountIn) -> tuple[UserOut, str]:
    """The operator's bootstrap of an agency: its first supervisor, who then approves every
    other account. Refused while the agency has an enabled supervisor. Returns the account
    and the path of its enrolment link (to hand to the person; shown once)."""
    agency = get_agency(uow, data.agency)
    if data.service:
        raise InvalidInput(lazy("A supervisor is a person, not a service account."))
    if notifications.holders_of(uow, Role.SUPERVISOR, [agency.id]):
        raise Conflict(
            lazy(
                "{agency} has a supervisor already: new accounts are asked for on the "
                "platform and approved by that supervisor."
            ),
            agency=agency.code,
        )
    roles = sorted({Role.SUPERVISOR, *data.roles})
    approvals.check_roles(roles, AgencyKind(agency.kind), service=False)
    user = _new_account(uow, agency, data, pending=False)
    user.roles = [UserRole(role=role.value) for role in roles]
    user.desks = _desks(uow, agency, data.desks)
    user.email = data.email
    uow.session.flush()
    operator = or_operator(None)
    row = ApprovalRequest(
        action=Change.FIRST_SUPERVISOR.value,
        status=ApprovalStatus.APPROVED.value,
        requested_by_id=None,
        agency_id=agency.id,
        target_user_id=user.id,
        payload={"roles": [r.value for r in roles], "desks": data.desks, "email": data.email},
        reason=f"installation by {operator.label}",
        decided_at=utcnow(),
    )
    row.digest = approvals.digest_of(Change.FIRST_SUPERVISOR, user, row.payload)
    uow.session.add(row)
    uow.session.flush()
    link = enrolment.issue(uow, user, row.id)
    audit.record(
        uow,
        operator.event(
            "identity:user:first-supervisor",
            object_kind="user",
            object_ref=user.id,
            detail={"agency": agency.code, "approval": row.id, "link": link.link.id},
            personal={"login": user.login, "full_name": user.full_name},
            owner_agency_id=agency.id,
        ),
    )
    # Shown to the agency's supervisors (the new one too) and DPO at their next sign-in.
    params = {"id": row.public_id, "change": row.action, "login": user.login, "status": row.status}
    watchers = notifications.holders_of(uow, Role.DATA_PROTECTION_OFFICER, [agency.id])
    notifications.notify(
        uow, [*watchers, user.id], "accounts:first-supervisor", params, "/accounts/changes"
    )
    return user_out(user), link.path


def load_account(uow: UnitOfWork, data: UserIn, *, password_hash: str) -> UserOut:
    """An account made whole by a loader running inside the installation (the demo, whose
    published password `password_hash` is the hash of). Never reachable from a request or
    the command line: there, accounts are asked for and approved."""
    agency = get_agency(uow, data.agency)
    approvals.check_roles(list(data.roles), AgencyKind(agency.kind), service=data.service)
    user = _new_account(uow, agency, data, pending=False)
    if not data.service:
        user.password_hash = password_hash
        user.listed_in_directory = data.listed_in_directory
    user.roles = [UserRole(role=role.value) for role in sorted(set(data.roles))]
    user.desks = _desks(uow, agency, data.desks)
    user.email = data.email
    uow.session.flush()
    audit.record(
        uow,
        or_operator(None).event(
            "identity:user:load",
            object_kind="user",
            object_ref=user.id,
            detail={
                "agency": agency.code,
                "roles": sorted(data.roles),
                "desks": data.desks,
                "listed": user.listed_in_directory,
            },
            personal={"login": user.login, "full_name": user.full_name, "email": user.email},
            owner_agency_id=agency.id,
        ),
    )
    return user_out(user)


def _new_account(uow: UnitOfWork, agency: Agency, data: AccountIn, *, pending: bool) -> User:
    """The account row, after the checks every way in shares: a free login, one account
    per person and agency, desks of the agency."""
    if uow.session.scalar(select(User.id).where(User.login == data.login)) is not None:
        raise Conflict(lazy("The login {login} is taken."), login=data.login)
    if data.personnel_number is not None:
        holder = uow.session.scalar(
            select(User.login).where(
                User.agency_id == agency.id,
                User.personnel_number == data.personnel_number,
                or_(User.pending.is_(False), User.disabled_at.is_(None)),
            )
        )
        if holder is not None:
            raise Conflict(
                lazy(
                    "{agency} has an account for personnel number {number} already ({login}): "
                    "one person has one account per agency. Ask for a role or a desk on it."
                ),
                agency=agency.code,
                number=data.personnel_number,
                login=holder,
            )
    _desks(uow, agency, data.desks)
    user = User(
        login=data.login,
        full_name=data.full_name.strip(),
        agency_id=agency.id,
        kind=(AccountKind.SERVICE if data.service else AccountKind.PERSON).value,
        personnel_number=data.personnel_number,
        pending=pending,
    )
    uow.session.add(user)
    uow.session.flush()
    uow.session.refresh(user)
    return user


def _desks(uow: UnitOfWork, agency: Agency, codes: list[str]) -> list[Desk]:
    desks = list(
        uow.session.scalars(select(Desk).where(Desk.agency_id == agency.id, Desk.code.in_(codes)))
    )
    missing = sorted(set(codes) - {desk.code for desk in desks})
    if missing:
        raise InvalidInput(
            lazy("The agency {agency} has no desk {codes}."),
            for_field="desks",
            agency=agency.code,
            codes=", ".join(missing),
        )
    return desks


def list_users(uow: UnitOfWork, caller: Caller, agency_code: str | None = None) -> list[UserOut]:
    """The users an administrator manages; the query and the ids returned are audited."""
    principal = guard.require(caller, Action.MANAGE_USERS, "user")
    query = select(User).order_by(User.login)
    if agency_code is not None:
        agency = get_agency(uow, agency_code)
        decision = may_see_accounts_of(principal, agency.id)
        guard.check(caller, decision, Action.MANAGE_USERS, "agency", agency.id)
        query = query.where(User.agency_id == agency.id)
    elif not sees_every_agencys_accounts(principal):
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
        raise guard.refuse(caller, Action.VIEW_USER_PROFILE.value, "user", str(user_id))
    glass = breakglass.active(uow, principal.user_id, "user", user.public_id)
    decision = may_view_profile(principal, user.agency_id, break_glass=glass is not None)
    guard.check(caller, decision, Action.VIEW_USER_PROFILE, "user", user_id)
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
    user = _to_reduce(uow, caller, login, reason)
    if caller is not None and caller.principal is not None and caller.principal.user_id == user.id:
        raise InvalidInput(lazy("Ask another administrator to disable your own account."))
    if user.disabled_at is None:
        user.disabled_at = utcnow()
    ended = sessions.end_all_for_user(uow, user.id, "user disabled")
    revoked = tokens.revoke_all_for_user(uow, user.id)
    _tell_agency(uow, user, "accounts:disabled", {})
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


def take_away(
    uow: UnitOfWork,
    caller: Caller | None,
    login: str,
    reason: str,
    *,
    role: Role | None = None,
    desk: str | None = None,
) -> UserOut:
    """Takes a role or a desk away at once. Like disabling, it only takes access away, so
    it needs nobody's approval; the agency's supervisors and DPO are told. Every request
    reads the principal afresh, so the access ends with this transaction."""
    user = _to_reduce(uow, caller, login, reason)
    if role is not None:
        if role not in user.role_set:
            raise Conflict(lazy("The user does not have this role."))
        user.roles = [held for held in user.roles if held.role != role.value]
    if desk is not None:
        kept = [held for held in user.desks if held.code != desk.strip().upper()]
        if len(kept) == len(user.desks):
            raise Conflict(lazy("The user does not work at this desk."))
        user.desks = kept
    uow.session.flush()
    taken: dict[str, object] = {
        "role": role.value if role else None,
        "desk": desk.strip().upper() if desk else None,
    }
    _tell_agency(uow, user, "accounts:taken-away", taken)
    audit.record(
        uow,
        or_operator(caller).event(
            "identity:user:take-away",
            object_kind="user",
            object_ref=user.id,
            detail=taken,
            personal={"reason": reason.strip()},
        ),
    )
    return user_out(user)


def set_listing(uow: UnitOfWork, caller: Caller, login: str, *, listed: bool) -> UserOut:
    """Lists a person in the directory, so that other agencies may address them by name,
    or takes them off. It exposes a name and grants no access: the agency's own
    administrators and supervisors do it at once, nobody approves it, and it is audited.
    A disabled account keeps its listing, but is neither offered nor addressed."""
    guard.require(caller, Action.LIST_IN_DIRECTORY, "user")
    # Another agency's account is answered as a login nobody has.
    user = approvals.visible_account(uow, caller, login, Action.LIST_IN_DIRECTORY)
    principal = caller.principal
    decision = principal is not None and may_list_in_directory(principal, user.agency_id)
    guard.check(caller, decision, Action.LIST_IN_DIRECTORY, "user", user.id)
    if listed and user.is_service:
        raise InvalidInput(lazy("A service account is never listed in the directory."))
    was = user.listed_in_directory
    user.listed_in_directory = listed
    uow.session.flush()
    audit.record(
        uow,
        caller.event(
            "identity:user:directory-listing",
            object_kind="user",
            object_ref=user.id,
            detail={"listed": listed, "was": was},
        ),
    )
    return user_out(user)


def _to_reduce(uow: UnitOfWork, caller: Caller | None, login: str, reason: str) -> User:
    """The account whose access is to be reduced, if the caller may reduce it."""
    if caller is not None:  # the role first: whether a login exists is not for everyone
        guard.require(caller, Action.MANAGE_USERS, "user")
    user = approvals.visible_account(uow, caller, login, Action.MANAGE_USERS)
    if caller is not None:
        principal = caller.principal
        kind = AgencyKind(user.agency.kind)
        decision = principal is not None and may_disable_accounts_of(
            principal, user.agency_id, kind
        )
        guard.check(caller, decision, Action.MANAGE_USERS, "user", user.id)
    if not reason.strip():
        raise InvalidInput(lazy("Give the reason for taking the access away."), for_field="reason")
    return user


def _tell_agency(uow: UnitOfWork, user: User, kind: str, params: dict[str, object]) -> None:
    watchers = notifications.holders_of(uow, Role.SUPERVISOR, [user.agency_id])
    watchers += notifications.holders_of(uow, Role.DATA_PROTECTION_OFFICER, [user.agency_id])
    notifications.notify(uow, watchers, kind, {"login": user.login, **params}, "/admin/users")
