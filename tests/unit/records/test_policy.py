"""The records' safeguards and access table as pure functions, against expectations
written out from the issue's rules."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

import pytest

from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import Principal
from interagency.records import policy
from interagency.records.models import Neutrality, OffenceCategory, SubjectCategory
from interagency.records.policy import Action, Relation, Safeguards

TODAY = date(2026, 11, 28)
RU, KZ, UZ = 1, 2, 3  # agencies
RU_STATE, KZ_STATE, UZ_STATE = 10, 20, 30


def facts(**changes: object) -> Safeguards:
    base = Safeguards(
        owner_agency_id=RU,
        owner_state_id=RU_STATE,
        category=SubjectCategory.SUSPECT,
        offence=OffenceCategory.TERRORISM,
        flagged=False,
        neutrality=Neutrality.NOT_REQUIRED,
        necessity_approved=False,
        review_due=date(2029, 1, 1),
        erased=False,
        hits_to_all=True,
        hit_agency_ids=frozenset(),
        refuge_from_state_id=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("created", "category", "minor", "expected"),
    [
        (date(2026, 3, 1), SubjectCategory.SUSPECT, False, date(2029, 3, 1)),
        (date(2026, 3, 1), SubjectCategory.POTENTIAL_OFFENDER, False, date(2027, 3, 1)),
        (date(2026, 3, 1), SubjectCategory.WITNESS, True, date(2027, 3, 1)),
        (date(2028, 2, 29), SubjectCategory.CONVICTED, False, date(2031, 2, 28)),
    ],
)
def test_review_dates(
    created: date, category: SubjectCategory, minor: bool, expected: date
) -> None:
    assert policy.review_due(created, category, is_minor=minor) == expected


def test_only_cleared_sensitive_and_approved_protected_records_are_matchable() -> None:
    sensitive = ["extremism", "separatism", "religious_association", "unauthorised_assembly",
                 "insult_defamation"]  # fmt: skip
    for offence in OffenceCategory:
        for state in Neutrality:
            expected = offence.value not in sensitive or state is Neutrality.CLEARED
            assert policy.matchable(facts(offence=offence, neutrality=state), TODAY) == expected
    for category in SubjectCategory:
        for approved in (False, True):
            protected = category.value in ("victim", "witness")
            record = facts(category=category, necessity_approved=approved)
            assert policy.matchable(record, TODAY) == (approved or not protected)
    assert not policy.matchable(facts(flagged=True), TODAY)
    assert policy.matchable(facts(flagged=True, neutrality=Neutrality.CLEARED), TODAY)
    assert not policy.matchable(facts(erased=True), TODAY)
    assert not policy.matchable(facts(review_due=date(2026, 11, 27)), TODAY)
    assert policy.matchable(facts(review_due=TODAY), TODAY)


def test_a_refugee_never_meets_the_state_they_fled_in_either_direction() -> None:
    refugee = facts(owner_agency_id=KZ, owner_state_id=KZ_STATE, refuge_from_state_id=UZ_STATE)
    uzbek = facts(owner_agency_id=UZ, owner_state_id=UZ_STATE)
    russian = facts(owner_agency_id=RU, owner_state_id=RU_STATE)
    assert not policy.may_pair(refugee, uzbek, TODAY)
    assert not policy.may_pair(uzbek, refugee, TODAY)
    assert policy.may_pair(refugee, russian, TODAY)
    assert policy.may_pair(russian, refugee, TODAY)


def test_the_owner_chooses_who_receives_hits_and_an_agency_never_hits_itself() -> None:
    searching = facts(owner_agency_id=KZ, owner_state_id=KZ_STATE)
    only_uz = facts(hits_to_all=False, hit_agency_ids=frozenset({UZ}))
    assert not policy.may_pair(searching, only_uz, TODAY)
    assert policy.may_pair(searching, replace(only_uz, hit_agency_ids=frozenset({KZ})), TODAY)
    assert not policy.may_pair(facts(), facts(), TODAY)


def _principal(role: Role, kind: AgencyKind = AgencyKind.MEMBER_AGENCY) -> Principal:
    return Principal(1, "x", "X", RU, kind, frozenset({role}), frozenset())


STAFF = {Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR}
# Who may do what, from the issue and the design, in words of their own.
EXPECTED: dict[Action, set[tuple[Role, Relation]]] = {
    Action.CREATE: {(r, Relation.OWNER) for r in STAFF},
    Action.VIEW: {(r, Relation.OWNER) for r in STAFF | {Role.DATA_PROTECTION_OFFICER}}
    | {(Role.NEUTRALITY_REVIEWER, Relation.UNDER_REVIEW)},
    Action.APPROVE_NECESSITY: {(Role.SUPERVISOR, Relation.OWNER)},
    Action.APPROVE_RELEASE: {(Role.SUPERVISOR, Relation.OWNER)},
    Action.REQUEST_DETAILS: {(r, Relation.SEARCHER) for r in STAFF},
    Action.DECIDE_NEUTRALITY: {(Role.NEUTRALITY_REVIEWER, Relation.UNDER_REVIEW)},
    Action.REQUEST_ERASURE: {(Role.DATA_PROTECTION_OFFICER, Relation.OWNER)},
    Action.VIEW_DUE: {(Role.DATA_PROTECTION_OFFICER, Relation.OWNER)},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_the_table_grants_exactly_what_the_rules_say(action: Action) -> None:
    for role, relation in itertools.product(Role, Relation):
        principal = _principal(role)
        granted = policy.allowed(principal, action, {relation})
        assert granted == ((role, relation) in EXPECTED[action]), (role, relation)


def test_administrators_and_auditors_never_read_a_record() -> None:
    for role in (Role.ADMINISTRATOR, Role.AUDITOR, Role.SECRETARIAT):
        assert not policy.allowed(_principal(role), Action.VIEW, set(Relation))
