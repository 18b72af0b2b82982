"""Hit/no-hit: a new or changed record is screened against the records of other agencies
that the safeguards let it meet, and every possible match becomes a hit.

Probing is limited: a record is screened at most `SCREENINGS_PER_DAY` times in 24 hours
(later changes are kept and wait), and an agency whose records keep hitting one other
agency's record (`NEAR_IDENTICAL_LIMIT` records in 24 hours: near-identical records
fishing for details) alerts the data protection officers of both agencies.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from sqlalchemy import func, select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.identity import notifications
from interagency.identity.models import Role
from interagency.identity.principals import Caller
from interagency.records import comparison, movement, pairing
from interagency.records.models import (
    Hit,
    HitStatus,
    Record,
    Screening,
)
from interagency.records.movement import Movement, moves
from interagency.records.policy import matchable, may_pair
from interagency.records.sealing import open_particulars
from interagency.vault import Vault

SCREENINGS_PER_DAY: Final = 3
NEAR_IDENTICAL_LIMIT: Final = 3
_DAY: Final = timedelta(hours=24)
_CHUNK: Final = 5000


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one screening did: the hits it recorded, or why it did not run."""

    hits: tuple[Hit, ...] = ()
    screened: bool = True
    deferred: bool = False  # the daily limit was reached: the record waits


def screen(uow: UnitOfWork, caller: Caller, vault: Vault, record: Record) -> Outcome:
    """Screens `record` and records its hits; the caller commits."""
    pairing.lock_screening(uow, record.kind)
    now = utcnow()
    today = now.date()
    states = pairing.states_of(uow, [record.owner_agency_id])
    searching = pairing.safeguards_of(record, states[record.owner_agency_id])
    query = open_particulars(uow, vault, record)
    if query is None or not matchable(searching, today):
        record.screen_pending = False
        return Outcome(screened=False)
    recent = uow.session.scalar(
        select(func.count())
        .select_from(Screening)
        .where(Screening.record_id == record.id, Screening.screened_at > now - _DAY)
    )
    if (recent or 0) >= SCREENINGS_PER_DAY:
        record.screen_pending = True
        _alert_edit_probing(uow, caller, record)
        return Outcome(screened=False, deferred=True)
    record.screen_pending = False
    candidates = _candidates(uow, record, today)
    states.update(pairing.states_of(uow, {c.owner_agency_id for c in candidates}))
    allowed = {
        c.id: c
        for c in candidates
        if may_pair(searching, pairing.safeguards_of(c, states[c.owner_agency_id]), today)
    }
    opened = {i: open_particulars(uow, vault, c) for i, c in allowed.items()}
    matches = comparison.matches_of(query, {i: p for i, p in opened.items() if p})
    hits = tuple(
        record_hit(uow, caller, record, allowed[m.found_id], m, now, states) for m in matches
    )
    uow.session.add(Screening(record_id=record.id, screened_at=now, hits_found=len(hits)))
    uow.session.flush()
    audit.record(
        uow,
        caller.event(
            "records:record:screen",
            object_kind="record",
            object_ref=record.id,
            detail={"hits": [h.reference for h in hits], "compared": len(allowed)},
        ),
    )
    return Outcome(hits=hits)


def _candidates(uow: UnitOfWork, record: Record, today: date) -> list[Record]:
    """Other agencies' live records of the same kind; the safeguards then judge each."""
    return list(
        uow.session.scalars(
            select(Record).where(
                Record.kind == record.kind,
                Record.owner_agency_id != record.owner_agency_id,
                Record.erased_at.is_(None),
                Record.particulars_sealed.is_not(None),
                Record.review_due >= today,
            )
        )
    )


def record_hit(
    uow: UnitOfWork,
    caller: Caller,
    searching: Record,
    found: Record,
    match: comparison.Match,
    now: datetime,
    states: dict[int, int | None] | None = None,
) -> Hit:
    """The pair's hit, new (announced to both sides, and checked for probing) or brought
    up to date (a hit found again is not announced again)."""
    existing = uow.session.scalar(
        select(Hit).where(Hit.searching_record_id == searching.id, Hit.found_record_id == found.id)
    )
    hit = store_hit(uow, caller, existing, searching, found, match, now, states)
    if existing is None:
        check_near_identical(uow, caller, searching.owner_agency_id, [found.id])
    return hit


