"""The identity policy against a matrix written out here, by hand, from the issue's rules.

The matrix is the specification: it is not derived from `PERMISSIONS`, so a change to
the table that the code reads fails here until someone changes both on purpose.
"""

from __future__ import annotations

import pytest

from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import (
    Action,
    Principal,
    allowed,
    audit_scope,
    may_disable_accounts_of,
    may_list_in_directory,
    may_manage_agencies,
    may_see_accounts_of,
    may_view_profile,
    role_fits_agency,
)

COLUMNS = "LO AN SU SE NR DP AU AD"
ROLE_OF = {
    "LO": Role.LIAISON_OFFICER,
    "AN": Role.ANALYST,
    "SU": Role.SUPERVISOR,
    "SE": Role.SECRETARIAT,
    "NR": Role.NEUTRALITY_REVIEWER,
    "DP": Role.DATA_PROTECTION_OFFICER,
    "AU": Role.AUDITOR,
    "AD": Role.ADMINISTRATOR,
}
# x: allowed, .: refused.
EXPECTED = """
directory:view            x  x  x  x  .  x  x  x
account:view              x  x  x  x  x  x  x  x
tokens:manage-own         x  x  x  x  .  x  x  x
users:profile:view        .  .  x  .  .  x  .  x
agencies:manage           .  .  .  .  .  .  .  x
users:manage              .  .  x  .  .  .  .  x
users:directory:list      .  .  x  .  .  .  .  x
accounts:change:ask       .  .  x  .  .  .  .  x
accounts:change:decide    .  .  x  .  .  .  .  .
accounts:changes:view     .  .  x  .  .  x  .  x
break-glass:open          .  .  x  .  .  .  .  .
break-glass:review        .  .  .  .  .  x  .  .
audit:view                .  .  .  .  .  x  x  .
audit:export              .  .  .  .  .  .  x  .
neutrality:queue:view     .  .  .  .  x  .  .  .
"""


def expected_matrix() -> dict[tuple[str, Role], bool]:
    columns = COLUMNS.split()
    matrix = {}
    for line in filter(None, EXPECTED.strip().splitlines()):
        action, *marks = line.split()
        assert len(marks) == len(columns), line
        for column, mark in zip(columns, marks, strict=True):
            matrix[(action, ROLE_OF[column])] = mark == "x"
    return matrix


def someone(
    *roles: Role, agency_id: int = 1, kind: AgencyKind = AgencyKind.MEMBER_AGENCY, user_id: int = 10
) -> Principal:
    return Principal(
        user_id=user_id,
        login="someone",
        full_name="Someone",
        agency_id=agency_id,
        agency_kind=kind,
        roles=frozenset(roles),
        desk_ids=frozenset(),
    )


def test_the_matrix_covers_every_action_of_the_policy() -> None:
    listed = {action for action, _role in expected_matrix()}
    assert listed == {action.value for action in Action}


@pytest.mark.parametrize(("action", "role"), sorted(expected_matrix(), key=str))
def test_each_role_and_action_is_decided_as_the_matrix_says(action: str, role: Role) -> None:
    assert allowed(someone(role), Action(action)) is expected_matrix()[(action, role)]


def test_nobody_without_a_role_is_allowed_anything() -> None:
    assert not any(allowed(someone(), action) for action in Action)


def test_roles_add_up_but_never_beyond_their_union() -> None:
    both = someone(Role.AUDITOR, Role.SUPERVISOR)
    assert allowed(both, Action.EXPORT_AUDIT)
    assert allowed(both, Action.OPEN_BREAK_GLASS)
    assert not allowed(both, Action.MANAGE_AGENCIES)


