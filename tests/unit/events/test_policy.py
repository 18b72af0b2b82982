"""The events' access table and banding table as pure functions, against expectations
written out from the issue: every action, role and relation; every agency kind; every
likelihood and impact."""

from __future__ import annotations

import itertools

import pytest

from interagency.events import policy
from interagency.events.policy import Action, Band, Relation
from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import Principal

STAFF = {Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR}
# Written from the issue, not from the table: the host edits, participants and the
# secretariat read, any member agency's staff may host a new event, the secretariat keeps
# the templates that every member agency reads.
EXPECTED: dict[Action, set[tuple[Role, Relation]]] = {
    Action.CREATE: {(r, Relation.MEMBER) for r in STAFF},
    Action.VIEW: {(r, Relation.HOST) for r in STAFF}
    | {(r, Relation.PARTICIPANT) for r in STAFF}
    | {(Role.SECRETARIAT, Relation.SECRETARIAT)},
    Action.EDIT: {(r, Relation.HOST) for r in STAFF},
    Action.VIEW_TEMPLATES: {(r, Relation.MEMBER) for r in STAFF}
    | {(Role.SECRETARIAT, Relation.SECRETARIAT)},
    Action.EDIT_TEMPLATES: {(Role.SECRETARIAT, Relation.SECRETARIAT)},
    # Operations: whoever takes part logs what happens; the host and the incident's own
    # agency keep its status and links; the secretariat reads the log.
    Action.VIEW_INCIDENTS: {(r, Relation.HOST) for r in STAFF}
    | {(r, Relation.PARTICIPANT) for r in STAFF}
    | {(Role.SECRETARIAT, Relation.SECRETARIAT)},
    Action.LOG_INCIDENT: {(r, Relation.HOST) for r in STAFF}
    | {(r, Relation.PARTICIPANT) for r in STAFF},
    Action.UPDATE_INCIDENT: {(r, Relation.HOST) for r in STAFF}
    | {(r, Relation.INCIDENT_AUTHOR) for r in STAFF},
    # After the event: the host writes the report and makes it final; it is read as the
    # dossier is.
    Action.VIEW_REPORT: {(r, Relation.HOST) for r in STAFF}
    | {(r, Relation.PARTICIPANT) for r in STAFF}
    | {(Role.SECRETARIAT, Relation.SECRETARIAT)},
    Action.EDIT_REPORT: {(r, Relation.HOST) for r in STAFF},
    # Lessons: written by whoever took part; read by the author's agency, the agencies it
    # is shared with and the secretariat; the library is open to every member's staff.
    Action.WRITE_LESSON: {(r, Relation.HOST) for r in STAFF}
    | {(r, Relation.PARTICIPANT) for r in STAFF},
    Action.VIEW_LIBRARY: {(r, Relation.MEMBER) for r in STAFF}
    | {(Role.SECRETARIAT, Relation.SECRETARIAT)},
    Action.READ_LESSON: {(r, Relation.LESSON_AUTHOR) for r in STAFF}
    | {(r, Relation.SHARED_WITH) for r in STAFF}
    | {(Role.SECRETARIAT, Relation.SECRETARIAT)},
    # Exports (issue 28, part 7): the host, the participating agencies and the secretariat;
    # a draft after-action report only by the host.
    Action.EXPORT: {(r, Relation.HOST) for r in STAFF}
    | {(r, Relation.PARTICIPANT) for r in STAFF}
    | {(Role.SECRETARIAT, Relation.SECRETARIAT)},
    Action.EXPORT_REPORT: {(r, Relation.HOST) for r in STAFF}
    | {(r, Relation.PARTICIPANT) for r in STAFF}
    | {(Role.SECRETARIAT, Relation.SECRETARIAT)},
    Action.EXPORT_DRAFT_REPORT: {(r, Relation.HOST) for r in STAFF},
}

HOST, PARTICIPANT, OTHER, SECRETARIAT, BOARD = 1, 2, 3, 4, 5
KINDS = {
    HOST: AgencyKind.MEMBER_AGENCY,
    PARTICIPANT: AgencyKind.MEMBER_AGENCY,
    OTHER: AgencyKind.MEMBER_AGENCY,
    SECRETARIAT: AgencyKind.SECRETARIAT,
    BOARD: AgencyKind.REVIEW_BOARD,
}