@moves(Movement.HIT_SHOWN)
def store_hit(
    uow: UnitOfWork,
    caller: Caller,
    existing: Hit | None,
    searching: Record,
    found: Record,
    match: comparison.Match,
    now: datetime,
    states: dict[int, int | None] | None = None,
) -> Hit:
    """`existing` brought up to date, or a new hit announced to both sides. The caller
    holds the screening lock, read both records after taking it, has looked the pair's
    hit up, and checks new ones for probing. A hit withdrawn or expired earlier, and found
    again now that the safeguards allow it, is open again."""
    movement.require_pair(uow, caller, searching, found, states)
    if existing is not None:
        existing.withdrawn_at = existing.expired_at = existing.withdrawn_by_agency_id = None
    hit = existing or Hit(
        reference=f"HIT-{secrets.token_hex(5).upper()}",
        searching_record_id=searching.id,
        found_record_id=found.id,
        searching_agency_id=searching.owner_agency_id,
        owner_agency_id=found.owner_agency_id,
        status=HitStatus.NEW.value,
        created_at=now,
    )
    hit.band = match.band.value
    hit.score = match.probability
    hit.explanation = list(match.explanation)
    hit.updated_at = now
    if existing is None:
        uow.session.add(hit)
        _announce(uow, caller, searching, found, hit)
    return hit


def _announce(uow: UnitOfWork, caller: Caller, searching: Record, found: Record, hit: Hit) -> None:
    """Both sides learn of the hit by its reference; neither notice names its content."""
    link = f"/records/hits/{hit.reference}"
    searchers = {searching.created_by_id}
    if caller.principal is not None and caller.principal.agency_id == searching.owner_agency_id:
        searchers.add(caller.principal.user_id)
    notifications.notify(
        uow, searchers, "records:hit", {"reference": hit.reference, "band": hit.band}, link
    )
    notifications.notify(
        uow, {found.created_by_id}, "records:hit-on-yours", {"reference": hit.reference}, link
    )
    # The entry is the searching side's: what it may know of the hit, no more. The found
    # record and the score are the owner's; the hit's row keeps them, by this reference.
    audit.record(
        uow,
        caller.event(
            "records:hit:found",
            object_kind="hit",
            object_ref=hit.reference,
            detail={"searching_record": searching.id, "band": hit.band},
        ),
    )


def check_near_identical(
    uow: UnitOfWork, caller: Caller, searching_agency_id: int, found_ids: Iterable[int]
) -> None:
    """Many records of one agency hitting the same record in a day look like probing:
    one alert for each record hit so, to the DPOs of both agencies."""
    uow.session.flush()
    since = utcnow() - _DAY
    ordered = sorted(set(found_ids))
    for start in range(0, len(ordered), _CHUNK):
        probed = uow.session.execute(
            select(
                Hit.owner_agency_id,
                func.min(Hit.reference),
                func.count(func.distinct(Hit.searching_record_id)),
            )
            .where(
                Hit.found_record_id.in_(ordered[start : start + _CHUNK]),
                Hit.searching_agency_id == searching_agency_id,
                Hit.created_at > since,
            )
            .group_by(Hit.found_record_id, Hit.owner_agency_id)
            .having(func.count(func.distinct(Hit.searching_record_id)) >= NEAR_IDENTICAL_LIMIT)
        ).all()
        for owner_agency_id, reference, records in probed:
            _alert_dpos(
                uow,
                caller,
                "near-identical",
                [searching_agency_id, owner_agency_id],
                {"reference": reference, "records": int(records)},
            )


def _alert_edit_probing(uow: UnitOfWork, caller: Caller, record: Record) -> None:
    """The record's owner and every agency it has hit: both sides of the probing."""
    hit_owners = uow.session.scalars(
        select(Hit.owner_agency_id).where(Hit.searching_record_id == record.id).distinct()
    )
    _alert_dpos(
        uow,
        caller,
        "edits",
        [record.owner_agency_id, *hit_owners],
        {"record": record.public_id, "limit": SCREENINGS_PER_DAY},
    )


def _alert_dpos(
    uow: UnitOfWork, caller: Caller, kind: str, agency_ids: list[int], params: dict[str, object]
) -> None:
    dpos = notifications.holders_of(uow, Role.DATA_PROTECTION_OFFICER, set(agency_ids))
    notifications.notify(uow, dpos, f"records:probing-{kind}", dict(params), "/records/dpo")
    audit.record(
        uow,
        caller.event(
            f"records:probing:{kind}",
            object_kind="record",
            detail={**params, "agencies": sorted(set(agency_ids))},
        ),
    )
