"""The exchange's policy table against outcomes written out from the rules of issue 4.

Every TLP x handling code x relation x role x action is checked, for each relation on its
own and for the sets of relations a real user can hold at once (with one or two roles).
"""

from __future__ import annotations

from itertools import combinations, product

import pytest

from interagency.exchange import policy
from interagency.exchange.policy import Action, Effect, Relation
from interagency.identity.models import Role
from interagency.markings import HandlingCode, Tlp
from tests.support.exchange import ORACLE_ACTIONS, expected

O_AGENCY, O_DESK, AUTHOR = (
    Relation.ORIGINATOR_AGENCY,
    Relation.ORIGINATOR_DESK,
    Relation.AUTHOR,
)
R_AGENCY, NAMED, INSPECTING = (
    Relation.RECIPIENT_AGENCY,
    Relation.NAMED_RECIPIENT,
    Relation.INSPECTING,
)
# What one user can be to one thread: nothing, someone at the originating agency (at its
# sending desk, its author, or both), or someone at a receiving agency (named or not);
# a DPO of an agency on the thread may be inspecting it as well.
ON_THREAD_PROFILES: list[frozenset[Relation]] = [
    frozenset({O_AGENCY}),
    frozenset({O_AGENCY, O_DESK}),
    frozenset({O_AGENCY, AUTHOR}),
    frozenset({O_AGENCY, O_DESK, AUTHOR}),
    frozenset({R_AGENCY}),
    frozenset({R_AGENCY, NAMED}),
]
PROFILES: list[frozenset[Relation]] = (
    [frozenset()] + ON_THREAD_PROFILES + [profile | {INSPECTING} for profile in ON_THREAD_PROFILES]
)
ROLE_SETS = [frozenset({role}) for role in Role] + [
    frozenset(pair) for pair in combinations(Role, 2)
]


def test_the_oracle_answers_for_every_action() -> None:
    assert frozenset(Action) == ORACLE_ACTIONS


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_each_relation_and_role_alone(action: Action) -> None:
    wrong = [
        (tlp.value, handling.value, relation.value, role.value, got.value, want.value)
        for tlp, handling, relation, role in product(Tlp, HandlingCode, Relation, Role)
        if (got := policy.effect_of(action, tlp, handling, [relation], [role]))
        is not (want := expected(action, tlp, handling, [relation], [role]))
    ]
    assert wrong == []


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_the_relations_and_roles_a_user_holds_together(action: Action) -> None:
    wrong = [
        (tlp.value, handling.value, sorted(rels), sorted(roles), got.value, want.value)
        for tlp, handling, rels, roles in product(Tlp, HandlingCode, PROFILES, ROLE_SETS)
        if (got := policy.effect_of(action, tlp, handling, rels, roles))
        is not (want := expected(action, tlp, handling, rels, roles))
    ]
    assert wrong == []


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_may_is_exactly_an_unconditional_allow(action: Action) -> None:
    for tlp, handling, rels, roles in product(Tlp, HandlingCode, PROFILES, ROLE_SETS):
        allowed = expected(action, tlp, handling, rels, roles) is Effect.ALLOW
        assert policy.may(action, tlp, handling, rels, roles) is allowed


def test_nothing_is_allowed_to_someone_with_no_relation_to_the_thread() -> None:
    for action, tlp, handling, role in product(Action, Tlp, HandlingCode, Role):
        assert policy.effect_of(action, tlp, handling, [], [role]) is Effect.DENY


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.NEUTRALITY_REVIEWER], ids=str)
def test_administrators_and_reviewers_get_nothing_on_any_thread(role: Role) -> None:
    everything = frozenset(Relation)
    for action, tlp, handling in product(Action, Tlp, HandlingCode):
        assert policy.effect_of(action, tlp, handling, everything, [role]) is Effect.DENY


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DATA_PROTECTION_OFFICER], ids=str)
def test_oversight_sees_metadata_and_only_an_inspecting_dpo_the_content(role: Role) -> None:
    on_thread = frozenset(Relation) - {INSPECTING}
    for tlp, handling in product(Tlp, HandlingCode):
        assert policy.may(Action.READ_METADATA, tlp, handling, on_thread, [role])
        assert not policy.may(Action.READ_CONTENT, tlp, handling, on_thread, [role])
        inspecting = policy.may(
            Action.READ_CONTENT, tlp, handling, on_thread | {INSPECTING}, [role]
        )
        assert inspecting is (role is Role.DATA_PROTECTION_OFFICER)


def test_red_is_never_exported_by_anyone() -> None:
    for handling, roles in product(HandlingCode, ROLE_SETS):
        effect = policy.effect_of(Action.EXPORT, Tlp.RED, handling, frozenset(Relation), roles)
        assert effect is Effect.DENY


def test_a_recipient_exports_h0_freely_and_anything_stricter_only_with_consent() -> None:
    recipient = [R_AGENCY, NAMED]
    analyst = [Role.ANALYST]
    for tlp in Tlp:
        if tlp is Tlp.RED:
            continue
        assert policy.effect_of(Action.EXPORT, tlp, HandlingCode.H0, recipient, analyst) is (
            Effect.ALLOW
        )
        for handling in (HandlingCode.H1, HandlingCode.H2, HandlingCode.H3):
            effect = policy.effect_of(Action.EXPORT, tlp, handling, recipient, analyst)
            assert effect is Effect.WITH_CONSENT


def test_amber_strict_and_red_allow_no_onward_request() -> None:
    for tlp, handling in product((Tlp.AMBER_STRICT, Tlp.RED), HandlingCode):
        assert not policy.may(
            Action.REQUEST_DISSEMINATION, tlp, handling, [R_AGENCY, NAMED], [Role.LIAISON_OFFICER]
        )


@pytest.mark.parametrize("action", sorted(policy.LISTING_ACTIONS), ids=str)
def test_allowed_tlps_lists_what_the_oracle_allows_whatever_the_handling(action: Action) -> None:
    for relation, roles in product(Relation, ROLE_SETS):
        for handling in HandlingCode:
            want = {
                tlp
                for tlp in Tlp
                if expected(action, tlp, handling, [relation], roles) is Effect.ALLOW
            }
            assert policy.allowed_tlps(action, relation, roles) == want


@pytest.mark.parametrize(
    "action", sorted(set(Action) - {Action.READ_METADATA, Action.READ_CONTENT}), ids=str
)
def test_allowed_tlps_refuses_actions_that_depend_on_the_handling_code(action: Action) -> None:
    with pytest.raises(ValueError, match="handling code"):
        policy.allowed_tlps(action, Relation.ORIGINATOR_AGENCY, [Role.LIAISON_OFFICER])


def test_only_workers_may_send() -> None:
    workers = {Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.SECRETARIAT}
    for role in Role:
        assert policy.may_send([role]) is (role in workers)
    assert not policy.may_send([])


def test_whoever_may_read_content_may_list_the_thread() -> None:
    # Search filters by content visibility alone and relies on this.
    for relation, role in product(Relation, Role):
        roles = frozenset({role})
        content = policy.allowed_tlps(Action.READ_CONTENT, relation, roles)
        metadata = policy.allowed_tlps(Action.READ_METADATA, relation, roles)
        assert set(content) <= set(metadata), (relation, role)
