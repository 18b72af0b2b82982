"""The fighters' access table and rules as pure functions, against expectations written
out from the issue: every action, role and relation."""

from __future__ import annotations

import itertools

import pytest

from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import Principal
from interagency.movements import policy
from interagency.movements.policy import Action, Relation

STAFF = {Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR}
# Written from the issue, not from the table: who may do what, in which relation.
EXPECTED: dict[Action, set[tuple[Role, Relation]]] = {
    Action.KEEP_PROFILE: {(r, Relation.HOLDER) for r in STAFF},
    Action.VIEW_BOARD: {(r, Relation.HOLDER) for r in STAFF | {Role.DATA_PROTECTION_OFFICER}},
    Action.SUBMIT: {(r, Relation.SUBMITTER) for r in STAFF},
    Action.VIEW_CROSSING: {(r, Relation.SUBMITTER) for r in STAFF},
    Action.TAKE_UP_ALERT: {(r, Relation.HOLDER) for r in STAFF},
    Action.PROPOSE_RELEASE: {(r, Relation.SUBMITTER) for r in STAFF},
    Action.APPROVE_RELEASE: {(Role.SUPERVISOR, Relation.SUBMITTER)},
    Action.VIEW_COUNTS: {
        (r, Relation.COUNCIL)
        for r in STAFF | {Role.DATA_PROTECTION_OFFICER, Role.SECRETARIAT, Role.AUDITOR}
    },
}


def principal(role: Role, kind: AgencyKind = AgencyKind.MEMBER_AGENCY) -> Principal:
    return Principal(1, "u", "U", 7, kind, frozenset({role}), frozenset())


@pytest.mark.parametrize(
    ("action", "role", "relation"), list(itertools.product(Action, Role, Relation))
)
def test_every_action_role_and_relation(action: Action, role: Role, relation: Relation) -> None:
    expected = (role, relation) in EXPECTED[action]
    assert policy.allowed(principal(role), action, {relation}) == expected


def test_nobody_may_act_without_a_relation() -> None:
    for action, role in itertools.product(Action, Role):
        assert not policy.allowed(principal(role), action, set())


def test_relations_follow_the_agency() -> None:
    member = principal(Role.LIAISON_OFFICER)
    assert policy.relations(member, holder_agency_id=7) == {Relation.HOLDER, Relation.COUNCIL}
    assert policy.relations(member, submitter_agency_id=7) == {
        Relation.SUBMITTER, Relation.COUNCIL
    }  # fmt: skip
    assert policy.relations(member, holder_agency_id=8, submitter_agency_id=8) == {Relation.COUNCIL}
    secretariat = principal(Role.SECRETARIAT, AgencyKind.SECRETARIAT)
    assert policy.relations(secretariat, holder_agency_id=7) == {Relation.COUNCIL}
    board = principal(Role.NEUTRALITY_REVIEWER, AgencyKind.REVIEW_BOARD)
    assert policy.relations(board, holder_agency_id=7) == set()


def test_only_a_listed_group_spares_the_review() -> None:
    assert not policy.needs_review("QDe.115")
    assert policy.needs_review(None)
    assert policy.needs_review("QDe.999")


@pytest.mark.parametrize(("count", "shown"), [(0, None), (4, None), (5, 5), (12, 12)])
def test_counts_under_five_are_not_shown(count: int, shown: int | None) -> None:
    assert policy.shown_count(count) == shown
