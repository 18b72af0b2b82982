"""The export gate: the one function every door calls before content leaves.

`release(uow, caller, door, items, fmt=..., destination=...)` applies, at that moment and
for each item, the feature's own verdict (carried by the `Item` the feature builds from
its policy table), the records' safeguards (likewise), the gate's table of markings and
destinations (`egress.policy`), the handling code's conditions and the review date; it
checks that a third party is registered with a legal basis and that each other agency
whose data goes there has consented; it counts bulk reads against the daily limit and
the reader's subscription; and it records what left, to whom, in which format, under an
export id, in `exports` and in the audit. A file, a crossing or an original leaves
whole or not at all; a bulk read leaves without the items it may not carry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.egress import third_parties
from interagency.egress.doors import DOORS, Door, DoorSpec, Leaves
from interagency.egress.limits import daily_limit
from interagency.egress.models import (
    Consent,
    DailyReads,
    DestinationKind,
    Export,
    Subscription,
    SubscriptionReach,
    SubscriptionStatus,
    ThirdParty,
)
from interagency.egress.policy import Outcome, rule_for
from interagency.errors import Forbidden, InvalidInput
from interagency.i18n import lazy
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.markings import HANDLING_RANK, HandlingCode, Tlp, stricter_tlp

# Where each way of leaving may go.
DESTINATIONS: Final[dict[Leaves, frozenset[DestinationKind]]] = {
    Leaves.COPY: frozenset({DestinationKind.READER, DestinationKind.THIRD_PARTY}),
    Leaves.ORIGINAL: frozenset({DestinationKind.READER}),
    Leaves.CROSSING: frozenset({DestinationKind.AGENCY}),
    Leaves.BULK_READ: frozenset({DestinationKind.READER, DestinationKind.THIRD_PARTY}),
}


class Permit(StrEnum):
    """What the feature's policy table says about this reader taking this object out."""

    ALLOW = "allow"
    WITH_CONSENT = "with_consent"  # only once the provider has recorded its consent
    DENY = "deny"


@dataclass(frozen=True)
class Item:
    """One object at a door, as its feature judged it for this reader."""

    kind: str
    ref: str  # the public id
    owner_agency_id: int | None
    tlp: Tlp
    handling: HandlingCode
    restriction: str | None = None  # H3's restriction, in words
    review_on: date | None = None
    permit: Permit = Permit.ALLOW
    # The provider's consent recorded by the feature itself (e.g. an approved export
    # request on a thread), for the reader's own agency.
    consented: bool = False
    # Why the records' safeguards stop this item now; None when they let it pass.
    safeguard: str | None = None
    # When the owner's part of the object last changed: a consent for this one object
    # covers what the owner saw when giving it, so a later change needs consent again.
    changed_at: datetime | None = None

    @property
    def marking(self) -> str:
        text = f"{self.handling.value} · TLP:{self.tlp.value}"
        return f"{text} · {self.restriction}" if self.restriction else text


@dataclass(frozen=True)
class Destination:
    kind: DestinationKind
    agency_id: int | None = None  # for AGENCY
    third_party: str | None = None  # the public id, for THIRD_PARTY


READER: Final = Destination(DestinationKind.READER)


def to_third_party(public_id: str) -> Destination:
    return Destination(DestinationKind.THIRD_PARTY, third_party=public_id)


def to_agency(agency_id: int) -> Destination:
    return Destination(DestinationKind.AGENCY, agency_id=agency_id)


@dataclass(frozen=True)
class Receipt:
    """What passed the gate, under which export id: every item that leaves carries it."""

    export_id: str
    door: Door
    fmt: str
    items: tuple[Item, ...]
    withheld: frozenset[str] = field(default_factory=frozenset)

    @property
    def expires(self) -> date | None:
        """The earliest review date of what left: the copy is stale after it."""
        dates = [item.review_on for item in self.items if item.review_on is not None]
        return min(dates) if dates else None

    @property
    def strictest(self) -> tuple[HandlingCode, Tlp]:
        """The strictest handling code and distribution among what left."""
        tlp = Tlp.CLEAR
        handling = HandlingCode.H0
        for item in self.items:
            tlp = stricter_tlp(tlp, item.tlp)
            if HANDLING_RANK[item.handling] > HANDLING_RANK[handling]:
                handling = item.handling
        return handling, tlp

    @property
    def restriction(self) -> str | None:
        """The H3 restriction in words, when one item left and it has one."""
        return self.items[0].restriction if len(self.items) == 1 else None

    @property
    def marking(self) -> str:
        """The strictest marking of what left (all of it, words included, for one item)."""
        if len(self.items) == 1:
            return self.items[0].marking
        handling, tlp = self.strictest
        return f"{handling.value} · TLP:{tlp.value}"

    def passed(self, ref: str) -> bool:
        return ref not in self.withheld


