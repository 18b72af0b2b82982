"""Who may do what in the identity feature: one table, deny by default, pure functions.

The table is data: an action that is not in it, or a role not listed for it, is refused.
Scope rules (own agency, council bodies, break-glass) are small functions beside it.
Services call these functions and audit every refusal; nothing else decides access.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from interagency.identity.models import AgencyKind, Role


class Action(StrEnum):
    VIEW_DIRECTORY = "directory:view"
    VIEW_OWN_ACCOUNT = "account:view"
    MANAGE_OWN_TOKENS = "tokens:manage-own"
    VIEW_USER_PROFILE = "users:profile:view"
    MANAGE_AGENCIES = "agencies:manage"
    MANAGE_USERS = "users:manage"
    REQUEST_ROLE_ELEVATION = "users:roles:request"
    APPROVE_ROLE_ELEVATION = "users:roles:approve"
    REQUEST_2FA_RESET = "users:2fa-reset:request"
    APPROVE_2FA_RESET = "users:2fa-reset:approve"
    OPEN_BREAK_GLASS = "break-glass:open"
    REVIEW_BREAK_GLASS = "break-glass:review"
    VIEW_AUDIT = "audit:view"
    EXPORT_AUDIT = "audit:export"
    VIEW_REVIEW_QUEUE = "neutrality:queue:view"


_EVERYONE = frozenset(Role)
# Reviewers see only what is submitted to them: not even the directory of other agencies.
_AGENCY_STAFF = _EVERYONE - {Role.NEUTRALITY_REVIEWER}

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_DIRECTORY: _AGENCY_STAFF,
    Action.VIEW_OWN_ACCOUNT: _EVERYONE,
    Action.MANAGE_OWN_TOKENS: _AGENCY_STAFF,
    # A colleague's profile: those who lead, administer or protect the agency's staff.
    Action.VIEW_USER_PROFILE: frozenset(
        {Role.SUPERVISOR, Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER}
    ),
    Action.MANAGE_AGENCIES: frozenset({Role.ADMINISTRATOR}),
    Action.MANAGE_USERS: frozenset({Role.ADMINISTRATOR}),
    Action.REQUEST_ROLE_ELEVATION: frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR}),
    Action.APPROVE_ROLE_ELEVATION: frozenset({Role.ADMINISTRATOR}),
    Action.REQUEST_2FA_RESET: frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR}),
    Action.APPROVE_2FA_RESET: frozenset({Role.ADMINISTRATOR}),
    Action.OPEN_BREAK_GLASS: frozenset({Role.SUPERVISOR}),
    Action.REVIEW_BREAK_GLASS: frozenset({Role.DATA_PROTECTION_OFFICER}),
    Action.VIEW_AUDIT: frozenset({Role.AUDITOR, Role.DATA_PROTECTION_OFFICER}),
    Action.EXPORT_AUDIT: frozenset({Role.AUDITOR}),
    Action.VIEW_REVIEW_QUEUE: frozenset({Role.NEUTRALITY_REVIEWER}),
}

# Roles that give power over others: granted to an existing user only by four-eyes approval,
# and never given directly from the web (only the operator's command line may seed them).
PRIVILEGED_ROLES = frozenset(
    {
        Role.SUPERVISOR,
        Role.SECRETARIAT,
        Role.NEUTRALITY_REVIEWER,
        Role.DATA_PROTECTION_OFFICER,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    }
)

# A role's home: the secretariat role lives in the secretariat, reviewers on the review
# board; every other role belongs to a member agency.
ROLE_HOME: dict[Role, AgencyKind] = {
    Role.SECRETARIAT: AgencyKind.SECRETARIAT,
    Role.NEUTRALITY_REVIEWER: AgencyKind.REVIEW_BOARD,
}
# The council's bodies also need their own administrators, auditors and DPOs.
COUNCIL_BODY_ROLES = frozenset({Role.ADMINISTRATOR, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER})


@dataclass(frozen=True)
class Principal:
    """The signed-in user as the policy sees them: identity, tenancy and roles."""

    user_id: int
    login: str
    full_name: str
    agency_id: int
    agency_kind: AgencyKind
    roles: frozenset[Role]
    desk_ids: frozenset[int]
    must_change_password: bool = False

    @property
    def serves_the_council(self) -> bool:
        return self.agency_kind is not AgencyKind.MEMBER_AGENCY


def allowed(principal: Principal, action: Action) -> bool:
    """True when one of the principal's roles is listed for the action; otherwise False."""
    permitted = PERMISSIONS.get(action, frozenset())
    return not permitted.isdisjoint(principal.roles)


def role_fits_agency(role: Role, kind: AgencyKind) -> bool:
    home = ROLE_HOME.get(role)
    if home is not None:
        return home is kind
    if kind is AgencyKind.MEMBER_AGENCY:
        return True
    if kind is AgencyKind.REVIEW_BOARD:
        return False  # the board holds reviewers only: nobody there administers agencies
    return role in COUNCIL_BODY_ROLES


def may_manage_users_of(principal: Principal, agency_id: int) -> bool:
    """Administrators manage their own agency; the secretariat's administrators, all."""
    if not allowed(principal, Action.MANAGE_USERS):
        return False
    return principal.agency_kind is AgencyKind.SECRETARIAT or principal.agency_id == agency_id


def may_manage_agencies(principal: Principal) -> bool:
    """Only the secretariat's administrators add agencies: the council admits its members."""
    return (
        allowed(principal, Action.MANAGE_AGENCIES)
        and principal.agency_kind is AgencyKind.SECRETARIAT
    )


def may_view_profile(principal: Principal, agency_id: int, *, break_glass: bool) -> bool:
    """A colleague's profile within one's agency, or of anyone one administers; any other
    agency's only under break-glass."""
    if principal.agency_id == agency_id:
        return allowed(principal, Action.VIEW_USER_PROFILE)
    return break_glass or may_manage_users_of(principal, agency_id)


def may_approve(
    principal: Principal, action: Action, requested_by: int, target: int | None
) -> bool:
    """Four eyes: never the requester, never the person the request is about."""
    return allowed(principal, action) and principal.user_id not in (requested_by, target)


def audit_scope(principal: Principal) -> int | None:
    """The agency whose audit entries the principal may read; None means all of them.

    An agency's auditors and DPOs see their own agency; the council bodies' see all.
    """
    return None if principal.serves_the_council else principal.agency_id
