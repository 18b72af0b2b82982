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
    LIST_IN_DIRECTORY = "users:directory:list"
    # Accounts: asking for a change, deciding one, and seeing an agency's changes. Which
    # agency's accounts each may touch is the approval table's business (below).
    ASK_ACCOUNT_CHANGE = "accounts:change:ask"
    DECIDE_ACCOUNT_CHANGE = "accounts:change:decide"
    VIEW_ACCOUNT_CHANGES = "accounts:changes:view"
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
    # Listing and disabling accounts: disabling only ever takes access away.
    Action.MANAGE_USERS: frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR}),
    # Listing a user in the directory (or taking them off): see `may_list_in_directory`.
    Action.LIST_IN_DIRECTORY: frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR}),
    Action.ASK_ACCOUNT_CHANGE: frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR}),
    Action.DECIDE_ACCOUNT_CHANGE: frozenset({Role.SUPERVISOR}),
    # The agency sees its accounts change: those who lead, protect and administer it.
    Action.VIEW_ACCOUNT_CHANGES: frozenset(
        {Role.SUPERVISOR, Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR}
    ),
    Action.OPEN_BREAK_GLASS: frozenset({Role.SUPERVISOR}),
    Action.REVIEW_BREAK_GLASS: frozenset({Role.DATA_PROTECTION_OFFICER}),
    Action.VIEW_AUDIT: frozenset({Role.AUDITOR, Role.DATA_PROTECTION_OFFICER}),
    Action.EXPORT_AUDIT: frozenset({Role.AUDITOR}),
    Action.VIEW_REVIEW_QUEUE: frozenset({Role.NEUTRALITY_REVIEWER}),
}

# A role's home: the secretariat role lives in the secretariat, reviewers on the review
# board; every other role belongs to a member agency.
ROLE_HOME: dict[Role, AgencyKind] = {
    Role.SECRETARIAT: AgencyKind.SECRETARIAT,
    Role.NEUTRALITY_REVIEWER: AgencyKind.REVIEW_BOARD,
}
# The council's bodies also need their own administrators, auditors and DPOs, and a head
# (a supervisor) who approves their accounts as a member agency's supervisor does.
COUNCIL_BODY_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER, Role.SUPERVISOR}
)
# The review board holds its reviewers and the head who approves their accounts.
REVIEW_BOARD_ROLES = frozenset({Role.NEUTRALITY_REVIEWER, Role.SUPERVISOR})


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
    # False for a service account: a system acting with a token, never a person who
    # checked something.
    person: bool = True

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
        # Nobody on the board administers agencies or reads their audit.
        return role in REVIEW_BOARD_ROLES
    return role in COUNCIL_BODY_ROLES


def may_see_accounts_of(principal: Principal, agency_id: int) -> bool:
    """An agency's administrators and supervisors list its accounts; the secretariat's
    administrators list every agency's, because they propose changes to them."""
    if not allowed(principal, Action.MANAGE_USERS):
        return False
    return principal.agency_id == agency_id or sees_every_agencys_accounts(principal)


def sees_every_agencys_accounts(principal: Principal) -> bool:
    return _secretariat_administrator(principal)


def may_disable_accounts_of(principal: Principal, agency_id: int, agency_kind: AgencyKind) -> bool:
    """Disabling only takes access away, so an agency's administrators and supervisors do
    it at once; the secretariat's administrators for the council's bodies only."""
    if not allowed(principal, Action.MANAGE_USERS):
        return False
    if principal.agency_id == agency_id:
        return True
    return agency_kind is not AgencyKind.MEMBER_AGENCY and _secretariat_administrator(principal)


def may_list_in_directory(principal: Principal, agency_id: int) -> bool:
    """Whether other agencies may address a user by name is the user's own agency's
    decision: its administrators and supervisors list them or take them off, at once (it
    exposes a name and grants no access, so nobody approves it). Nobody outside the agency
    does, not even the secretariat: a name another agency may not know stays unknown."""
    return allowed(principal, Action.LIST_IN_DIRECTORY) and principal.agency_id == agency_id


def _secretariat_administrator(principal: Principal) -> bool:
    return principal.agency_kind is AgencyKind.SECRETARIAT and Role.ADMINISTRATOR in principal.roles


def may_manage_agencies(principal: Principal) -> bool:
    """Only the secretariat's administrators add agencies: the council admits its members."""
    return (
        allowed(principal, Action.MANAGE_AGENCIES)
        and principal.agency_kind is AgencyKind.SECRETARIAT
    )


def may_view_profile(principal: Principal, agency_id: int, *, break_glass: bool) -> bool:
    """A colleague's profile within one's agency, or of anyone whose accounts one lists;
    any other agency's only under break-glass."""
    if principal.agency_id == agency_id:
        return allowed(principal, Action.VIEW_USER_PROFILE)
    return break_glass or may_see_accounts_of(principal, agency_id)


# --- the approval table ------------------------------------------------------------------


class Change(StrEnum):
    """A change to an account that opens a path to content, so its agency must approve."""

    NEW_ACCOUNT = "account-new"
    NEW_SERVICE_ACCOUNT = "service-account-new"
    ROLE = "role-grant"
    DESK = "desk-add"
    EMAIL = "email-change"
    # Password and second factor both: the user sets them again through an enrolment link.
    RESET = "credentials-reset"
    REENABLE = "account-re-enable"
    SERVICE_TOKEN = "service-token"  # noqa: S105  (a kind of change, not a secret)
    # The operator's bootstrap: recorded like a change, decided by nobody.
    FIRST_SUPERVISOR = "first-supervisor"


