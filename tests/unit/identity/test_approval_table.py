"""The approval table against the issue's rules, written out here by hand.

Who may ask for each change to an account and who must approve it, for each kind of
agency. The text below is the specification: it is not derived from `APPROVAL_TABLE`, so
a change to the table fails here until someone changes both on purpose. Then every kind
of principal is tried against every change, for the rules no table lists: never the
asker, never the person concerned, never an administrator, never another agency.
"""

from __future__ import annotations

import itertools

import pytest

from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import (
    APPROVAL_TABLE,
    Change,
    Party,
    Principal,
    may_ask,
    may_decide,
    parties,
)

PARTY_OF = {
    "OA": Party.OWN_ADMINISTRATOR,
    "OS": Party.OWN_SUPERVISOR,
    "SA": Party.SECRETARIAT_ADMINISTRATOR,
    "OP": Party.OPERATOR,
}
KIND_OF = {
    "member": AgencyKind.MEMBER_AGENCY,
    "secretariat": AgencyKind.SECRETARIAT,
    "board": AgencyKind.REVIEW_BOARD,
}
# kind         change                 may ask        must approve
EXPECTED = """
member       account-new            OA,OS,SA,OP    OS
member       service-account-new    OA,OS,SA       OS
member       role-grant             OA,OS,SA       OS
member       desk-add               OA,OS,SA       OS
member       email-change           OA,OS,SA       OS
member       credentials-reset      OA,OS,SA,OP    OS
member       account-re-enable      OA,OS,SA       OS
member       service-token          OA,OS          OS
member       first-supervisor       OP             -
secretariat  account-new            OA,OS,SA,OP    OS
secretariat  service-account-new    OA,OS,SA       OS
secretariat  role-grant             OA,OS,SA       OS
secretariat  desk-add               OA,OS,SA       OS
secretariat  email-change           OA,OS,SA       OS
secretariat  credentials-reset      OA,OS,SA,OP    OS
secretariat  account-re-enable      OA,OS,SA       OS
secretariat  service-token          OA,OS          OS
secretariat  first-supervisor       OP             -
board        account-new            OA,OS,SA,OP    OS
board        service-account-new    OA,OS,SA       OS
board        role-grant             OA,OS,SA       OS
board        desk-add               OA,OS,SA       OS
board        email-change           OA,OS,SA       OS
board        credentials-reset      OA,OS,SA,OP    OS
board        account-re-enable      OA,OS,SA       OS
board        service-token          OA,OS          OS
board        first-supervisor       OP             -
"""


def _parties(text: str) -> frozenset[Party]:
    return frozenset() if text == "-" else frozenset(PARTY_OF[p] for p in text.split(","))


def expected_table() -> dict[tuple[AgencyKind, Change], tuple[frozenset[Party], frozenset[Party]]]:
    table = {}
    for line in filter(None, EXPECTED.strip().splitlines()):
        kind, change, asks, approves = line.split()
        table[(KIND_OF[kind], Change(change))] = (_parties(asks), _parties(approves))
    return table


def test_the_table_lists_every_change_for_every_kind_of_agency() -> None:
    assert set(expected_table()) == set(itertools.product(AgencyKind, Change))
    assert set(APPROVAL_TABLE) == set(expected_table())


@pytest.mark.parametrize(("kind", "change"), sorted(expected_table(), key=str))
def test_each_change_is_asked_and_approved_as_written(kind: AgencyKind, change: Change) -> None:
    asks, approves = expected_table()[(kind, change)]
    rule = APPROVAL_TABLE[(kind, change)]
    assert rule.may_ask == asks
    assert rule.may_approve == approves
    assert rule.why  # every rule says why


def test_nobody_but_an_agencys_own_supervisor_ever_approves() -> None:
    approvers = {party for rule in APPROVAL_TABLE.values() for party in rule.may_approve}
    assert approvers == {Party.OWN_SUPERVISOR}


# --- every kind of principal against every change ----------------------------------------

OWN = 1  # the agency whose account changes
OTHER_MEMBER = 2
SECRETARIAT = 3
BOARD = 4
HOME_KIND = {
    OWN: None,  # the kind under test
    OTHER_MEMBER: AgencyKind.MEMBER_AGENCY,
    SECRETARIAT: AgencyKind.SECRETARIAT,
    BOARD: AgencyKind.REVIEW_BOARD,
}