def principal(role: Role, agency: int = OTHER) -> Principal:
    return Principal(1, "u", "U", agency, KINDS[agency], frozenset({role}), frozenset())


def test_the_table_lists_every_action() -> None:
    assert set(policy.PERMISSIONS) == set(Action)


@pytest.mark.parametrize(
    ("action", "role", "relation"), list(itertools.product(Action, Role, Relation))
)
def test_every_action_role_and_relation(action: Action, role: Role, relation: Relation) -> None:
    expected = (role, relation) in EXPECTED[action]
    assert policy.allowed(principal(role), action, {relation}) == expected


def test_nobody_may_act_without_a_relation() -> None:
    for action, role in itertools.product(Action, Role):
        assert not policy.allowed(principal(role), action, set())


@pytest.mark.parametrize(("agency", "expected"), [
    (HOST, {Relation.MEMBER, Relation.HOST}),
    (PARTICIPANT, {Relation.MEMBER, Relation.PARTICIPANT}),
    (OTHER, {Relation.MEMBER}),
    (SECRETARIAT, {Relation.SECRETARIAT}),
    (BOARD, set()),
])  # fmt: skip
def test_relations_follow_the_agency(agency: int, expected: set[Relation]) -> None:
    assert policy.relations(principal(Role.SUPERVISOR, agency), HOST, [PARTICIPANT]) == expected


# (agency, role) -> what they may do with an event hosted by HOST with PARTICIPANT.
ON_AN_EVENT: dict[tuple[int, Role], set[Action]] = {
    (HOST, Role.LIAISON_OFFICER): {Action.VIEW, Action.EDIT},
    (HOST, Role.SUPERVISOR): {Action.VIEW, Action.EDIT},
    (HOST, Role.DATA_PROTECTION_OFFICER): set(),
    (HOST, Role.ADMINISTRATOR): set(),
    (HOST, Role.AUDITOR): set(),
    (PARTICIPANT, Role.ANALYST): {Action.VIEW},
    (PARTICIPANT, Role.ADMINISTRATOR): set(),
    (OTHER, Role.SUPERVISOR): set(),
    (OTHER, Role.LIAISON_OFFICER): set(),
    (SECRETARIAT, Role.SECRETARIAT): {Action.VIEW},
    (SECRETARIAT, Role.ADMINISTRATOR): set(),
    (SECRETARIAT, Role.AUDITOR): set(),
    (BOARD, Role.SUPERVISOR): set(),
    (BOARD, Role.NEUTRALITY_REVIEWER): set(),
}


@pytest.mark.parametrize(("agency", "role"), list(ON_AN_EVENT))
def test_who_reads_and_who_edits_an_event(agency: int, role: Role) -> None:
    who = principal(role, agency)
    granted = {a for a in (Action.VIEW, Action.EDIT) if policy.may(who, a, HOST, [PARTICIPANT])}
    assert granted == ON_AN_EVENT[(agency, role)]


INCIDENT = (Action.VIEW_INCIDENTS, Action.LOG_INCIDENT, Action.UPDATE_INCIDENT)
# (agency, role) -> what they may do with an incident the PARTICIPANT logged, and with one
# the HOST logged, at an event hosted by HOST with PARTICIPANT and a second participant OTHER.
ON_AN_INCIDENT: dict[tuple[int, Role], tuple[set[Action], set[Action]]] = {
    (HOST, Role.LIAISON_OFFICER): (set(INCIDENT), set(INCIDENT)),
    (HOST, Role.AUDITOR): (set(), set()),
    (PARTICIPANT, Role.ANALYST): (
        set(INCIDENT),
        {Action.VIEW_INCIDENTS, Action.LOG_INCIDENT},
    ),
    (PARTICIPANT, Role.ADMINISTRATOR): (set(), set()),
    (OTHER, Role.SUPERVISOR): (
        {Action.VIEW_INCIDENTS, Action.LOG_INCIDENT},
        {Action.VIEW_INCIDENTS, Action.LOG_INCIDENT},
    ),
    (SECRETARIAT, Role.SECRETARIAT): ({Action.VIEW_INCIDENTS}, {Action.VIEW_INCIDENTS}),
    (BOARD, Role.SUPERVISOR): (set(), set()),
}


