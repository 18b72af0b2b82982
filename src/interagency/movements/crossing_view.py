"""One crossing as its submitting agency sees it on its page: when and where, and each hit
with the profile's holder, the band, the check and how far the release of the crossing's
place and route has come. Nothing of the profiles is read here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork
from interagency.identity.models import Agency
from interagency.identity.principals import Caller
from interagency.movements import crossings, policy
from interagency.movements.models import FighterAlert
from interagency.movements.schemas import JourneyIn
from interagency.movements.screened import CROSSINGS
from interagency.records.models import Hit
from interagency.screening.models import Subject


@dataclass(frozen=True)
class CrossingHitLine:
    reference: str
    owner_agency: str
    band: str
    status: str  # the hit's check: new, confirmed or dismissed
    alerted: bool  # confirmed, and the holder told
    release_proposed: bool
    proposed_by_caller: bool
    released: bool


@dataclass(frozen=True)
class CrossingView:
    reference: str
    occurred_at: datetime
    direction: str
    protection: str
    journey: JourneyIn
    hits: list[CrossingHitLine]


def view(uow: UnitOfWork, caller: Caller, public_id: str) -> CrossingView:
    """The crossing, if the caller's agency submitted it; any other answers as unknown."""
    crossing = crossings.gate(uow, caller, policy.Action.VIEW_CROSSING, public_id)
    principal = caller.principal
    assert principal is not None
    rows = uow.session.execute(
        select(Hit, FighterAlert, Agency.code)
        .join(Subject, Subject.id == Hit.searching_subject_id)
        .join(Agency, Agency.id == Hit.owner_agency_id)
        .outerjoin(FighterAlert, FighterAlert.hit_id == Hit.id)
        .where(
            Subject.kind == CROSSINGS.name,
            Subject.ref == crossing.id,
            Hit.expired_at.is_(None),
        )
        .order_by(Hit.id)
    ).all()
    lines = [
        CrossingHitLine(
            reference=hit.reference,
            owner_agency=code,
            band=hit.band,
            status=hit.status,
            alerted=alert is not None,
            release_proposed=alert is not None and alert.release_proposed_by_id is not None,
            proposed_by_caller=alert is not None
            and alert.release_proposed_by_id == principal.user_id,
            released=alert is not None and alert.release_thread_id is not None,
        )
        for hit, alert, code in rows
    ]
    audit.record(
        uow,
        caller.event(
            "movements:crossing:view",
            object_kind=crossings.KIND,
            object_ref=crossing.public_id,
            detail={"hits": [line.reference for line in lines]},
        ),
    )
    return CrossingView(
        reference=crossing.public_id,
        occurred_at=crossing.occurred_at,
        direction=crossing.direction,
        protection=crossing.protection,
        journey=crossings.journey_of(crossing),
        hits=lines,
    )
