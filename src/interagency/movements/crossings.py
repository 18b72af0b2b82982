"""Border crossings submitted one at a time (a border system calls the API with a
service account's token) or in a day's manifest (`manifests`): each is sealed, enrolled
and screened once against the profiles its agency may learn of, and the agency learns,
for each hit, its reference, the profile's holder and the band."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork
from interagency.errors import NotFound
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.models import Agency
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.movements import policy
from interagency.movements.models import Crossing, Protection
from interagency.movements.schemas import CrossingIn, CrossingOut, HitLine, JourneyIn
from interagency.movements.screened import CROSSINGS, particulars_of, traveller_text
from interagency.records.models import Hit
from interagency.records.services import state_id_of
from interagency.screening import service as screening
from interagency.screening import subjects
from interagency.screening.memo import Memo
from interagency.vault import Vault

KIND = "crossing"


def require_submitter(caller: Caller) -> Principal:
    """The caller may submit crossings for their agency (checked before a file is read)."""
    principal = caller.principal
    mine = policy.relations(principal, submitter_agency_id=principal.agency_id) if principal else ()
    return guard.check(
        caller,
        principal is not None and policy.allowed(principal, policy.Action.SUBMIT, mine),
        policy.Action.SUBMIT,
        KIND,
    )


def build(uow: UnitOfWork, principal: Principal, data: CrossingIn) -> Crossing:
    """The crossing's row, its texts sealed at flush."""
    fled = state_id_of(uow, data.protection_from) if data.protection_from else None
    journey = JourneyIn(
        crossing_point=data.crossing_point,
        document_country=data.document_country,
        carrier=data.carrier,
        service=data.service,
    )
    return Crossing(
        agency_id=principal.agency_id,
        submitted_by_id=principal.user_id,
        occurred_at=data.occurred_at,
        direction=data.direction.value,
        protection=data.protection.value,
        protection_from_state_id=fled,
        particulars=traveller_text(data.traveller().model_dump()),
        journey=journey.model_dump_json(),
    )


def submit(uow: UnitOfWork, caller: Caller, vault: Vault, data: CrossingIn) -> CrossingOut:
    """Stores and screens one crossing; the caller commits."""
    principal = require_submitter(caller)
    crossing = build(uow, principal, data)
    uow.session.add(crossing)
    uow.session.flush()
    hits = screen(uow, caller, vault, [crossing])
    audit.record(
        uow,
        caller.event(
            "movements:crossing:submit",
            object_kind=KIND,
            object_ref=crossing.public_id,
            detail={"hits": [h.reference for h in hits]},
        ),
    )
    return CrossingOut(
        reference=crossing.public_id,
        screened=True,
        hits=lines_of(uow, hits),
    )


def screen(
    uow: UnitOfWork,
    caller: Caller,
    vault: Vault,
    crossings: Sequence[Crossing],
    memo: Memo | None = None,
    *,
    tell_searchers: bool = True,
) -> list[Hit]:
    """Enrols the stored crossings and screens them through the service; their hits (see
    `screening.service.screen_many` for `memo` and `tell_searchers`)."""
    opened = {c.id: particulars_of(c) for c in crossings}
    entries = [subjects.Entry(c.id, c.agency_id, "person", opened[c.id]) for c in crossings]
    enrolled = subjects.enrol(uow, vault, CROSSINGS, entries)
    items = [(enrolled[c.id], opened[c.id]) for c in crossings]
    outcomes = screening.screen_many(uow, caller, vault, items, memo, tell_searchers=tell_searchers)
    return [hit for outcome in outcomes for hit in outcome.hits]


def lines_of(uow: UnitOfWork, hits: Sequence[Hit]) -> list[HitLine]:
    codes = dict(
        uow.session.execute(
            select(Agency.id, Agency.code).where(Agency.id.in_({h.owner_agency_id for h in hits}))
        ).all()
    )
    return [HitLine(reference=h.reference, owner_agency=codes[h.owner_agency_id], band=h.band)
            for h in hits]  # fmt: skip


def journey_of(crossing: Crossing) -> JourneyIn:
    return JourneyIn.model_validate(json.loads(crossing.journey))


def gate(uow: UnitOfWork, caller: Caller, action: policy.Action, public_id: str) -> Crossing:
    """One of the caller's agency's crossings; any other answers as an unknown one."""
    crossing = uow.session.scalar(select(Crossing).where(Crossing.public_id == public_id))
    principal = caller.principal
    missing = NotFound(lazy("There is no crossing {ref}."), ref=public_id)
    if crossing is None or principal is None:
        raise missing
    mine = policy.relations(principal, submitter_agency_id=crossing.agency_id)
    if policy.Relation.SUBMITTER not in mine:
        raise guard.hidden(caller, action.value, KIND, public_id, missing)
    guard.check(caller, policy.allowed(principal, action, mine), action, KIND, public_id)
    return crossing


def protected(crossing: Crossing) -> bool:
    return crossing.protection != Protection.NONE.value
