"""Who keeps the gate's own rows (`egress.policy.PERMISSIONS`), read back role by role and
position by position against one subscription of agency OWN: asked for by user ASKER,
read by user READER, having read data of agency REACHED."""

from __future__ import annotations

import pytest

from interagency.egress.policy import (
    PERMISSIONS,
    Action,
    Subject,
    allowed,
    relations,
    takes_part,
)
from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import Principal

SECRETARIAT, OWN, REACHED, STRANGER, BOARD = 1, 2, 3, 4, 5
ASKER, READER, BYSTANDER = 20, 21, 22
SUBSCRIPTION = Subject(agency_id=OWN, asked_by=ASKER, reader=READER, reached=frozenset({REACHED}))

# Where someone stands: (agency, user).
POSITIONS: dict[str, tuple[int, int]] = {
    "secretariat": (SECRETARIAT, 11),
    "bystander": (OWN, BYSTANDER),
    "asker": (OWN, ASKER),
    "reader": (OWN, READER),
    "reached": (REACHED, 30),
    "stranger": (STRANGER, 40),
    "board": (BOARD, 50),
}
KINDS = {SECRETARIAT: AgencyKind.SECRETARIAT, BOARD: AgencyKind.REVIEW_BOARD}


def principal(role: Role, position: str) -> Principal:
    agency_id, user_id = POSITIONS[position]
    return Principal(
        user_id=user_id,
        login=f"user{user_id}",
        full_name="Someone",
        agency_id=agency_id,
        agency_kind=KINDS.get(agency_id, AgencyKind.MEMBER_AGENCY),
        roles=frozenset({role}),
        desk_ids=frozenset(),
    )


A = Action
# Written from the description of the feature, not from the table.
EVERYONE = {A.VIEW_RULES}
LISTS_PARTIES = EVERYONE | {A.LIST_THIRD_PARTIES}
READS_BASIS = LISTS_PARTIES | {A.READ_LEGAL_BASIS}
STAFF_OWN = LISTS_PARTIES | {A.ASK_SUBSCRIPTION}
SUPERVISOR_OWN = READS_BASIS | {
    A.LIST_CONSENTS, A.RECORD_CONSENT, A.WITHDRAW_CONSENT,
    A.LIST_SUBSCRIPTIONS, A.ASK_SUBSCRIPTION, A.END_SUBSCRIPTION,
}  # fmt: skip
DPO_OWN = READS_BASIS | {A.LIST_CONSENTS, A.LIST_SUBSCRIPTIONS}

EXPECTED: dict[tuple[Role, str], set[Action]] = {
    (Role.SECRETARIAT, "secretariat"): READS_BASIS
    | {A.REGISTER_THIRD_PARTY, A.WITHDRAW_THIRD_PARTY},
    (Role.SUPERVISOR, "secretariat"): READS_BASIS,
    (Role.DATA_PROTECTION_OFFICER, "secretariat"): READS_BASIS,
    (Role.ADMINISTRATOR, "secretariat"): EVERYONE,
    (Role.AUDITOR, "secretariat"): EVERYONE,
    (Role.NEUTRALITY_REVIEWER, "board"): EVERYONE,
    (Role.SUPERVISOR, "board"): READS_BASIS,
    # Only a supervisor who neither asked nor reads decides.
    (Role.SUPERVISOR, "bystander"): SUPERVISOR_OWN | {A.DECIDE_SUBSCRIPTION},
    (Role.SUPERVISOR, "asker"): SUPERVISOR_OWN,
    (Role.SUPERVISOR, "reader"): SUPERVISOR_OWN,
    (Role.SUPERVISOR, "reached"): READS_BASIS,
    (Role.SUPERVISOR, "stranger"): READS_BASIS,
    (Role.LIAISON_OFFICER, "bystander"): STAFF_OWN,
    (Role.LIAISON_OFFICER, "asker"): STAFF_OWN | {A.LIST_SUBSCRIPTIONS, A.END_SUBSCRIPTION},
    (Role.LIAISON_OFFICER, "reader"): STAFF_OWN,
    (Role.LIAISON_OFFICER, "reached"): LISTS_PARTIES,
    (Role.LIAISON_OFFICER, "stranger"): LISTS_PARTIES,
    (Role.ANALYST, "bystander"): STAFF_OWN,
    (Role.ANALYST, "asker"): STAFF_OWN | {A.LIST_SUBSCRIPTIONS, A.END_SUBSCRIPTION},
    (Role.ANALYST, "reader"): STAFF_OWN,
    (Role.ANALYST, "reached"): LISTS_PARTIES,
    (Role.ANALYST, "stranger"): LISTS_PARTIES,
    (Role.DATA_PROTECTION_OFFICER, "bystander"): DPO_OWN,
    (Role.DATA_PROTECTION_OFFICER, "asker"): DPO_OWN,
    (Role.DATA_PROTECTION_OFFICER, "reader"): DPO_OWN,
    # A DPO sees a subscription that has read their agency's data, and nothing else of it.
    (Role.DATA_PROTECTION_OFFICER, "reached"): READS_BASIS | {A.LIST_SUBSCRIPTIONS},
    (Role.DATA_PROTECTION_OFFICER, "stranger"): READS_BASIS,
    **{(role, where): EVERYONE
       for role in (Role.ADMINISTRATOR, Role.AUDITOR)
       for where in ("bystander", "asker", "reader", "reached", "stranger")},
}  # fmt: skip


