"""Who may see and do what with shared records, and which records may be matched at all.

Two parts, both pure functions over data:

- `PERMISSIONS`, a table of actions and the (role, relation) pairs allowed them, deny by
  default. Relations say how the user's agency stands to the object: it owns the record,
  it searched and got the hit, or (for the review board) the record awaits its decision.
- The safeguards (`matchable`, `may_pair`): victims and witnesses only with a recorded,
  approved necessity; sensitive offence categories and flagged records only after a
  neutrality review cleared them (INTERPOL Article 3); never towards the state a refugee
  fled; never past the review date or after erasure. They are not options: screening,
  hits and every later sharing step ask them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import Principal
from interagency.records.models import Neutrality, OffenceCategory, SubjectCategory


class Action(StrEnum):
    CREATE = "records:create"
    VIEW = "records:view"
    EDIT = "records:edit"
    FLAG = "records:flag"
    REQUEST_NECESSITY = "records:necessity:request"
    APPROVE_NECESSITY = "records:necessity:approve"
    EXTEND_REVIEW = "records:review:extend"
    DECIDE_NEUTRALITY = "records:neutrality:decide"
    VIEW_HIT = "records:hit:view"
    CHECK_HIT = "records:hit:check"
    CHECK_SEARCHED_HIT = "records:hit:check-searched"
    VIEW_DUE = "records:due:view"
    REQUEST_DETAILS = "records:details:request"
    PROPOSE_RELEASE = "records:details:propose"
    APPROVE_RELEASE = "records:details:approve"
    REFUSE_RELEASE = "records:details:refuse"
    REQUEST_ERASURE = "records:erasure:request"
    APPROVE_ERASURE = "records:erasure:approve"


class Relation(StrEnum):
    OWNER = "owner"  # the user's agency holds the record (or would, for a new one)
    SEARCHER = "searcher"  # the user's agency's record found another agency's record
    UNDER_REVIEW = "under_review"  # the record is before the review board, the user on it


_STAFF: Final = (Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR)


def _grant(roles: Iterable[Role], *relations: Relation) -> frozenset[tuple[Role, Relation]]:
    return frozenset((role, relation) for role in roles for relation in relations)


PERMISSIONS: Final[dict[Action, frozenset[tuple[Role, Relation]]]] = {
    Action.CREATE: _grant(_STAFF, Relation.OWNER),
    # The DPO reads the agency's records to answer access requests and check review dates;
    # reviewers read a record only while it is before them.
    Action.VIEW: _grant([*_STAFF, Role.DATA_PROTECTION_OFFICER], Relation.OWNER)
    | _grant([Role.NEUTRALITY_REVIEWER], Relation.UNDER_REVIEW),
    Action.EDIT: _grant(_STAFF, Relation.OWNER),
    Action.FLAG: _grant([*_STAFF, Role.DATA_PROTECTION_OFFICER], Relation.OWNER),
    Action.REQUEST_NECESSITY: _grant(_STAFF, Relation.OWNER),
    # Four eyes: a supervisor other than the requester (checked beside the table).
    Action.APPROVE_NECESSITY: _grant([Role.SUPERVISOR], Relation.OWNER),
    Action.EXTEND_REVIEW: _grant([Role.SUPERVISOR, Role.DATA_PROTECTION_OFFICER], Relation.OWNER),
    Action.DECIDE_NEUTRALITY: _grant([Role.NEUTRALITY_REVIEWER], Relation.UNDER_REVIEW),
    Action.VIEW_HIT: _grant(
        [*_STAFF, Role.DATA_PROTECTION_OFFICER], Relation.OWNER, Relation.SEARCHER
    ),
    # A hit is checked by the side that holds the found record's full data: the searching
    # side knows a reference and a band, nothing to compare. Nothing beyond those leaves
    # before such a check confirmed the hit (`details`).
    Action.CHECK_HIT: _grant(_STAFF, Relation.OWNER),
    # Except where the searching side holds what a person compares (`registry.SubjectKind.
    # checked_by_searcher`: a border officer has the traveller and the document).
    Action.CHECK_SEARCHED_HIT: _grant(_STAFF, Relation.SEARCHER),
    Action.VIEW_DUE: _grant([Role.DATA_PROTECTION_OFFICER], Relation.OWNER),
    # The details behind a hit: asked for by the searching agency's officers, released by
    # the owner's with four eyes (a supervisor approves what an officer proposes).
    Action.REQUEST_DETAILS: _grant(_STAFF, Relation.SEARCHER),
    Action.PROPOSE_RELEASE: _grant(_STAFF, Relation.OWNER),
    Action.APPROVE_RELEASE: _grant([Role.SUPERVISOR], Relation.OWNER),
    Action.REFUSE_RELEASE: _grant(_STAFF, Relation.OWNER),
    # Erasure is four eyes too: a DPO asks, a supervisor or another DPO carries it out.
    Action.REQUEST_ERASURE: _grant([Role.DATA_PROTECTION_OFFICER], Relation.OWNER),
    Action.APPROVE_ERASURE: _grant([Role.SUPERVISOR, Role.DATA_PROTECTION_OFFICER], Relation.OWNER),
}

# Offence categories that states have used against dissidents and believers: matched or
# shared only after the review board has found the case not predominantly political,
# military, religious or racial in character.
SENSITIVE_OFFENCES: Final = frozenset(
    {
        OffenceCategory.EXTREMISM,
        OffenceCategory.SEPARATISM,
        OffenceCategory.RELIGIOUS_ASSOCIATION,
        OffenceCategory.UNAUTHORISED_ASSEMBLY,
        OffenceCategory.INSULT_DEFAMATION,
    }
)
PROTECTED_CATEGORIES: Final = frozenset({SubjectCategory.VICTIM, SubjectCategory.WITNESS})
# Categories whose records must be reviewed sooner (Europol keeps them shortest).
REVIEW_YEARS: Final = 3
SHORT_REVIEW_YEARS: Final = 1


def relations(
    principal: Principal,
    *,
    owner_agency_id: int | None = None,
    searching_agency_id: int | None = None,
    under_review: bool = False,
) -> frozenset[Relation]:
    """The principal's relations to a record or hit with these parties."""
    found: set[Relation] = set()
    if principal.agency_kind is AgencyKind.MEMBER_AGENCY:
        if principal.agency_id == owner_agency_id:
            found.add(Relation.OWNER)
        if principal.agency_id == searching_agency_id:
            found.add(Relation.SEARCHER)
    elif principal.agency_kind is AgencyKind.REVIEW_BOARD and under_review:
        found.add(Relation.UNDER_REVIEW)
    return frozenset(found)