@pytest.mark.parametrize(
    ("role", "kind", "fits"),
    [
        (Role.NEUTRALITY_REVIEWER, AgencyKind.REVIEW_BOARD, True),
        (Role.NEUTRALITY_REVIEWER, AgencyKind.MEMBER_AGENCY, False),
        (Role.NEUTRALITY_REVIEWER, AgencyKind.SECRETARIAT, False),
        (Role.SECRETARIAT, AgencyKind.SECRETARIAT, True),
        (Role.SECRETARIAT, AgencyKind.MEMBER_AGENCY, False),
        (Role.ADMINISTRATOR, AgencyKind.REVIEW_BOARD, False),
        (Role.AUDITOR, AgencyKind.REVIEW_BOARD, False),
        (Role.SUPERVISOR, AgencyKind.REVIEW_BOARD, True),
        (Role.SUPERVISOR, AgencyKind.SECRETARIAT, True),
        (Role.ADMINISTRATOR, AgencyKind.SECRETARIAT, True),
        (Role.AUDITOR, AgencyKind.SECRETARIAT, True),
        (Role.LIAISON_OFFICER, AgencyKind.SECRETARIAT, False),
        (Role.LIAISON_OFFICER, AgencyKind.MEMBER_AGENCY, True),
        (Role.SUPERVISOR, AgencyKind.MEMBER_AGENCY, True),
    ],
)
def test_roles_live_in_their_kind_of_body(role: Role, kind: AgencyKind, fits: bool) -> None:
    assert role_fits_agency(role, kind) is fits


def test_an_agency_lists_and_disables_its_own_accounts_and_the_secretariat_only_proposes() -> None:
    member = AgencyKind.MEMBER_AGENCY
    agency_admin = someone(Role.ADMINISTRATOR, agency_id=1)
    assert may_see_accounts_of(agency_admin, 1)
    assert not may_see_accounts_of(agency_admin, 2)
    assert may_disable_accounts_of(agency_admin, 1, member)
    assert not may_disable_accounts_of(agency_admin, 2, member)
    assert not may_manage_agencies(agency_admin)
    supervisor = someone(Role.SUPERVISOR, agency_id=1)
    assert may_see_accounts_of(supervisor, 1)
    assert may_disable_accounts_of(supervisor, 1, member)
    council_admin = someone(Role.ADMINISTRATOR, agency_id=9, kind=AgencyKind.SECRETARIAT)
    assert may_see_accounts_of(council_admin, 2)
    assert not may_disable_accounts_of(council_admin, 2, member)
    assert may_disable_accounts_of(council_admin, 8, AgencyKind.REVIEW_BOARD)
    assert may_manage_agencies(council_admin)
    assert not may_see_accounts_of(someone(Role.LIAISON_OFFICER, agency_id=1), 1)


def test_only_the_users_own_agency_lists_them_in_the_directory() -> None:
    assert may_list_in_directory(someone(Role.ADMINISTRATOR, agency_id=1), 1)
    assert may_list_in_directory(someone(Role.SUPERVISOR, agency_id=1), 1)
    assert not may_list_in_directory(someone(Role.ADMINISTRATOR, agency_id=2), 1)
    assert not may_list_in_directory(someone(Role.LIAISON_OFFICER, agency_id=1), 1)
    council_admin = someone(Role.ADMINISTRATOR, agency_id=9, kind=AgencyKind.SECRETARIAT)
    assert not may_list_in_directory(council_admin, 1)
    assert may_list_in_directory(council_admin, 9)


def test_another_agencys_profile_needs_break_glass() -> None:
    supervisor = someone(Role.SUPERVISOR, agency_id=1)
    assert may_view_profile(supervisor, 1, break_glass=False)
    assert not may_view_profile(supervisor, 2, break_glass=False)
    assert may_view_profile(supervisor, 2, break_glass=True)
    assert not may_view_profile(someone(Role.LIAISON_OFFICER), 1, break_glass=False)
    council_admin = someone(Role.ADMINISTRATOR, agency_id=9, kind=AgencyKind.SECRETARIAT)
    assert may_view_profile(council_admin, 2, break_glass=False)
    assert not may_view_profile(someone(Role.ADMINISTRATOR, agency_id=1), 2, break_glass=False)


def test_agency_auditors_read_their_agency_and_council_auditors_read_all() -> None:
    assert audit_scope(someone(Role.AUDITOR, agency_id=3)) == 3
    assert audit_scope(someone(Role.AUDITOR, agency_id=9, kind=AgencyKind.SECRETARIAT)) is None
