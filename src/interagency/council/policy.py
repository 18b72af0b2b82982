"""Who may see and do what in the council's work: one table, deny by default, pure functions.

A permission is a role *and* a relation to the object: the secretariat manages because it
is the secretariat, a member agency's supervisor takes a position on a document because
the agency is a party to it. An action missing from the table, or a role and relation
pair not listed for it, is refused. Services ask `allowed` and pass refusals through
`identity.guard`, which audits them.

Markings narrow what the table grants: a TLP:RED or TLP:AMBER+STRICT object is seen only
by the secretariat and the agencies concerned (parties, participants, responsible
agencies); TLP:AMBER, GREEN and CLEAR by every member agency of the council.
Administrators manage users and auditors read the audit trail: neither sees content.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import Principal
from interagency.markings import Tlp


class Action(StrEnum):
    VIEW = "council:view"
    MANAGE = "council:manage"  # meetings, agendas, minutes, documents, programmes, reports
    ADOPT = "council:adopt"
    COMMENT = "council:comment"
    TAKE_POSITION = "council:position"  # approve a version or record an objection
    UPDATE_TASK = "council:task:update"
    REPORT_PROGRESS = "council:progress:report"  # status updates on a measure
    CONTRIBUTE = "council:report:contribute"  # sections of an annual report
    EXPORT = "council:export"


class Relation(StrEnum):
    SECRETARIAT = "secretariat"  # the user works for the council's secretariat
    MEMBER = "member"  # the user works for a member agency
    CONCERNED = "concerned"  # ... which is a party, participant or responsible agency


_STAFF = (Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR)
_OFFICERS = (Role.LIAISON_OFFICER, Role.SUPERVISOR)


def _grant(roles: Iterable[Role], relation: Relation) -> frozenset[tuple[Role, Relation]]:
    return frozenset((role, relation) for role in roles)


_SECRETARIAT = _grant([Role.SECRETARIAT], Relation.SECRETARIAT)

PERMISSIONS: dict[Action, frozenset[tuple[Role, Relation]]] = {
    Action.VIEW: _SECRETARIAT | _grant(_STAFF, Relation.MEMBER),
    Action.MANAGE: _SECRETARIAT,
    Action.ADOPT: _SECRETARIAT,
    Action.COMMENT: _grant(_STAFF, Relation.CONCERNED),
    # A position binds the agency: its supervisor takes it.
    Action.TAKE_POSITION: _grant([Role.SUPERVISOR], Relation.CONCERNED),
    Action.UPDATE_TASK: _SECRETARIAT | _grant(_OFFICERS, Relation.CONCERNED),
    Action.REPORT_PROGRESS: _grant(_OFFICERS, Relation.CONCERNED),
    Action.CONTRIBUTE: _grant(_STAFF, Relation.MEMBER),
    Action.EXPORT: _SECRETARIAT | _grant(_STAFF, Relation.MEMBER),
}

# Distributions that reach only the agencies concerned (and the secretariat that keeps them).
RESTRICTED_TLP = frozenset({Tlp.RED, Tlp.AMBER_STRICT})


def relations(principal: Principal, concerned: Iterable[int] = ()) -> frozenset[Relation]:
    """The principal's relations to an object whose concerned agencies are `concerned`."""
    found: set[Relation] = set()
    if principal.agency_kind is AgencyKind.SECRETARIAT:
        found.add(Relation.SECRETARIAT)
    elif principal.agency_kind is AgencyKind.MEMBER_AGENCY:
        found.add(Relation.MEMBER)
        if principal.agency_id in set(concerned):
            found.add(Relation.CONCERNED)
    return frozenset(found)


def allowed(principal: Principal, action: Action, concerned: Iterable[int] = ()) -> bool:
    """True when one of the principal's roles, in one of their relations, is listed."""
    granted = PERMISSIONS.get(action, frozenset())
    mine = relations(principal, concerned)
    return any((role, relation) in granted for role in principal.roles for relation in mine)


def marking_admits(principal: Principal, tlp: str, concerned: Iterable[int]) -> bool:
    """Whether the object's distribution reaches the principal at all."""
    if Tlp(tlp) not in RESTRICTED_TLP:
        return True
    mine = relations(principal, concerned)
    return Relation.SECRETARIAT in mine or Relation.CONCERNED in mine


def may(principal: Principal, action: Action, tlp: str, concerned: Iterable[int] = ()) -> bool:
    """The whole decision for one object: the table, then the marking."""
    agencies = frozenset(concerned)
    return allowed(principal, action, agencies) and marking_admits(principal, tlp, agencies)


def sees_council(principal: Principal) -> bool:
    """Whether the council's pages are open to the principal at all (navigation)."""
    return allowed(principal, Action.VIEW) or allowed(principal, Action.VIEW, [principal.agency_id])
