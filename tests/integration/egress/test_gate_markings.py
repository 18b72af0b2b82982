"""The export gate, marking by marking, through `egress.release` on a real database.

Every TLP level x handling code (H3 with and without its words) x way of leaving x whose
data x the feature's permit is released once, and the outcome is compared with a table
written here from the rules as they are stated in words, not from `egress.policy`:

- the feature's DENY always stops, and WITH_CONSENT of another agency's item needs the
  consent the feature recorded;
- H3 without its words never leaves: nobody could honour it;
- RED never leaves as a copy; RED and AMBER+STRICT never reach a third party;
- a third party must be registered and not withdrawn, and another agency's data goes there
  only with that agency's consent for that destination (for the object or for its kind);
- only the owning agency sends its data across to another agency;
- a past review date stops whatever leaves whole, and anything bound for a third party.

A pass leaves an `Export` row and an `egress:export` audit entry naming what left; a
refusal writes nothing and raises `Forbidden` carrying the refusal its handler audits. A
bulk read never refuses: it withholds.

The council, the third parties and the consents of the matrix are built once per module
and database; each case runs in a savepoint of that transaction, rolled back after it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from interagency import egress
from interagency.audit import AuditEvent, refusal_of
from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container, bootstrap
from interagency.db import utcnow
from interagency.egress import Destination, Door, Item, Permit, Receipt
from interagency.egress.models import Consent, DailyReads, Export, ThirdParty
from interagency.errors import Forbidden
from interagency.identity.principals import Caller
from interagency.markings import HandlingCode, Tlp
from tests.support.databases import settings_for
from tests.support.identity import Council, build_council
from tests.support.refusals import refused

READER = "ru_liaison"  # of RU-SVC
OWN, OTHER = "RU-SVC", "KZ-SVC"
KIND = "thread"
REF = "itemundertest2345abcdefghi"
WORDS = "Not to be shown to the press before the trial opens."
LEGAL_BASIS = "Memorandum of cooperation of 12 March 2019, article 7"


# --- the world the matrix runs in --------------------------------------------------------


@dataclass(frozen=True)
class World:
    connection: Connection
    container: Container
    council: Council
    caller: Caller
    party: str  # public id of a registered third party
    other_party: str  # another registered third party, which nobody consented to
    withdrawn_party: str
    party_id: int
    other_party_id: int

    def agency(self, code: str) -> int:
        return self.council.agencies[code]


def _third_party(session: Session, council: Council, name: str, *, withdrawn: bool) -> ThirdParty:
    party = ThirdParty(
        name=name,
        country="XX",
        legal_basis=LEGAL_BASIS,
        entered_by_id=council.users["sec_officer"],
        withdrawn_at=utcnow() if withdrawn else None,
    )
    session.add(party)
    session.flush()
    return party


def _consent(
    session: Session,
    council: Council,
    party_id: int,
    *,
    owner: str = OTHER,
    kind: str = KIND,
    ref: str | None = REF,
    withdrawn: bool = False,
) -> None:
    granted_by = council.users["kz_liaison" if owner == OTHER else "ru_liaison"]
    session.add(
        Consent(
            owner_agency_id=council.agencies[owner],
            third_party_id=party_id,
            object_kind=kind,
            object_ref=ref,
            granted_by_id=granted_by,
            withdrawn_by_id=granted_by if withdrawn else None,
            withdrawn_at=utcnow() if withdrawn else None,
        )
    )
    session.flush()


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str) -> Iterator[World]:
    """One council, two registered third parties and a withdrawn one, in a transaction
    that the module's cases share and that is rolled back at its end."""
    with engine.connect() as connection:
        outer = connection.begin()
        factory = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        container = bootstrap(settings_for(database_url), engine=engine, session_factory=factory)
        with container.uow() as uow:
            council = build_council(uow, container)
            party = _third_party(uow.session, council, "Border Guard of Ruritania", withdrawn=False)
            other = _third_party(uow.session, council, "Customs of Freedonia", withdrawn=False)
            gone = _third_party(uow.session, council, "Police of Sylvania", withdrawn=True)
            caller = council.caller(uow, READER)
            uow.commit()
        yield World(
            connection=connection,
            container=container,
            council=council,
            caller=caller,
            party=party.public_id,
            other_party=other.public_id,
            withdrawn_party=gone.public_id,
            party_id=party.id,
            other_party_id=other.id,
        )
        outer.rollback()