def release(
    uow: UnitOfWork,
    caller: Caller,
    door: Door,
    items: Sequence[Item],
    *,
    fmt: str,
    destination: Destination = READER,
    query: Mapping[str, object] | None = None,
) -> Receipt:
    """Lets `items` out through `door`, or raises `Forbidden` carrying the audited refusal.

    For a bulk read the items that may not leave are withheld instead (`Receipt.passed`).
    """
    spec = DOORS[door]
    principal = _taker(caller, spec, fmt)
    subscription = None
    if spec.leaves is Leaves.BULK_READ:
        subscription = _subscription(uow, principal, door)
        if subscription is not None and subscription.third_party_id is not None:
            # A subscription that feeds a third party makes every read of it go there.
            fed = third_parties.public_id_of(uow, subscription.third_party_id)
            destination = to_third_party(fed or "")
    party, passed, withheld = _judged(uow, caller, principal, door, items, fmt, destination)
    if spec.leaves is Leaves.BULK_READ:
        _count(uow, caller, principal, door, passed, subscription)
    row = Export(
        door=door.value,
        format=fmt,
        reader_user_id=principal.user_id,
        reader_agency_id=principal.agency_id,
        destination=destination.kind.value,
        target_agency_id=destination.agency_id,
        third_party_id=party.id if party else None,
        subscription_id=subscription.id if subscription else None,
        items=[_entry(item) for item in passed],
    )
    uow.session.add(row)
    uow.session.flush()
    detail: dict[str, object] = {
        "export": row.public_id,
        "door": door.value,
        "format": fmt,
        "destination": destination.kind.value,
        "items": [item.ref for item in passed],
    }
    if party is not None:
        detail["third_party"] = party.public_id
    if destination.agency_id is not None:
        detail["target_agency"] = destination.agency_id
    if withheld:
        detail["withheld"] = len(withheld)
    if subscription is not None:
        detail["subscription"] = subscription.public_id
    if query:
        detail["query"] = dict(query)
    audit.record(
        uow, caller.event("egress:export", object_kind="export", object_ref=row.public_id,
                          detail=detail)
    )  # fmt: skip
    return Receipt(row.public_id, door, fmt, tuple(passed), frozenset(withheld))


def check(
    uow: UnitOfWork,
    caller: Caller,
    door: Door,
    items: Sequence[Item],
    *,
    fmt: str,
    destination: Destination = READER,
) -> None:
    """Refuses now, exactly as `release` would, what may not leave whole through `door`;
    records nothing. For work that lets the items out later (a file prepared in the
    background): its request is refused at once, and `release` judges again, and records
    the export, when the data moves."""
    spec = DOORS[door]
    if spec.leaves is Leaves.BULK_READ:
        raise ValueError("a bulk read is counted as it is read: it has no check beforehand")
    principal = _taker(caller, spec, fmt)
    _judged(uow, caller, principal, door, items, fmt, destination)


def receipt_of(
    uow: UnitOfWork, export_id: str, door: Door, *, restriction: str | None = None
) -> Receipt | None:
    """The receipt of an export the gate recorded earlier through `door`, for delivering
    later what it let out (a prepared file); None if there is no such export. The export
    does not keep an H3 restriction's words (content): the caller gives them back."""
    row = uow.session.scalar(
        select(Export).where(Export.public_id == export_id, Export.door == door.value)
    )
    if row is None:
        return None
    items = tuple(
        Item(
            kind=entry["kind"],
            ref=entry["ref"],
            owner_agency_id=entry["owner"],
            tlp=Tlp(entry["tlp"]),
            handling=HandlingCode(entry["handling"]),
            restriction=restriction,
            review_on=date.fromisoformat(entry["expires"]) if entry["expires"] else None,
        )
        for entry in row.items
    )
    return Receipt(row.public_id, door, row.format, items)