def allowed(principal: Principal, action: Action, mine: Iterable[Relation]) -> bool:
    """True when one of the principal's roles, in one of the relations, is listed."""
    granted = PERMISSIONS.get(action, frozenset())
    held = frozenset(mine)
    return any((role, relation) in granted for role in principal.roles for relation in held)


def review_period_years(category: SubjectCategory, *, is_minor: bool) -> int:
    if is_minor or category is SubjectCategory.POTENTIAL_OFFENDER:
        return SHORT_REVIEW_YEARS
    return REVIEW_YEARS


def review_due(created: date, category: SubjectCategory, *, is_minor: bool) -> date:
    """The default review date: three years on, one for potential offenders and minors
    (29 February moves to 28 February in a year without it)."""
    year = created.year + review_period_years(category, is_minor=is_minor)
    try:
        return created.replace(year=year)
    except ValueError:
        return created.replace(year=year, day=28)


def needs_neutrality_review(offence: OffenceCategory | None, *, flagged: bool) -> bool:
    return flagged or offence in SENSITIVE_OFFENCES


@dataclass(frozen=True, slots=True)
class Safeguards:
    """What the safeguards read of one record."""

    owner_agency_id: int
    owner_state_id: int | None
    # None: not a data subject the agency holds, but an event screened against them (a
    # border crossing), found by nothing.
    category: SubjectCategory | None
    offence: OffenceCategory | None
    flagged: bool
    neutrality: Neutrality
    necessity_approved: bool
    review_due: date
    erased: bool
    hits_to_all: bool
    hit_agency_ids: frozenset[int]
    refuge_from_state_id: int | None
    # Matched only as victims and witnesses are, with a stated necessity and another
    # supervisor's approval (minors in fighters' profiles).
    protected: bool = False


def why_not_matchable(record: Safeguards, today: date) -> str | None:
    """None when the record may be cross-checked; otherwise the safeguard that stops it."""
    if record.erased:
        return "erased"
    if record.review_due < today:
        return "review-overdue"
    protected = record.protected or record.category in PROTECTED_CATEGORIES
    if protected and not record.necessity_approved:
        return "protected-category"
    if (
        needs_neutrality_review(record.offence, flagged=record.flagged)
        and record.neutrality is not Neutrality.CLEARED
    ):
        return "neutrality-review"
    return None


def matchable(record: Safeguards, today: date) -> bool:
    return why_not_matchable(record, today) is None


def admits_hits_to(record: Safeguards, agency_id: int) -> bool:
    """The owner's choice of who may learn of a hit on the record."""
    return record.hits_to_all or agency_id in record.hit_agency_ids


def _fled(record: Safeguards, other_state_id: int | None) -> bool:
    return record.refuge_from_state_id is not None and record.refuge_from_state_id == other_state_id


def found_side_allows(
    found: Safeguards, *, searching_agency_id: int, searching_state_id: int | None, today: date
) -> bool:
    """What `may_pair` asks of the found record, for any record of the searching agency."""
    return (
        found.owner_agency_id != searching_agency_id
        and matchable(found, today)
        and admits_hits_to(found, searching_agency_id)
        and not _fled(found, searching_state_id)
    )


def may_pair(searching: Safeguards, found: Safeguards, today: date) -> bool:
    """Whether `searching` may be cross-checked against `found`, and a hit recorded.

    A hit tells the owner that the searching agency holds a similar record, and the
    searching agency that the owner holds one: so a refugee's record is never paired
    with any record of the state they fled, in either direction.
    """
    return (
        matchable(searching, today)
        and not _fled(searching, found.owner_state_id)
        and found_side_allows(
            found,
            searching_agency_id=searching.owner_agency_id,
            searching_state_id=searching.owner_state_id,
            today=today,
        )
    )
