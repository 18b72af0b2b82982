"""Who may do what with fighters' profiles, border crossings and their alerts, and when
another state's borders may screen against a profile. Pure functions over data, deny by
default.

Relations say how the user's agency stands to the object: it holds the profile (or the
alert on it), it submitted the crossing, or, for the council's counts, it is a member
agency or one of the council's bodies.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from interagency.i18n import lazy
from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import Principal


class Action(StrEnum):
    KEEP_PROFILE = "movements:profile:keep"
    VIEW_BOARD = "movements:board:view"
    SUBMIT = "movements:crossing:submit"
    VIEW_CROSSING = "movements:crossing:view"
    TAKE_UP_ALERT = "movements:alert:take-up"
    PROPOSE_RELEASE = "movements:release:propose"
    APPROVE_RELEASE = "movements:release:approve"
    VIEW_COUNTS = "movements:counts:view"


class Relation(StrEnum):
    HOLDER = "holder"  # the user's agency holds the profile, or the alert is on its profile
    SUBMITTER = "submitter"  # the user's agency submitted the crossing
    COUNCIL = "council"  # any member agency or council body (aggregate counts only)


_STAFF: Final = (Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR)


def _grant(roles: Iterable[Role], *relations: Relation) -> frozenset[tuple[Role, Relation]]:
    return frozenset((role, relation) for role in roles for relation in relations)


PERMISSIONS: Final[dict[Action, frozenset[tuple[Role, Relation]]]] = {
    Action.KEEP_PROFILE: _grant(_STAFF, Relation.HOLDER),
    # The DPO reads the board to check what the agency keeps, and for how long.
    Action.VIEW_BOARD: _grant([*_STAFF, Role.DATA_PROTECTION_OFFICER], Relation.HOLDER),
    # Border systems submit with a service account's token (liaison officer or analyst).
    Action.SUBMIT: _grant(_STAFF, Relation.SUBMITTER),
    Action.VIEW_CROSSING: _grant(_STAFF, Relation.SUBMITTER),
    Action.TAKE_UP_ALERT: _grant(_STAFF, Relation.HOLDER),
    # The crossing's place and route reach the profile's holder under four eyes.
    Action.PROPOSE_RELEASE: _grant(_STAFF, Relation.SUBMITTER),
    Action.APPROVE_RELEASE: _grant([Role.SUPERVISOR], Relation.SUBMITTER),
    # Counts per state and month, never a person: for the joint threat assessment.
    Action.VIEW_COUNTS: _grant(
        [*_STAFF, Role.DATA_PROTECTION_OFFICER, Role.SECRETARIAT, Role.AUDITOR], Relation.COUNCIL
    ),
}

# Groups on the UN Security Council's ISIL (Da'esh) and Al-Qaida sanctions list (resolution
# 1267 and its successors), by their permanent reference numbers. A profile naming one
# and stating dated acts is screened without the review board's decision; any other is
# screened at another state's borders only once the board has cleared it (Article 3),
# because terrorism labels are a known instrument against dissidents and believers.
UN_1267_GROUPS: Final[dict[str, str]] = {
    "QDe.004": lazy("Al-Qaida"),
    "QDe.010": lazy("Islamic Movement of Uzbekistan"),
    "QDe.115": lazy("Islamic State in Iraq and the Levant (Da'esh)"),
    "QDe.119": lazy("Islamic Jihad Group"),
    "QDe.137": lazy("Al-Nusrah Front for the People of the Levant"),
}

# Counts below this are shown as "fewer than": a small number can name a person.
SMALLEST_COUNT_SHOWN: Final = 5


def relations(
    principal: Principal,
    *,
    holder_agency_id: int | None = None,
    submitter_agency_id: int | None = None,
) -> frozenset[Relation]:
    found: set[Relation] = set()
    if principal.agency_kind is AgencyKind.MEMBER_AGENCY:
        if principal.agency_id == holder_agency_id:
            found.add(Relation.HOLDER)
        if principal.agency_id == submitter_agency_id:
            found.add(Relation.SUBMITTER)
        found.add(Relation.COUNCIL)
    elif principal.agency_kind is AgencyKind.SECRETARIAT:
        found.add(Relation.COUNCIL)
    return frozenset(found)


def allowed(principal: Principal, action: Action, mine: Iterable[Relation]) -> bool:
    granted = PERMISSIONS.get(action, frozenset())
    held = frozenset(mine)
    return any((role, relation) in granted for role in principal.roles for relation in held)


def needs_review(un_group: str | None) -> bool:
    """Whether the profile waits for the review board before other states screen against
    it: unless it names a listed group (its dated acts are always required)."""
    return un_group not in UN_1267_GROUPS


def shown_count(count: int) -> int | None:
    """The count as the council sees it: None stands for "fewer than 5"."""
    return count if count >= SMALLEST_COUNT_SHOWN else None
