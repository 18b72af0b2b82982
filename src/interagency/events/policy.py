"""Who may see and change what of a major event: one table, deny by default, pure
functions; and the risk register's banding table.

A permission is a role and a relation to the event: the host agency leads the event's
security and changes its dossier, plan and register; the agencies taking part (the
participants of the delegations) and the council's secretariat read them. An agency that
is none of these does not learn that the event exists: it is answered as a missing one.
The planning templates are the council's: the secretariat edits them and every member
agency's staff reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from interagency.i18n import lazy
from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import Principal


class Action(StrEnum):
    CREATE = "events:event:create"  # the creating agency becomes the host
    VIEW = "events:event:view"  # the dossier, the plan and the register
    EDIT = "events:event:edit"  # the dossier, the plan and the register
    VIEW_TEMPLATES = "events:template:view"
    EDIT_TEMPLATES = "events:template:edit"
    VIEW_INCIDENTS = "events:incident:view"  # the incident log, the board and the map
    LOG_INCIDENT = "events:incident:log"
    UPDATE_INCIDENT = "events:incident:update"  # its status and its linked threads
    VIEW_REPORT = "events:report:view"  # the after-action report
    EDIT_REPORT = "events:report:edit"  # its findings, and making it final
    WRITE_LESSON = "events:lesson:write"  # a lesson learned at the event
    VIEW_LIBRARY = "events:lesson:list"  # the lessons-learned library (each lesson: READ)
    READ_LESSON = "events:lesson:read"
    EXPORT = "events:event:export"  # the dossier and the register, as PDF or DOCX
    EXPORT_REPORT = "events:report:export"  # the after-action report once final
    EXPORT_DRAFT_REPORT = "events:report:export-draft"  # ... while still a draft


class Relation(StrEnum):
    HOST = "host"  # the user's agency is the event's host (lead) agency
    PARTICIPANT = "participant"  # the user's agency takes part in the event
    SECRETARIAT = "secretariat"  # the user works for the council's secretariat
    MEMBER = "member"  # the user works for a member agency (for creating, and templates)
    INCIDENT_AUTHOR = "incident_author"  # the user's agency logged the incident
    LESSON_AUTHOR = "lesson_author"  # the user's agency wrote the lesson
    SHARED_WITH = "shared_with"  # the lesson is shared with the user's (member) agency


_STAFF: Final = (Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR)


def _grant(roles: Iterable[Role], *relations: Relation) -> frozenset[tuple[Role, Relation]]:
    return frozenset((role, relation) for role in roles for relation in relations)


_SECRETARIAT: Final = _grant([Role.SECRETARIAT], Relation.SECRETARIAT)

PERMISSIONS: Final[dict[Action, frozenset[tuple[Role, Relation]]]] = {
    # Any member agency may host an event; the council's bodies host none.
    Action.CREATE: _grant(_STAFF, Relation.MEMBER),
    # Host and participants read everything of the event; the secretariat reads it to
    # pass on best practice. Administrators, auditors and DPOs see no content.
    Action.VIEW: _grant(_STAFF, Relation.HOST, Relation.PARTICIPANT) | _SECRETARIAT,
    # Only the host changes the event: it answers for it, and its key seals the texts.
    Action.EDIT: _grant(_STAFF, Relation.HOST),
    Action.VIEW_TEMPLATES: _grant(_STAFF, Relation.MEMBER) | _SECRETARIAT,
    Action.EDIT_TEMPLATES: _SECRETARIAT,
    # During the event whoever is at a venue reports what happens there: the host and
    # every agency taking part log incidents and all of them (and the secretariat) read
    # the log. An incident's status and links are kept by the host, which runs the
    # operation, and by the agency that logged it; the secretariat only reads.
    Action.VIEW_INCIDENTS: _grant(_STAFF, Relation.HOST, Relation.PARTICIPANT) | _SECRETARIAT,
    Action.LOG_INCIDENT: _grant(_STAFF, Relation.HOST, Relation.PARTICIPANT),
    Action.UPDATE_INCIDENT: _grant(_STAFF, Relation.HOST, Relation.INCIDENT_AUTHOR),
    # After the event the host writes its report (and makes it final); it is read as the
    # dossier is.
    Action.VIEW_REPORT: _grant(_STAFF, Relation.HOST, Relation.PARTICIPANT) | _SECRETARIAT,
    Action.EDIT_REPORT: _grant(_STAFF, Relation.HOST),
    # The lessons-learned library is the council's exchange of best practice: whoever
    # took part in an event writes its lessons; a lesson is read by its author's agency,
    # by the agencies it is shared with (all member agencies, or those chosen) and by the
    # secretariat, and nobody else learns that it exists.
    Action.WRITE_LESSON: _grant(_STAFF, Relation.HOST, Relation.PARTICIPANT),
    Action.VIEW_LIBRARY: _grant(_STAFF, Relation.MEMBER) | _SECRETARIAT,
    Action.READ_LESSON: _grant(_STAFF, Relation.LESSON_AUTHOR, Relation.SHARED_WITH) | _SECRETARIAT,
    # A file of the dossier, the register or the report leaves the platform: those who read
    # them take them to their own agency's work, through the export gate, which marks the
    # file, records it and refuses a destination the host has not consented to.
    Action.EXPORT: _grant(_STAFF, Relation.HOST, Relation.PARTICIPANT) | _SECRETARIAT,
    Action.EXPORT_REPORT: _grant(_STAFF, Relation.HOST, Relation.PARTICIPANT) | _SECRETARIAT,
    # A draft's findings are the host's unfinished words and its figures change with every
    # incident logged: the others read it on the platform, but only the host takes a copy
    # of it away (to work on it), so that no agency circulates a report not yet settled.
    Action.EXPORT_DRAFT_REPORT: _grant(_STAFF, Relation.HOST),
}


def relations(
    principal: Principal,
    host_agency_id: int | None = None,
    participants: Iterable[int] = (),
    incident_agency_id: int | None = None,
) -> frozenset[Relation]:
    """How the principal's agency stands to an event hosted by `host_agency_id` with the
    participating agencies `participants` (none for actions on no event), and to one of
    its incidents logged by `incident_agency_id`."""
    found: set[Relation] = set()
    if principal.agency_kind is AgencyKind.SECRETARIAT:
        found.add(Relation.SECRETARIAT)
    elif principal.agency_kind is AgencyKind.MEMBER_AGENCY:
        found.add(Relation.MEMBER)
        if host_agency_id is not None and principal.agency_id == host_agency_id:
            found.add(Relation.HOST)
        if principal.agency_id in set(participants):
            found.add(Relation.PARTICIPANT)
        if incident_agency_id is not None and principal.agency_id == incident_agency_id:
            found.add(Relation.INCIDENT_AUTHOR)
    return frozenset(found)


def lesson_relations(
    principal: Principal, author_agency_id: int, shared_with_all: bool, shared_with: Iterable[int]
) -> frozenset[Relation]:
    """How the principal's agency stands to a lesson written by `author_agency_id` and
    shared with every member agency or with the agencies `shared_with`."""
    found: set[Relation] = set()
    if principal.agency_kind is AgencyKind.SECRETARIAT:
        found.add(Relation.SECRETARIAT)
    elif principal.agency_kind is AgencyKind.MEMBER_AGENCY:
        found.add(Relation.MEMBER)
        if principal.agency_id == author_agency_id:
            found.add(Relation.LESSON_AUTHOR)
        if shared_with_all or principal.agency_id in set(shared_with):
            found.add(Relation.SHARED_WITH)
    return frozenset(found)


def allowed(principal: Principal, action: Action, mine: Iterable[Relation]) -> bool:
    """True when one of the principal's roles, in one of their relations, is listed."""
    granted = PERMISSIONS.get(action, frozenset())
    held = frozenset(mine)
    return any((role, relation) in granted for role in principal.roles for relation in held)