@pytest.fixture
def fresh(world: World) -> Iterator[World]:
    """The world, with whatever the case writes rolled back after it."""
    savepoint = world.connection.begin_nested()
    yield world
    savepoint.rollback()


# --- the matrix ---------------------------------------------------------------------------


class Way(Enum):
    COPY_TO_READER = "copy"
    COPY_TO_THIRD_PARTY = "copy-third-party"
    ORIGINAL = "original"
    CROSSING = "crossing"
    BULK_READ = "bulk-read"


# Which door each way of leaving is tried through, and in which format.
DOOR_OF = {
    Way.COPY_TO_READER: (Door.THREAD_FILE, "pdf"),
    Way.COPY_TO_THIRD_PARTY: (Door.THREAD_FILE, "csv"),
    Way.ORIGINAL: (Door.ATTACHMENT, "original"),
    Way.CROSSING: (Door.HIT_DETAILS, "thread"),
    Way.BULK_READ: (Door.THREAD_LIST, "json"),
}


class Handling(Enum):
    H0 = "H0"
    H1 = "H1"
    H2 = "H2"
    H3_WITH_WORDS = "H3-words"
    H3_WITHOUT_WORDS = "H3-silent"

    @property
    def code(self) -> HandlingCode:
        return HandlingCode(self.value[:2])

    @property
    def words(self) -> str | None:
        return WORDS if self is Handling.H3_WITH_WORDS else None


class Verdict(Enum):
    """The feature's permit, and for WITH_CONSENT whether it recorded the consent."""

    ALLOW = "allow"
    CONSENTED = "with-consent-given"
    NOT_CONSENTED = "with-consent-missing"
    DENY = "deny"

    @property
    def permit(self) -> Permit:
        return {
            Verdict.ALLOW: Permit.ALLOW,
            Verdict.CONSENTED: Permit.WITH_CONSENT,
            Verdict.NOT_CONSENTED: Permit.WITH_CONSENT,
            Verdict.DENY: Permit.DENY,
        }[self]


NEVER_COPIED = {Tlp.RED}
NEVER_TO_A_THIRD_PARTY = {Tlp.RED, Tlp.AMBER_STRICT}


@dataclass(frozen=True)
class Case:
    way: Way
    owner: str
    tlp: Tlp
    handling: Handling
    verdict: Verdict

    def __str__(self) -> str:
        whose = "own" if self.owner == OWN else "other"
        return (
            f"{self.way.value}-{whose}-{self.tlp.value}-{self.handling.value}-{self.verdict.value}"
        )

    @property
    def leaves(self) -> bool:
        """The expected outcome, from the rules in words (the module's docstring)."""
        own = self.owner == OWN
        if self.verdict is Verdict.DENY or self.handling is Handling.H3_WITHOUT_WORDS:
            return False
        if self.verdict is Verdict.NOT_CONSENTED and not own:
            return False
        if self.way is Way.COPY_TO_READER:
            return self.tlp not in NEVER_COPIED
        if self.way is Way.COPY_TO_THIRD_PARTY:
            # The matrix's third party is registered, and the other agency consented to
            # this object going there (`matrix_consent`).
            return self.tlp not in NEVER_TO_A_THIRD_PARTY
        if self.way is Way.CROSSING:
            return own
        # An original to a reader of its thread, a bulk read for the reader's own agency:
        # the marking stays on the platform with them.
        return True


MATRIX = [
    Case(way, owner, tlp, handling, verdict)
    for way in Way
    for owner in (OWN, OTHER)
    for tlp in Tlp
    for handling in Handling
    for verdict in Verdict
]


def review_date() -> date:
    return utcnow().date() + timedelta(days=30)


def item_of(
    world: World,
    owner: str = OTHER,
    *,
    ref: str = REF,
    tlp: Tlp = Tlp.GREEN,
    handling: Handling = Handling.H0,
    verdict: Verdict = Verdict.ALLOW,
    review_on: date | None = None,
) -> Item:
    return Item(
        kind=KIND,
        ref=ref,
        owner_agency_id=world.agency(owner),
        tlp=tlp,
        handling=handling.code,
        restriction=handling.words,
        review_on=review_on,
        permit=verdict.permit,
        consented=verdict is Verdict.CONSENTED,
    )