def principal(role: Role, agency: int, kind: AgencyKind, user_id: int = 10) -> Principal:
    home = HOME_KIND[agency] or kind
    return Principal(
        user_id=user_id,
        login="p",
        full_name="P",
        agency_id=agency,
        agency_kind=home,
        roles=frozenset({role}),
        desk_ids=frozenset(),
    )


def expected_to_ask(role: Role, agency: int, kind: AgencyKind, change: Change) -> bool:
    """The rules in words: an agency's own administrators and supervisors ask (the operator's
    bootstrap aside); the secretariat's administrators propose, except service tokens."""
    if change is Change.FIRST_SUPERVISOR:
        return False
    own = agency == OWN or (kind is AgencyKind.SECRETARIAT and agency == SECRETARIAT)
    if own:
        return role in (Role.ADMINISTRATOR, Role.SUPERVISOR)
    secretariat_admin = agency == SECRETARIAT and role is Role.ADMINISTRATOR
    return secretariat_admin and change is not Change.SERVICE_TOKEN


CASES = [
    (role, agency, kind, change)
    for role in Role
    for agency in (OWN, OTHER_MEMBER, SECRETARIAT, BOARD)
    for kind in AgencyKind
    for change in Change
    # There is one secretariat: for its accounts, its own staff are the SECRETARIAT rows.
    if not (agency == OWN and kind is AgencyKind.SECRETARIAT)
]


@pytest.mark.parametrize(("role", "agency", "kind", "change"), CASES, ids=str)
def test_who_may_ask_and_decide(role: Role, agency: int, kind: AgencyKind, change: Change) -> None:
    # The agency under test has id OWN, except for the secretariat, whose own id is SECRETARIAT.
    target_agency = SECRETARIAT if kind is AgencyKind.SECRETARIAT else OWN
    someone = principal(role, agency, kind)
    assert may_ask(someone, change, target_agency, kind) is expected_to_ask(
        role, agency, kind, change
    )
    own = someone.agency_id == target_agency
    expected = own and role is Role.SUPERVISOR and change is not Change.FIRST_SUPERVISOR
    decided = may_decide(someone, change, target_agency, kind, requested_by=11, target=12)
    assert decided is expected


@pytest.mark.parametrize("change", [c for c in Change if c is not Change.FIRST_SUPERVISOR])
def test_four_eyes_never_the_asker_nor_the_account_concerned(change: Change) -> None:
    supervisor = principal(Role.SUPERVISOR, OWN, AgencyKind.MEMBER_AGENCY, user_id=10)
    member = AgencyKind.MEMBER_AGENCY
    assert may_decide(supervisor, change, OWN, member, requested_by=11, target=12)
    assert not may_decide(supervisor, change, OWN, member, requested_by=10, target=12)
    assert not may_decide(supervisor, change, OWN, member, requested_by=11, target=10)
    # The operator's requests (no asker) are decided like anyone's.
    assert may_decide(supervisor, change, OWN, member, requested_by=None, target=12)


def test_the_operator_is_a_party_of_every_agency_and_nothing_else() -> None:
    assert parties(None, OWN) == {Party.OPERATOR}
    assert may_ask(None, Change.NEW_ACCOUNT, OWN, AgencyKind.MEMBER_AGENCY)
    assert may_ask(None, Change.FIRST_SUPERVISOR, OWN, AgencyKind.MEMBER_AGENCY)
    assert not may_ask(None, Change.ROLE, OWN, AgencyKind.MEMBER_AGENCY)
    assert not may_ask(None, Change.SERVICE_TOKEN, OWN, AgencyKind.MEMBER_AGENCY)


def test_a_principal_holding_both_roles_is_both_parties() -> None:
    both = Principal(
        user_id=1,
        login="b",
        full_name="B",
        agency_id=OWN,
        agency_kind=AgencyKind.MEMBER_AGENCY,
        roles=frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR}),
        desk_ids=frozenset(),
    )
    assert parties(both, OWN) == {Party.OWN_ADMINISTRATOR, Party.OWN_SUPERVISOR}
    assert parties(both, OTHER_MEMBER) == frozenset()