def may(
    principal: Principal,
    action: Action,
    host_agency_id: int | None = None,
    participants: Iterable[int] = (),
    incident_agency_id: int | None = None,
) -> bool:
    return allowed(
        principal, action, relations(principal, host_agency_id, participants, incident_agency_id)
    )


# --- the risk register's bands -------------------------------------------------------------


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


# The score is likelihood x impact (each 1-5, so 1-25). The band is the first row whose
# highest score reaches it; written down here and in docs/events.md, and nowhere else.
#
#   score    band       what it asks for
#   1-4      low        accepted and watched
#   5-9      medium     a measure with an owner before the event
#   10-16    high       measures in place and evidenced before the event; the host's
#                       supervisor follows it
#   20-25    critical   treated before anything else; the event's plan changes if needed
BANDS: Final[tuple[tuple[int, Band], ...]] = (
    (4, Band.LOW),
    (9, Band.MEDIUM),
    (16, Band.HIGH),
    (25, Band.CRITICAL),
)

BAND_NAMES: Final[dict[Band, str]] = {
    Band.LOW: lazy("low"),
    Band.MEDIUM: lazy("medium"),
    Band.HIGH: lazy("high"),
    Band.CRITICAL: lazy("critical"),
}


def score(likelihood: int, impact: int) -> int:
    if not (1 <= likelihood <= 5 and 1 <= impact <= 5):
        raise ValueError("likelihood and impact are each from 1 to 5")
    return likelihood * impact


def band(likelihood: int, impact: int) -> Band:
    value = score(likelihood, impact)
    return next(name for highest, name in BANDS if value <= highest)


# --- an incident's severity ------------------------------------------------------------------

SEVERITY_NAMES: Final[dict[int, str]] = {
    1: lazy("minor"),
    2: lazy("moderate"),
    3: lazy("serious"),
    4: lazy("critical"),
}
