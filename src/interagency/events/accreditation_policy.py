"""Who may do what in an event's accreditation screening, and which records an applicant
may ever meet: one table, deny by default, pure functions.

- The host declares the terms, uploads applicants and decides on them; a batch is
  screened only once a supervisor of the host other than its uploader approved it.
- An agency taking part opts in its own records, and sees the hits on them (a reference
  and the event, never the applicant's role, employer or nationality).
- A record is met only if it is a suspect's or a convicted person's, on an offence the
  event declares, never a minor's and never on a sensitive offence (those of the
  neutrality review): never a contact, a victim, a witness or a missing person. The
  records' own safeguards (review date, erasure, neutrality, who may learn of a hit)
  apply on top. All of it is judged again at every screening, not only at opt-in.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from interagency.events.policy import Relation, relations
from interagency.identity.models import Role
from interagency.identity.policy import Principal
from interagency.records.models import OffenceCategory, SubjectCategory
from interagency.records.policy import SENSITIVE_OFFENCES


class Action(StrEnum):
    SET_TERMS = "events:accreditation:terms"
    VIEW = "events:accreditation:view"  # the terms, the batches and their applicants
    UPLOAD = "events:accreditation:upload"
    APPROVE = "events:accreditation:approve"  # four eyes: not the uploader (beside the table)
    DECIDE = "events:accreditation:decide"  # a decision, a contest recorded, a batch closed
    OPT_IN = "events:accreditation:opt-in"
    VIEW_HITS_ON_MINE = "events:accreditation:hits"


_STAFF: Final = (Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR)


def _grant(roles: Iterable[Role], *mine: Relation) -> frozenset[tuple[Role, Relation]]:
    return frozenset((role, relation) for role in roles for relation in mine)


PERMISSIONS: Final[dict[Action, frozenset[tuple[Role, Relation]]]] = {
    # The host screens its own applicants: it answers for the accreditation. The
    # secretariat, which reads the dossier, sees no applicant.
    Action.SET_TERMS: _grant(_STAFF, Relation.HOST),
    Action.VIEW: _grant(_STAFF, Relation.HOST),
    Action.UPLOAD: _grant(_STAFF, Relation.HOST),
    Action.APPROVE: _grant([Role.SUPERVISOR], Relation.HOST),
    Action.DECIDE: _grant(_STAFF, Relation.HOST),
    # Only an agency taking part offers records, and only its own (checked beside).
    Action.OPT_IN: _grant(_STAFF, Relation.PARTICIPANT),
    Action.VIEW_HITS_ON_MINE: _grant(_STAFF, Relation.PARTICIPANT),
}

# Whom an applicant may be screened against: persons the agency holds as offenders.
SCREENED_CATEGORIES: Final = frozenset({SubjectCategory.SUSPECT, SubjectCategory.CONVICTED})
# What an event may declare: no sensitive offence, nothing as vague as "other".
DECLARABLE_OFFENCES: Final = (
    frozenset(OffenceCategory) - SENSITIVE_OFFENCES - {OffenceCategory.OTHER}
)


def may(
    principal: Principal, action: Action, host_agency_id: int, participants: Iterable[int]
) -> bool:
    mine = relations(principal, host_agency_id, participants)
    granted = PERMISSIONS.get(action, frozenset())
    return any((role, relation) in granted for role in principal.roles for relation in mine)


def opens_page(principal: Principal, host_agency_id: int, participants: Iterable[int]) -> bool:
    """Whether the event's accreditation page has anything for the principal: the host's
    batches, or an agency's own opt-ins and hits (the event's navigation links it only
    then)."""
    return any(
        may(principal, action, host_agency_id, participants)
        for action in (Action.VIEW, Action.OPT_IN)
    )


def eligible(
    *,
    category: str,
    offence: str | None,
    is_minor: bool,
    flagged: bool,
    declared: Iterable[str],
) -> bool:
    """Whether a record may be met by the applicants of an event declaring `declared`."""
    allowed = {o for o in declared if o in DECLARABLE_OFFENCES}
    return (
        category in SCREENED_CATEGORIES
        and offence is not None
        and offence in allowed
        and not is_minor
        and not flagged
    )


def may_approve(principal: Principal, uploaded_by_id: int) -> bool:
    """Four eyes: the uploader never approves their own batch."""
    return principal.user_id != uploaded_by_id
