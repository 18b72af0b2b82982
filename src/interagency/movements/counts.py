"""Departures and returns per member state and month, for the council's joint threat
assessment: counts only, derived from the profiles' statuses and from confirmed hits of
crossings (an exit confirmed is a departure, an entry a return), each person counted once
a month; a count under `policy.SMALLEST_COUNT_SHOWN` is shown as "fewer than"."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork
from interagency.identity import guard
from interagency.identity.models import Agency, MemberState
from interagency.identity.principals import Caller
from interagency.movements import policy
from interagency.movements.models import Direction, FighterAlert, FighterProfile
from interagency.movements.schemas import CountRow
from interagency.records.models import Hit, HitStatus, Record

KIND = "counts"


def monthly(uow: UnitOfWork, caller: Caller) -> list[CountRow]:
    principal = caller.principal
    mine = policy.relations(principal) if principal else ()
    guard.check(
        caller,
        principal is not None and policy.allowed(principal, policy.Action.VIEW_COUNTS, mine),
        policy.Action.VIEW_COUNTS,
        KIND,
    )
    states = dict(
        uow.session.execute(
            select(Agency.id, MemberState.iso_alpha3).join(
                MemberState, MemberState.id == Agency.member_state_id
            )
        ).all()
    )
    people: dict[tuple[str, str, str], set[int]] = defaultdict(set)

    def count(agency_id: int, when: date | None, kind: str, profile_id: int) -> None:
        if when is not None and agency_id in states:
            people[(states[agency_id], f"{when:%Y-%m}", kind)].add(profile_id)

    live = Record.erased_at.is_(None)
    for profile_id, agency_id, departed, returned in uow.session.execute(
        select(
            FighterProfile.id,
            FighterProfile.owner_agency_id,
            FighterProfile.departed_on,
            FighterProfile.returned_on,
        )
        .join(Record, Record.id == FighterProfile.record_id)
        .where(live)
    ):
        count(agency_id, departed, "departures", profile_id)
        count(agency_id, returned, "returns", profile_id)
    for profile_id, agency_id, direction, occurred in uow.session.execute(
        select(
            FighterAlert.profile_id,
            FighterAlert.owner_agency_id,
            FighterAlert.direction,
            FighterAlert.occurred_on,
        )
        .join(Hit, Hit.id == FighterAlert.hit_id)
        .where(Hit.status == HitStatus.CONFIRMED.value, Hit.expired_at.is_(None))
    ):
        kind = "departures" if direction == Direction.EXIT.value else "returns"
        count(agency_id, occurred, kind, profile_id)
    cells = sorted({(state, month) for state, month, _ in people})
    rows = [
        CountRow(
            state=state,
            month=month,
            departures=policy.shown_count(len(people.get((state, month, "departures"), ()))),
            returns=policy.shown_count(len(people.get((state, month, "returns"), ()))),
        )
        for state, month in cells
    ]
    audit.record(uow, caller.event("movements:counts:view", object_kind=KIND,
                                   detail={"cells": len(rows)}))  # fmt: skip
    return rows