def _taker(caller: Caller, spec: DoorSpec, fmt: str) -> Principal:
    """Who takes the data out, once the format is one the door serves."""
    principal = caller.principal
    if principal is None:
        raise Forbidden(lazy("Only a signed-in user or a service account takes data out."))
    if fmt not in spec.formats:
        raise InvalidInput(
            lazy("This export is offered as {formats}, not {format}."),
            formats=", ".join(sorted(spec.formats)),
            format=fmt,
        )
    return principal


def _judged(
    uow: UnitOfWork,
    caller: Caller,
    principal: Principal,
    door: Door,
    items: Sequence[Item],
    fmt: str,
    destination: Destination,
) -> tuple[ThirdParty | None, list[Item], set[str]]:
    """The third party, the items that pass and the refs withheld; for a door that lets a
    whole file out, the first item that may not leave raises its audited refusal."""
    spec = DOORS[door]
    if destination.kind not in DESTINATIONS[spec.leaves]:
        raise InvalidInput(lazy("Nothing leaves through this door to that destination."))
    party = _third_party(uow, caller, door, destination)
    passed: list[Item] = []
    withheld: set[str] = set()
    for item in items:
        why = _why_not(uow, principal, spec.leaves, destination, party, item)
        if why is None:
            passed.append(item)
            continue
        if spec.leaves is not Leaves.BULK_READ:
            raise why.refused_as(
                caller.event(
                    "egress:refused",
                    outcome="denied",
                    object_kind=item.kind,
                    object_ref=item.ref,
                    detail={"door": door.value, "destination": destination.kind.value,
                            "format": fmt},
                )
            )  # fmt: skip
        withheld.add(item.ref)
    return party, passed, withheld


def _entry(item: Item) -> dict[str, object]:
    return {
        "kind": item.kind,
        "ref": item.ref,
        "owner": item.owner_agency_id,
        "tlp": item.tlp.value,
        "handling": item.handling.value,
        "expires": item.review_on.isoformat() if item.review_on else None,
    }


def _why_not(
    uow: UnitOfWork,
    principal: Principal,
    leaves: Leaves,
    destination: Destination,
    party: ThirdParty | None,
    item: Item,
) -> Forbidden | None:
    """Why this item may not leave this way to this destination, or None."""
    # The marking's refusal comes first: no role and no consent changes it, so it is the
    # answer that tells the reader where they stand (a feature's table often denies the
    # same marking for the same reason).
    rule = rule_for(leaves, destination.kind, item.tlp)
    if rule is None or rule.outcome is Outcome.DENY:
        if item.tlp is Tlp.RED and leaves is Leaves.COPY:
            return Forbidden(lazy("RED is never exported; it stays on the platform."))
        return Forbidden(
            lazy("{marking} never goes to {destination}."),
            marking=f"TLP:{item.tlp.value}",
            destination=_named(destination, party),
        )
    if item.permit is Permit.DENY:
        return Forbidden(
            lazy("Your role and your agency's part in {ref} do not let you take it out."),
            ref=item.ref,
        )
    if item.safeguard is not None:
        return Forbidden(item.safeguard)
    if item.handling is HandlingCode.H3 and not item.restriction:
        return Forbidden(
            lazy("{ref} is marked H3 but its restriction is not stated: nobody could honour it."),
            ref=item.ref,
        )
    stale = item.review_on is not None and item.review_on < utcnow().date()
    if stale and (leaves is not Leaves.BULK_READ or party is not None):
        return Forbidden(
            lazy("{ref} is past its review date ({date}): it is reviewed before it leaves."),
            ref=item.ref,
            date=item.review_on,
        )
    own = item.owner_agency_id == principal.agency_id
    if rule.outcome is Outcome.OWNER_ONLY and not own:
        return Forbidden(
            lazy("Only the agency that owns {ref} sends it to another agency."), ref=item.ref
        )
    if item.permit is Permit.WITH_CONSENT and not item.consented and not own:
        return Forbidden(
            lazy(
                "{ref} is handled as {code}: ask the providing agency for its consent to an "
                "export first."
            ),
            ref=item.ref,
            code=item.handling.value,
        )
    if rule.outcome is Outcome.OWNER_CONSENT and not own:
        assert party is not None  # (only a third party's rule asks for consent)
        if not _consented(uow, item, party):
            return Forbidden(
                lazy("The agency that owns {ref} has not consented to its going to {party}."),
                ref=item.ref,
                party=party.name,
            )
    return None