def destination_of(world: World, way: Way, owner: str) -> Destination:
    if way is Way.COPY_TO_THIRD_PARTY:
        return egress.to_third_party(world.party)
    if way is Way.CROSSING:
        # To an agency that is neither the owner nor, for another's data, the reader's.
        return egress.to_agency(world.agency(OTHER if owner == OWN else "TEST-SEC"))
    return egress.READER


# --- what the database holds after a case -------------------------------------------------


def exports(world: World) -> list[Export]:
    with world.container.uow() as uow:
        rows = list(uow.session.scalars(select(Export).order_by(Export.id)))
        uow.session.expunge_all()
    return rows


def export_entries(world: World) -> list[tuple[AuditEntry, dict[str, Any]]]:
    with world.container.uow() as uow:
        rows = list(
            uow.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "egress:export")
                .order_by(AuditEntry.seq)
            )
        )
        uow.session.expunge_all()
    return [(row, json.loads(row.detail)) for row in rows]


def entry_of(item: Item) -> dict[str, object]:
    """How the export row names one item that left (no content, only what it was)."""
    return {
        "kind": item.kind,
        "ref": item.ref,
        "owner": item.owner_agency_id,
        "tlp": item.tlp.value,
        "handling": item.handling.value,
        "expires": item.review_on.isoformat() if item.review_on else None,
    }


def release(
    world: World, door: Door, fmt: str, items: Sequence[Item], destination: Destination
) -> Receipt:
    with world.container.uow() as uow:
        receipt = egress.release(uow, world.caller, door, items, fmt=fmt, destination=destination)
        uow.commit()
    return receipt


def refusal(
    world: World, door: Door, fmt: str, items: Sequence[Item], destination: Destination
) -> AuditEvent:
    """Releases, expecting a refusal; checks that nothing was written even before the
    unit of work rolls back, and returns the refusal the error carries."""
    with world.container.uow() as uow, refused(Forbidden) as events:
        try:
            egress.release(uow, world.caller, door, items, fmt=fmt, destination=destination)
        finally:
            pending = uow.session.scalar(select(func.count()).select_from(Export))
            assert pending == 0, "a refused release wrote an export row"
    assert exports(world) == []
    assert export_entries(world) == []
    return events[0]


def assert_recorded(
    world: World,
    receipt: Receipt,
    door: Door,
    fmt: str,
    destination: Destination,
    left: Sequence[Item],
    withheld: Sequence[Item] = (),
) -> None:
    [row] = exports(world)
    assert row.public_id == receipt.export_id
    assert (row.door, row.format, row.destination) == (door.value, fmt, destination.kind.value)
    assert (row.reader_user_id, row.reader_agency_id) == (
        world.council.users[READER],
        world.agency(OWN),
    )
    assert row.target_agency_id == destination.agency_id
    party = {world.party: world.party_id, world.other_party: world.other_party_id}
    assert row.third_party_id == party.get(destination.third_party or "")
    assert row.items == [entry_of(item) for item in left]
    [(entry, detail)] = export_entries(world)
    assert (entry.outcome, entry.actor_login, entry.object_kind, entry.object_ref) == (
        "ok",
        READER,
        "export",
        receipt.export_id,
    )
    expected: dict[str, object] = {
        "export": receipt.export_id,
        "door": door.value,
        "format": fmt,
        "destination": destination.kind.value,
        "items": [item.ref for item in left],
    }
    if destination.third_party is not None:
        expected["third_party"] = destination.third_party
    if destination.agency_id is not None:
        expected["target_agency"] = destination.agency_id
    if withheld:
        expected["withheld"] = len(withheld)
    assert detail == expected


# --- the matrix, case by case -------------------------------------------------------------


@pytest.fixture
def matrix_consent(fresh: World) -> World:
    """The other agency's consent to this very object going to the registered party."""
    with fresh.container.uow() as uow:
        _consent(uow.session, fresh.council, fresh.party_id)
        uow.commit()
    return fresh


