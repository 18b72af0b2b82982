"""Profiles and crossings as subjects of the screening service.

- "fighter-profile": a profile's person record, screened against by crossings and never
  searching itself. Its safeguards are the record's, with two of the profile's own: it is
  matched only once the review board cleared it, unless it names a group on the UN 1267
  list (`policy.needs_review`), and a minor's profile only with a stated necessity that
  another supervisor approved, as a victim's record is.
- "border-crossing": one submitted crossing, screened once against the profiles its agency
  may learn of, never towards the state a refugee or asylum seeker fled. A person of the
  submitting agency checks its hits (`checked_by_searcher`), and the profile's holder is
  alerted only when one is confirmed. A crossing not behind a confirmed hit is deleted
  when its retention ends (`minimisation`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Final

from sqlalchemy import delete, select

from interagency.db import UnitOfWork
from interagency.identity.models import Role, User, UserRole
from interagency.inputs import STORED
from interagency.movements import alerts, policy
from interagency.movements.models import Crossing, FighterAlert, FighterProfile
from interagency.records import pairing
from interagency.records.models import Neutrality, Record
from interagency.records.particulars import Particulars, PersonParticulars
from interagency.records.policy import Safeguards
from interagency.records.protection import ERASED
from interagency.records.screened import RECORDS, RecordBacked
from interagency.screening import registry
from interagency.vault import Vault

_CHUNK: Final = 5000


class ProfileHolder(RecordBacked):
    """Profiles by their record's id (`registry.Holder`)."""

    def safeguards(
        self, uow: UnitOfWork, refs: Sequence[int], *, fresh: bool = False
    ) -> Mapping[int, Safeguards]:
        profiles = _profiles(uow, refs)
        minors = set(
            uow.session.scalars(
                select(Record.id).where(Record.id.in_(list(profiles)), Record.is_minor.is_(True))
            )
        )
        held = RECORDS.holder.safeguards(uow, list(profiles), fresh=fresh)
        return {
            ref: dataclasses.replace(
                guards,
                # `flagged` asks for the board's clearance, as a flag on the record does.
                flagged=guards.flagged or policy.needs_review(profiles[ref]),
                protected=guards.protected or ref in minors,
            )
            for ref, guards in held.items()
        }

    def forget(self, uow: UnitOfWork, refs: Sequence[int]) -> None:
        """The records were erased: so is what their profiles say. The rows stay, for
        the alerts and counts that name them."""
        for profile in uow.session.scalars(
            select(FighterProfile).where(FighterProfile.record_id.in_(sorted(set(refs))))
        ):
            profile.basis = ERASED
            profile.un_group = None


def _profiles(uow: UnitOfWork, record_ids: Sequence[int]) -> dict[int, str | None]:
    """The UN group named by the profile of each record that has one."""
    found: dict[int, str | None] = {}
    ordered = sorted(set(record_ids))
    for start in range(0, len(ordered), _CHUNK):
        rows = uow.session.execute(
            select(FighterProfile.record_id, FighterProfile.un_group).where(
                FighterProfile.record_id.in_(ordered[start : start + _CHUNK])
            )
        )
        found.update((record_id, group) for record_id, group in rows)
    return found


class CrossingHolder:
    """Crossings by their id (`registry.Holder`)."""

    def safeguards(
        self, uow: UnitOfWork, refs: Sequence[int], *, fresh: bool = False
    ) -> Mapping[int, Safeguards]:
        rows = _crossings(uow, refs, fresh=fresh)
        states = pairing.states_of(uow, {c.agency_id for c in rows.values()})
        return {
            ref: traveller_safeguards(c.agency_id, states[c.agency_id], c.protection_from_state_id)
            for ref, c in rows.items()
        }

    def particulars(
        self, uow: UnitOfWork, vault: Vault, refs: Sequence[int]
    ) -> Mapping[int, Particulars]:
        return {ref: particulars_of(c) for ref, c in _crossings(uow, refs).items()}

    def references(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, str]:
        return {ref: c.public_id for ref, c in _crossings(uow, refs).items()}

    def told(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, frozenset[int]]:
        """The person who submitted it, and the agency's liaison officers and supervisors:
        a border system's service account checks nothing."""
        rows = _crossings(uow, refs)
        officers = checkers_of(uow, {c.agency_id for c in rows.values()})
        return {
            ref: frozenset({c.submitted_by_id, *officers.get(c.agency_id, ())})
            for ref, c in rows.items()
        }

    def forget(self, uow: UnitOfWork, refs: Sequence[int]) -> None:
        """The crossings, with the alerts of their expired hits."""
        ordered = sorted(set(refs))
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            uow.write(delete(FighterAlert).where(FighterAlert.crossing_id.in_(chunk)))
            uow.write(delete(Crossing).where(Crossing.id.in_(chunk)))