def _named(destination: Destination, party: ThirdParty | None) -> str:
    if party is not None:
        return party.name
    return str(lazy("another agency") if destination.kind is DestinationKind.AGENCY
               else lazy("a file"))  # fmt: skip


def _third_party(
    uow: UnitOfWork, caller: Caller, door: Door, destination: Destination
) -> ThirdParty | None:
    if destination.kind is not DestinationKind.THIRD_PARTY:
        return None
    party = third_parties.active(uow, destination.third_party or "")
    if party is None:
        raise Forbidden(
            lazy(
                "Data goes outside the council only to a third party the secretariat has "
                "registered with its legal basis; this one is not registered."
            )
        ).refused_as(
            caller.event(
                "egress:refused", outcome="denied", object_kind="third_party",
                object_ref=destination.third_party or "",
                detail={"door": door.value, "destination": destination.kind.value},
            )
        )  # fmt: skip
    return party


def _consented(uow: UnitOfWork, item: Item, party: ThirdParty) -> bool:
    if item.owner_agency_id is None:
        return False
    found = uow.session.scalar(
        select(Consent.id)
        .where(
            Consent.owner_agency_id == item.owner_agency_id,
            Consent.third_party_id == party.id,
            Consent.object_kind == item.kind,
            or_(Consent.object_ref.is_(None), _covers_this_object(item)),
            Consent.withdrawn_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


def _covers_this_object(item: Item) -> ColumnElement[bool]:
    """A consent given for this very object, after its owner's part last changed (a kind's
    consent covers every object of the kind, later ones included: that is what it says)."""
    this_object = Consent.object_ref == item.ref
    if item.changed_at is None:
        return this_object
    return and_(this_object, Consent.granted_at >= item.changed_at)


def _subscription(uow: UnitOfWork, principal: Principal, door: Door) -> Subscription | None:
    return uow.session.scalar(
        select(Subscription)
        .where(
            Subscription.reader_user_id == principal.user_id,
            Subscription.door == door.value,
            Subscription.status == SubscriptionStatus.APPROVED.value,
            Subscription.valid_until >= utcnow().date(),
        )
        .order_by(Subscription.daily_limit.desc())
        .limit(1)
    )


def _count(
    uow: UnitOfWork,
    caller: Caller,
    principal: Principal,
    door: Door,
    passed: Sequence[Item],
    subscription: Subscription | None,
) -> None:
    """Adds this read to the reader's count of the day; past the limit, only an approved
    subscription lets it through, and the agencies whose data it reads are noted."""
    read_today = _add_reads(uow, principal.user_id, door, len(passed))
    limit = daily_limit(uow.session)
    if read_today <= limit:
        return
    if subscription is None or read_today > subscription.daily_limit:
        allowed = subscription.daily_limit if subscription else limit
        raise Forbidden(
            lazy(
                "You have read {count} objects of this kind through the API today; the daily "
                "limit is {limit}. Reading more needs a subscription, asked for by one person "
                "of your agency and approved by another, a supervisor."
            ),
            count=read_today,
            limit=allowed,
        ).refused_as(
            caller.event(
                "egress:refused", outcome="denied", object_kind="door", object_ref=door.value,
                detail={"why": "daily limit", "count": read_today, "limit": allowed},
            )
        )  # fmt: skip
    owners = {item.owner_agency_id for item in passed if item.owner_agency_id is not None}
    for agency_id in owners:
        statement = _insert(uow.session)(SubscriptionReach).values(
            subscription_id=subscription.id, agency_id=agency_id, first_read_at=utcnow()
        )
        uow.session.execute(statement.on_conflict_do_nothing())


def _add_reads(uow: UnitOfWork, user_id: int, door: Door, count: int) -> int:
    statement = _insert(uow.session)(DailyReads).values(
        user_id=user_id, door=door.value, day=utcnow().date(), count=count
    )
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "door", "day"],
        set_={"count": DailyReads.count + count},
    ).returning(DailyReads.count)
    return int(uow.session.execute(statement).scalar_one())


def _insert(session: Session):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return postgresql_insert if dialect == "postgresql" else sqlite_insert
