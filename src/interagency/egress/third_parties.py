"""The register of third parties as the gate and the features read it: which are active,
their names, and an owner's consent recorded by a feature's own decision (an approved
export request). One place, so that "registered" means the same at every door."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from interagency.db import UnitOfWork
from interagency.egress.models import Consent, ThirdParty


def active(uow: UnitOfWork, public_id: str) -> ThirdParty | None:
    """The registered, not withdrawn third party with this public id, or None."""
    return uow.session.scalar(
        select(ThirdParty).where(
            ThirdParty.public_id == public_id, ThirdParty.withdrawn_at.is_(None)
        )
    )


def all_active(uow: UnitOfWork) -> list[ThirdParty]:
    """The third parties the secretariat registered and has not withdrawn, by name."""
    return list(
        uow.session.scalars(
            select(ThirdParty).where(ThirdParty.withdrawn_at.is_(None)).order_by(ThirdParty.name)
        )
    )


def names(uow: UnitOfWork, party_ids: Iterable[int | None]) -> dict[int, str]:
    """The names of these third parties, withdrawn ones too (a request still names one)."""
    wanted = {party_id for party_id in party_ids if party_id is not None}
    if not wanted:
        return {}
    rows = uow.session.execute(
        select(ThirdParty.id, ThirdParty.name).where(ThirdParty.id.in_(wanted))
    )
    return {row.id: row.name for row in rows}


def public_id_of(uow: UnitOfWork, party_id: int) -> str | None:
    party = uow.session.get(ThirdParty, party_id)
    return party.public_id if party else None


def record_owner_consent(
    uow: UnitOfWork, owner_agency_id: int, party_id: int, kind: str, ref: str, by_user_id: int
) -> None:
    """The owner's consent for one object and one third party, given by a decision the
    feature has already checked (who may decide, on what)."""
    uow.session.add(
        Consent(
            owner_agency_id=owner_agency_id,
            third_party_id=party_id,
            object_kind=kind,
            object_ref=ref,
            granted_by_id=by_user_id,
        )
    )
    uow.session.flush()