@pytest.mark.parametrize(("role", "position"), list(EXPECTED))
def test_each_role_in_each_position_gets_exactly_its_actions(role: Role, position: str) -> None:
    who = principal(role, position)
    granted = {action for action in Action if allowed(who, action, SUBSCRIPTION)}
    assert granted == EXPECTED[(role, position)]


def test_every_role_and_every_action_is_judged_above() -> None:
    assert {role for role, _ in EXPECTED} == set(Role)
    assert set(PERMISSIONS) == set(Action)


def test_a_supervisor_who_asked_for_themselves_does_not_decide() -> None:
    both = Subject(agency_id=OWN, asked_by=BYSTANDER, reader=BYSTANDER)
    supervisor = principal(Role.SUPERVISOR, "bystander")
    assert not allowed(supervisor, Action.DECIDE_SUBSCRIPTION, both)
    assert allowed(supervisor, Action.END_SUBSCRIPTION, both)


def test_the_secretariat_asks_for_its_own_readers_only() -> None:
    officer = principal(Role.SECRETARIAT, "secretariat")
    assert allowed(officer, Action.ASK_SUBSCRIPTION, Subject(agency_id=SECRETARIAT))
    assert not allowed(officer, Action.ASK_SUBSCRIPTION, Subject(agency_id=OWN))


def test_a_consent_is_recorded_for_ones_own_agency_only() -> None:
    supervisor = principal(Role.SUPERVISOR, "bystander")
    assert allowed(supervisor, Action.RECORD_CONSENT, Subject(agency_id=OWN))
    assert not allowed(supervisor, Action.RECORD_CONSENT, Subject(agency_id=REACHED))
    assert not allowed(supervisor, Action.RECORD_CONSENT)


def test_relations_are_read_from_the_row() -> None:
    reader = principal(Role.ANALYST, "reader")
    assert {r.value for r in relations(reader, SUBSCRIPTION)} == {
        "signed-in", "own-agency", "reader",
    }  # fmt: skip
    officer = principal(Role.SECRETARIAT, "secretariat")
    assert {r.value for r in relations(officer)} == {"signed-in", "secretariat"}


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        (Role.ADMINISTRATOR, Action.DECIDE_SUBSCRIPTION, False),
        (Role.AUDITOR, Action.REGISTER_THIRD_PARTY, False),
        (Role.SUPERVISOR, Action.REGISTER_THIRD_PARTY, False),
        (Role.SECRETARIAT, Action.REGISTER_THIRD_PARTY, True),
        (Role.DATA_PROTECTION_OFFICER, Action.LIST_SUBSCRIPTIONS, True),
        (Role.DATA_PROTECTION_OFFICER, Action.END_SUBSCRIPTION, False),
        (Role.LIAISON_OFFICER, Action.END_SUBSCRIPTION, True),
        (Role.ANALYST, Action.LIST_CONSENTS, False),
        (Role.NEUTRALITY_REVIEWER, Action.LIST_THIRD_PARTIES, False),
    ],
)
def test_whether_a_role_takes_part_at_all(role: Role, action: Action, expected: bool) -> None:
    assert takes_part(principal(role, "bystander"), action) is expected