@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_each_marking_leaves_or_stays_as_the_rules_say(case: Case, matrix_consent: World) -> None:
    world = matrix_consent
    door, fmt = DOOR_OF[case.way]
    item = item_of(
        world,
        case.owner,
        tlp=case.tlp,
        handling=case.handling,
        verdict=case.verdict,
        review_on=review_date(),
    )
    destination = destination_of(world, case.way, case.owner)
    if case.way is Way.BULK_READ:
        receipt = release(world, door, fmt, [item], destination)
        assert receipt.passed(REF) is case.leaves
        left, withheld = ([item], []) if case.leaves else ([], [item])
        assert receipt.items == tuple(left)
        assert receipt.withheld == {i.ref for i in withheld}
        assert_recorded(world, receipt, door, fmt, destination, left, withheld)
        return
    if not case.leaves:
        event = refusal(world, door, fmt, [item], destination)
        assert (event.action, event.object_kind, event.object_ref) == ("egress:refused", KIND, REF)
        assert event.detail == {
            "door": door.value,
            "destination": destination.kind.value,
            "format": fmt,
        }
        return
    receipt = release(world, door, fmt, [item], destination)
    assert receipt.items == (item,)
    assert receipt.withheld == frozenset()
    assert receipt.expires == review_date()
    assert_recorded(world, receipt, door, fmt, destination, [item])


def test_the_matrix_has_every_combination_and_both_outcomes() -> None:
    """5 TLP levels x 5 handling variants x 5 ways x 2 owners x 4 verdicts, and neither
    outcome is so rare that a broken expectation could hide."""
    assert len(MATRIX) == len(set(MATRIX)) == 5 * 5 * 5 * 2 * 4
    passing = sum(case.leaves for case in MATRIX)
    assert 200 < passing < 800


# --- third parties: registered, not withdrawn, consented to -------------------------------


class ConsentGiven(Enum):
    NONE = "none"
    FOR_THE_OBJECT = "for-the-object"
    FOR_THE_KIND = "for-the-kind"
    FOR_ANOTHER_OBJECT = "for-another-object"
    FOR_ANOTHER_KIND = "for-another-kind"
    WITHDRAWN = "withdrawn"
    FOR_ANOTHER_PARTY = "for-another-third-party"
    BY_ANOTHER_AGENCY = "by-an-agency-not-the-owner"


COUNTS_AS_CONSENT = {ConsentGiven.FOR_THE_OBJECT, ConsentGiven.FOR_THE_KIND}


def give(world: World, given: ConsentGiven) -> None:
    session_args: dict[ConsentGiven, dict[str, Any]] = {
        ConsentGiven.FOR_THE_OBJECT: {},
        ConsentGiven.FOR_THE_KIND: {"ref": None},
        ConsentGiven.FOR_ANOTHER_OBJECT: {"ref": "anotherobject234567abcdefg"},
        ConsentGiven.FOR_ANOTHER_KIND: {"kind": "record", "ref": None},
        ConsentGiven.WITHDRAWN: {"withdrawn": True},
        ConsentGiven.BY_ANOTHER_AGENCY: {"owner": OWN},
    }
    if given is ConsentGiven.NONE:
        return
    with world.container.uow() as uow:
        if given is ConsentGiven.FOR_ANOTHER_PARTY:
            _consent(uow.session, world.council, world.other_party_id)
        else:
            _consent(uow.session, world.council, world.party_id, **session_args[given])
        uow.commit()


@pytest.mark.parametrize("given", ConsentGiven, ids=lambda given: given.value)
@pytest.mark.parametrize("way", [Way.COPY_TO_THIRD_PARTY, Way.BULK_READ], ids=lambda w: w.value)
def test_another_agencys_data_reaches_a_third_party_only_with_its_consent(
    given: ConsentGiven, way: Way, fresh: World
) -> None:
    give(fresh, given)
    door, fmt = DOOR_OF[way]
    item = item_of(fresh, OTHER)
    destination = egress.to_third_party(fresh.party)
    if way is Way.BULK_READ:
        receipt = release(fresh, door, fmt, [item], destination)
        assert receipt.passed(REF) is (given in COUNTS_AS_CONSENT)
        return
    if given in COUNTS_AS_CONSENT:
        receipt = release(fresh, door, fmt, [item], destination)
        assert_recorded(fresh, receipt, door, fmt, destination, [item])
    else:
        refusal(fresh, door, fmt, [item], destination)


