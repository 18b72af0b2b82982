"""The council's policy table, read back role by role and relation by relation."""

from __future__ import annotations

import pytest

from interagency.council.policy import Action, allowed, may, relations, sees_council
from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import Principal

SECRETARIAT_ID, PARTY_ID, OTHER_ID = 1, 2, 3


def principal(role: Role, agency_id: int) -> Principal:
    kind = AgencyKind.SECRETARIAT if agency_id == SECRETARIAT_ID else AgencyKind.MEMBER_AGENCY
    return Principal(
        user_id=10,
        login="someone",
        full_name="Someone",
        agency_id=agency_id,
        agency_kind=kind,
        roles=frozenset({role}),
        desk_ids=frozenset(),
    )


# Written from the brief, independently of the table: (role, agency) -> actions allowed on
# an object whose concerned agency is PARTY_ID.
EXPECTED: dict[tuple[Role, int], set[Action]] = {
    (Role.SECRETARIAT, SECRETARIAT_ID): {
        Action.VIEW,
        Action.MANAGE,
        Action.ADOPT,
        Action.UPDATE_TASK,
        Action.EXPORT,
    },
    (Role.ADMINISTRATOR, SECRETARIAT_ID): set(),
    (Role.AUDITOR, SECRETARIAT_ID): set(),
    (Role.DATA_PROTECTION_OFFICER, SECRETARIAT_ID): set(),
    (Role.SUPERVISOR, PARTY_ID): {
        Action.VIEW,
        Action.COMMENT,
        Action.TAKE_POSITION,
        Action.UPDATE_TASK,
        Action.REPORT_PROGRESS,
        Action.CONTRIBUTE,
        Action.EXPORT,
    },
    (Role.LIAISON_OFFICER, PARTY_ID): {
        Action.VIEW,
        Action.COMMENT,
        Action.UPDATE_TASK,
        Action.REPORT_PROGRESS,
        Action.CONTRIBUTE,
        Action.EXPORT,
    },
    (Role.ANALYST, PARTY_ID): {Action.VIEW, Action.COMMENT, Action.CONTRIBUTE, Action.EXPORT},
    (Role.SUPERVISOR, OTHER_ID): {Action.VIEW, Action.CONTRIBUTE, Action.EXPORT},
    (Role.LIAISON_OFFICER, OTHER_ID): {Action.VIEW, Action.CONTRIBUTE, Action.EXPORT},
    (Role.ADMINISTRATOR, PARTY_ID): set(),
    (Role.AUDITOR, PARTY_ID): set(),
    (Role.DATA_PROTECTION_OFFICER, PARTY_ID): set(),
}


@pytest.mark.parametrize(("role", "agency"), list(EXPECTED))
def test_each_role_and_relation_gets_exactly_its_actions(role: Role, agency: int) -> None:
    who = principal(role, agency)
    granted = {action for action in Action if allowed(who, action, [PARTY_ID])}
    assert granted == EXPECTED[(role, agency)]


def test_restricted_distributions_reach_only_the_concerned_and_the_secretariat() -> None:
    for tlp in ("RED", "AMBER+STRICT"):
        assert may(principal(Role.SECRETARIAT, SECRETARIAT_ID), Action.VIEW, tlp, [PARTY_ID])
        assert may(principal(Role.ANALYST, PARTY_ID), Action.VIEW, tlp, [PARTY_ID])
        assert not may(principal(Role.SUPERVISOR, OTHER_ID), Action.VIEW, tlp, [PARTY_ID])
    for tlp in ("AMBER", "GREEN", "CLEAR"):
        assert may(principal(Role.SUPERVISOR, OTHER_ID), Action.VIEW, tlp, [PARTY_ID])


def test_relations_and_navigation() -> None:
    assert relations(principal(Role.ANALYST, PARTY_ID), [PARTY_ID]) == {"member", "concerned"}
    assert relations(principal(Role.SECRETARIAT, SECRETARIAT_ID), [PARTY_ID]) == {"secretariat"}
    assert sees_council(principal(Role.ANALYST, OTHER_ID))
    assert not sees_council(principal(Role.ADMINISTRATOR, SECRETARIAT_ID))