class Party(StrEnum):
    """Who someone is to the agency whose account changes."""

    OWN_ADMINISTRATOR = "own-administrator"
    OWN_SUPERVISOR = "own-supervisor"
    SECRETARIAT_ADMINISTRATOR = "secretariat-administrator"
    # The operator at the server's command line.
    OPERATOR = "operator"


@dataclass(frozen=True)
class ApprovalRule:
    may_ask: frozenset[Party]
    may_approve: frozenset[Party]
    why: str


_OWN = frozenset({Party.OWN_ADMINISTRATOR, Party.OWN_SUPERVISOR})
_SUPERVISOR = frozenset({Party.OWN_SUPERVISOR})
_NOBODY: frozenset[Party] = frozenset()

_MEMBER_ASKS = ApprovalRule(
    _OWN | {Party.SECRETARIAT_ADMINISTRATOR},
    _SUPERVISOR,
    "The agency's supervisor alone opens its content; the secretariat may only propose.",
)
_MEMBER_ASKS_WITH_OPERATOR = ApprovalRule(
    _MEMBER_ASKS.may_ask | {Party.OPERATOR},
    _SUPERVISOR,
    "The operator may propose a new account (how a new agency gets its administrator); "
    "only the agency's supervisor lets it in.",
)
_OWN_ASKS = ApprovalRule(
    _OWN,
    _SUPERVISOR,
    "A credential for a system is the agency's own business: nobody outside proposes it.",
)
_COUNCIL_ASKS = ApprovalRule(
    frozenset({Party.OWN_ADMINISTRATOR, Party.OWN_SUPERVISOR, Party.SECRETARIAT_ADMINISTRATOR}),
    _SUPERVISOR,
    "The secretariat's administrators manage the council's bodies; each body's head approves.",
)
_COUNCIL_ASKS_WITH_OPERATOR = ApprovalRule(
    _COUNCIL_ASKS.may_ask | {Party.OPERATOR}, _SUPERVISOR, _MEMBER_ASKS_WITH_OPERATOR.why
)
_BOOTSTRAP = ApprovalRule(
    frozenset({Party.OPERATOR}),
    _NOBODY,
    "Only at installation, while the agency has no supervisor; audited and shown to the "
    "agency's supervisors and DPO.",
)


def _rules_for(kind: AgencyKind) -> dict[Change, ApprovalRule]:
    member = kind is AgencyKind.MEMBER_AGENCY
    asks = _MEMBER_ASKS if member else _COUNCIL_ASKS
    with_operator = _MEMBER_ASKS_WITH_OPERATOR if member else _COUNCIL_ASKS_WITH_OPERATOR
    return {
        Change.NEW_ACCOUNT: with_operator,
        Change.NEW_SERVICE_ACCOUNT: asks,
        Change.ROLE: asks,
        Change.DESK: asks,
        Change.EMAIL: asks,
        Change.RESET: with_operator,
        Change.REENABLE: asks,
        Change.SERVICE_TOKEN: _OWN_ASKS,
        Change.FIRST_SUPERVISOR: _BOOTSTRAP,
    }


# Who may ask for and who must approve each change, per kind of agency. A change is
# never approved by its asker or by the person it is about (`may_decide`), and never by
# an administrator: administrators run accounts, they do not open content.
APPROVAL_TABLE: dict[tuple[AgencyKind, Change], ApprovalRule] = {
    (kind, change): rule for kind in AgencyKind for change, rule in _rules_for(kind).items()
}


def parties(principal: Principal | None, agency_id: int) -> frozenset[Party]:
    """What the principal is to the agency with this id (None is the operator)."""
    if principal is None:
        return frozenset({Party.OPERATOR})
    found: set[Party] = set()
    if principal.agency_id == agency_id:
        if Role.ADMINISTRATOR in principal.roles:
            found.add(Party.OWN_ADMINISTRATOR)
        if Role.SUPERVISOR in principal.roles:
            found.add(Party.OWN_SUPERVISOR)
    elif _secretariat_administrator(principal):
        found.add(Party.SECRETARIAT_ADMINISTRATOR)
    return frozenset(found)


def may_ask(
    principal: Principal | None, change: Change, agency_id: int, agency_kind: AgencyKind
) -> bool:
    rule = APPROVAL_TABLE[(agency_kind, change)]
    return not rule.may_ask.isdisjoint(parties(principal, agency_id))


def may_decide(
    principal: Principal,
    change: Change,
    agency_id: int,
    agency_kind: AgencyKind,
    *,
    requested_by: int | None,
    target: int | None,
) -> bool:
    """Four eyes: a party the table names, never the asker, never the account concerned."""
    rule = APPROVAL_TABLE[(agency_kind, change)]
    if rule.may_approve.isdisjoint(parties(principal, agency_id)):
        return False
    return principal.user_id not in (requested_by, target)


def audit_scope(principal: Principal) -> int | None:
    """The agency whose audit entries the principal may read; None means all of them.

    An agency's auditors and DPOs see their own agency; the council bodies' see all.
    """
    return None if principal.serves_the_council else principal.agency_id