def test_the_owner_sends_its_own_data_to_a_registered_third_party_without_a_consent(
    fresh: World,
) -> None:
    item = item_of(fresh, OWN, tlp=Tlp.AMBER, handling=Handling.H2)
    destination = egress.to_third_party(fresh.party)
    receipt = release(fresh, Door.THREAD_FILE, "pdf", [item], destination)
    assert_recorded(fresh, receipt, Door.THREAD_FILE, "pdf", destination, [item])


def test_the_features_recorded_consent_does_not_stand_for_the_owners_consent_to_a_third_party(
    fresh: World,
) -> None:
    """An approved export request lets the reader's agency have a copy; sending it on to
    a body outside the council needs the owner's consent for that body as well."""
    item = item_of(fresh, OTHER, verdict=Verdict.CONSENTED)
    refusal(fresh, Door.THREAD_FILE, "pdf", [item], egress.to_third_party(fresh.party))


@pytest.mark.parametrize("owner", [OWN, OTHER], ids=["own", "other"])
@pytest.mark.parametrize("party", ["withdrawn", "unregistered"])
def test_nothing_goes_to_a_third_party_that_is_withdrawn_or_not_registered(
    owner: str, party: str, fresh: World
) -> None:
    give(fresh, ConsentGiven.FOR_THE_KIND)
    public_id = fresh.withdrawn_party if party == "withdrawn" else "notregistered234567abcdefg"
    destination = egress.to_third_party(public_id)
    event = refusal(fresh, Door.THREAD_FILE, "pdf", [item_of(fresh, owner)], destination)
    assert (event.action, event.object_kind, event.object_ref) == (
        "egress:refused",
        "third_party",
        public_id,
    )


# --- review dates ------------------------------------------------------------------------


# What a past review date stops: whatever leaves whole, and anything bound for a third
# party; a bulk read for the reader's own agency still lists the object, on the platform.
STOPPED_WHEN_STALE = {
    Way.COPY_TO_READER: True,
    Way.COPY_TO_THIRD_PARTY: True,
    Way.ORIGINAL: True,
    Way.CROSSING: True,
    Way.BULK_READ: False,
}


@pytest.mark.parametrize("way", Way, ids=lambda way: way.value)
@pytest.mark.parametrize("days", [-1, 0], ids=["past", "today"])
def test_a_past_review_date_stops_what_leaves(way: Way, days: int, fresh: World) -> None:
    review_on = utcnow().date() + timedelta(days=days)
    item = item_of(fresh, OWN, review_on=review_on)
    door, fmt = DOOR_OF[way]
    destination = destination_of(fresh, way, OWN)
    stopped = days < 0 and STOPPED_WHEN_STALE[way]
    if way is Way.BULK_READ:
        assert release(fresh, door, fmt, [item], destination).passed(REF) is not stopped
    elif stopped:
        refusal(fresh, door, fmt, [item], destination)
    else:
        assert release(fresh, door, fmt, [item], destination).expires == review_on


def test_a_stale_object_is_withheld_from_a_bulk_read_for_a_third_party(fresh: World) -> None:
    stale = item_of(fresh, OWN, review_on=utcnow().date() - timedelta(days=1))
    receipt = release(fresh, Door.THREAD_LIST, "json", [stale], egress.to_third_party(fresh.party))
    assert receipt.withheld == {REF}


# --- bulk reads: what is withheld, counted and carried ------------------------------------


def test_a_bulk_read_for_a_third_party_withholds_what_may_not_go_there(fresh: World) -> None:
    give(fresh, ConsentGiven.FOR_THE_OBJECT)
    consented = item_of(fresh, OTHER, ref=REF)
    strict = item_of(fresh, OTHER, ref="strictitem234567abcdefghij", tlp=Tlp.AMBER_STRICT)
    unconsented = item_of(fresh, OTHER, ref="noconsent234567abcdefghijk")
    own_red = item_of(fresh, OWN, ref="ownreditem234567abcdefghij", tlp=Tlp.RED)
    own_amber = item_of(fresh, OWN, ref="ownamber234567abcdefghijkl", tlp=Tlp.AMBER)
    destination = egress.to_third_party(fresh.party)
    everything = [consented, strict, unconsented, own_red, own_amber]
    receipt = release(fresh, Door.THREAD_LIST, "json", everything, destination)
    assert receipt.items == (consented, own_amber)
    assert receipt.withheld == {strict.ref, unconsented.ref, own_red.ref}
    assert [receipt.passed(item.ref) for item in everything] == [True, False, False, False, True]
    assert_recorded(
        fresh,
        receipt,
        Door.THREAD_LIST,
        "json",
        destination,
        [consented, own_amber],
        [strict, unconsented, own_red],
    )