@pytest.mark.parametrize(("agency", "role"), list(ON_AN_INCIDENT))
def test_who_logs_and_who_changes_an_incident(agency: int, role: Role) -> None:
    who = principal(role, agency)
    takers = [PARTICIPANT, OTHER]
    by_participant = {a for a in INCIDENT if policy.may(who, a, HOST, takers, PARTICIPANT)}
    by_host = {a for a in INCIDENT if policy.may(who, a, HOST, takers, HOST)}
    assert (by_participant, by_host) == ON_AN_INCIDENT[(agency, role)]


def test_an_agency_outside_the_event_may_not_change_an_incident_it_once_logged() -> None:
    # (the event's gate hides the event first; the table alone grants the relation)
    who = principal(Role.SUPERVISOR, OTHER)
    assert policy.relations(who, HOST, [PARTICIPANT], OTHER) == {
        Relation.MEMBER,
        Relation.INCIDENT_AUTHOR,
    }
    assert not policy.may(who, Action.VIEW_INCIDENTS, HOST, [PARTICIPANT], OTHER)


# (agency, role) -> may they read a lesson HOST wrote, shared with PARTICIPANT only; and
# one shared with all member agencies.
ON_A_LESSON: dict[tuple[int, Role], tuple[bool, bool]] = {
    (HOST, Role.ANALYST): (True, True),
    (HOST, Role.AUDITOR): (False, False),
    (PARTICIPANT, Role.LIAISON_OFFICER): (True, True),
    (PARTICIPANT, Role.DATA_PROTECTION_OFFICER): (False, False),
    (OTHER, Role.SUPERVISOR): (False, True),
    (SECRETARIAT, Role.SECRETARIAT): (True, True),
    (SECRETARIAT, Role.ADMINISTRATOR): (False, False),
    (BOARD, Role.SUPERVISOR): (False, False),
    (BOARD, Role.NEUTRALITY_REVIEWER): (False, False),
}


@pytest.mark.parametrize(("agency", "role"), list(ON_A_LESSON))
def test_who_reads_a_lesson(agency: int, role: Role) -> None:
    who = principal(role, agency)
    chosen = policy.lesson_relations(who, HOST, False, [PARTICIPANT])
    everyone = policy.lesson_relations(who, HOST, True, [])
    assert (
        policy.allowed(who, Action.READ_LESSON, chosen),
        policy.allowed(who, Action.READ_LESSON, everyone),
    ) == ON_A_LESSON[(agency, role)]


def test_an_unknown_action_is_refused() -> None:
    who = principal(Role.SUPERVISOR, HOST)
    assert not policy.allowed(who, "events:event:delete", {Relation.HOST})  # type: ignore[arg-type]


# The banding table as docs/events.md states it, cell by cell: likelihood x impact.
BAND_OF_SCORE = {
    **dict.fromkeys(range(1, 5), Band.LOW),
    **dict.fromkeys(range(5, 10), Band.MEDIUM),
    **dict.fromkeys(range(10, 17), Band.HIGH),
    **dict.fromkeys(range(17, 26), Band.CRITICAL),
}


@pytest.mark.parametrize(("likelihood", "impact"), list(itertools.product(range(1, 6), repeat=2)))
def test_every_cell_of_the_matrix_has_its_band(likelihood: int, impact: int) -> None:
    assert policy.score(likelihood, impact) == likelihood * impact
    assert policy.band(likelihood, impact) is BAND_OF_SCORE[likelihood * impact]


def test_the_bands_count_as_the_docs_say() -> None:
    cells = [policy.band(lk, im) for lk, im in itertools.product(range(1, 6), repeat=2)]
    assert {b: cells.count(b) for b in Band} == {
        Band.LOW: 8,
        Band.MEDIUM: 7,
        Band.HIGH: 7,
        Band.CRITICAL: 3,
    }


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 1), (3, 0), (2, 6)])
def test_scores_outside_one_to_five_are_refused(likelihood: int, impact: int) -> None:
    with pytest.raises(ValueError, match="from 1 to 5"):
        policy.band(likelihood, impact)