def checkers_of(uow: UnitOfWork, agency_ids: Iterable[int]) -> dict[int, set[int]]:
    """Who checks the hits of each agency's crossings besides their submitter: its liaison
    officers and supervisors, by agency."""
    wanted = set(agency_ids)
    found: dict[int, set[int]] = {agency_id: set() for agency_id in wanted}
    rows = uow.session.execute(
        select(User.agency_id, User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role.in_([Role.LIAISON_OFFICER.value, Role.SUPERVISOR.value]),
            User.agency_id.in_(sorted(wanted)),
            User.disabled_at.is_(None),
        )
    )
    for agency_id, user_id in rows:
        found[agency_id].add(user_id)
    return found


def traveller_safeguards(
    agency_id: int, state_id: int | None, fled_state_id: int | None
) -> Safeguards:
    """What the safeguards read of a crossing, stored or not: a traveller, never matched
    towards the state they fled."""
    return Safeguards(
        owner_agency_id=agency_id,
        owner_state_id=state_id,
        category=None,  # a traveller, not a data subject the agency holds
        offence=None,
        flagged=False,
        neutrality=Neutrality.NOT_REQUIRED,
        necessity_approved=False,
        # Kept only behind a confirmed hit, under the profile's review date.
        review_due=date.max,
        erased=False,
        hits_to_all=True,
        hit_agency_ids=frozenset(),
        refuge_from_state_id=fled_state_id,
    )


def _crossings(uow: UnitOfWork, refs: Sequence[int], *, fresh: bool = False) -> dict[int, Crossing]:
    found: dict[int, Crossing] = {}
    ordered = sorted(set(refs))
    options = {"populate_existing": True} if fresh else {}
    for start in range(0, len(ordered), _CHUNK):
        rows = uow.session.scalars(
            select(Crossing)
            .where(Crossing.id.in_(ordered[start : start + _CHUNK]))
            .execution_options(**options)
        )
        found.update((c.id, c) for c in rows)
    return found


def particulars_of(crossing: Crossing) -> PersonParticulars:
    """The traveller as the engine compares them: the document's number and country stand
    for the passport and nationality of a record."""
    return PersonParticulars.model_validate_json(crossing.particulars, context=STORED)


def traveller_text(data: Mapping[str, str]) -> str:
    """The sealed JSON of a crossing's traveller (`particulars_of` reads it)."""
    keep = ("surname", "given_name", "patronymic", "birth_date", "sex", "passport", "nationality")
    return json.dumps({k: data[k] for k in keep if data.get(k)}, ensure_ascii=False, sort_keys=True)


PROFILES: Final = registry.register(
    registry.SubjectKind(
        name="fighter-profile",
        purpose="Profiles of known or suspected foreign terrorist fighters that member "
        "agencies keep, screened against by the region's border crossings (UN Security "
        "Council resolutions 2178 and 2396).",
        screened_against=frozenset(),
        holder=ProfileHolder(),
        object_kind="record",
        record_rows=True,
    )
)

CROSSINGS: Final = registry.register(
    registry.SubjectKind(
        name="border-crossing",
        purpose="Border crossings screened once against the cleared profiles of foreign "
        "terrorist fighters; deleted unless a person confirmed a hit.",
        screened_against=frozenset({PROFILES.name}),
        holder=CrossingHolder(),
        # Swept by its own feature, under the setting (`minimisation`).
        retention=None,
        object_kind="crossing",
        screen_action="movements:crossing:screen",
        checked_by_searcher=True,
        on_confirmed=alerts.raise_alert,
    )
)