def test_a_receipt_expires_at_the_earliest_review_date_and_carries_the_strictest_marking(
    fresh: World,
) -> None:
    today = utcnow().date()
    items = [
        item_of(fresh, OWN, ref="first234567abcdefghijklmno", tlp=Tlp.GREEN,
                handling=Handling.H1, review_on=today + timedelta(days=40)),
        item_of(fresh, OTHER, ref="second234567abcdefghijklmn", tlp=Tlp.AMBER,
                handling=Handling.H0, review_on=today + timedelta(days=10)),
        item_of(fresh, OWN, ref="third234567abcdefghijklmno", tlp=Tlp.CLEAR,
                handling=Handling.H2, review_on=None),
    ]  # fmt: skip
    receipt = release(fresh, Door.THREAD_LIST, "json", items, egress.READER)
    assert receipt.expires == today + timedelta(days=10)
    assert receipt.marking == "H2 · TLP:AMBER"
    assert release(fresh, Door.THREAD_LIST, "json", items[2:], egress.READER).expires is None


def test_one_item_keeps_its_h3_words_in_the_receipts_marking(fresh: World) -> None:
    item = item_of(fresh, OWN, tlp=Tlp.RED, handling=Handling.H3_WITH_WORDS)
    receipt = release(fresh, Door.THREAD_LIST, "json", [item], egress.READER)
    assert receipt.marking == f"H3 · TLP:RED · {WORDS}"


@pytest.fixture
def limited(fresh: World) -> Iterator[World]:
    """The world, with a daily limit of 3 bulk reads bound to its session factory."""
    factory = fresh.container.session_factory
    egress.bind_limits(factory, 3)
    yield fresh
    egress.bind_limits(factory, fresh.container.settings.bulk_read_daily_limit)


def read(world: World, *refs: str) -> Receipt:
    items = [item_of(world, OTHER, ref=ref) for ref in refs]
    return release(world, Door.THREAD_LIST, "json", items, egress.READER)


def test_the_daily_limit_of_bulk_reads_holds_and_a_refused_read_is_not_counted(
    limited: World,
) -> None:
    world = limited
    assert len(read(world, "firstread234567abcdefghijk", "secondread234567abcdefghij").items) == 2
    with pytest.raises(Forbidden) as raised:
        read(world, "thirdread234567abcdefghijk", "fourthread234567abcdefghij")
    message = str(raised.value.message).format(**raised.value.params)
    assert "read 4 objects of this kind" in message
    assert "the daily limit is 3" in message
    assert "subscription" in message
    event = refusal_of(raised.value)
    assert event is not None
    assert (event.action, event.outcome, event.object_kind, event.object_ref) == (
        "egress:refused",
        "denied",
        "door",
        Door.THREAD_LIST.value,
    )
    assert event.detail == {"why": "daily limit", "count": 4, "limit": 3}
    with world.container.uow() as uow:
        counted = uow.session.scalars(
            select(DailyReads.count).where(DailyReads.user_id == world.council.users[READER])
        ).all()
    assert counted == [2]
    assert len(exports(world)) == 1
    # The third object still fits the day.
    assert len(read(world, "thirdread234567abcdefghijk").items) == 1


def test_withheld_objects_are_not_counted_against_the_limit(limited: World) -> None:
    denied = [item_of(limited, OTHER, ref=f"denied{n}234567abcdefghijkl", verdict=Verdict.DENY)
                for n in range(5)]  # fmt: skip
    receipt = release(limited, Door.THREAD_LIST, "json", denied, egress.READER)
    assert receipt.items == ()
    assert len(read(limited, "a234567abcdefghijklmnopqr", "b234567abcdefghijklmnopqr").items) == 2
