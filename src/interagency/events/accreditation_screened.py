"""Accreditation applicants and the records opted in for them, as subjects of the
screening service.

- "event-record": a record some agency opted in for an event, by the record's id (its keys
  follow the record's, as a fighter's profile's do). Its safeguards are the record's, and
  only while it is eligible for at least one event it is opted in for: a record turned
  into a witness's, or on an offence no event declares, is met by nothing, and its hits
  expire in the daily sweep.
- "accreditation-applicant": one applicant of a host's batch, screened against the
  event-records, and only those opted in for its own event and eligible under that event's
  terms (`candidates_within`, judged at every screening). The record's owner checks the
  hit; the host learns of it only once confirmed (`on_confirmed`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final

from sqlalchemy import delete, select

from interagency.db import UnitOfWork, one_of
from interagency.events import accreditation_policy as rules
from interagency.events.accreditation_models import (
    AccreditationTerms,
    Applicant,
    ApplicantBatch,
    OptIn,
)
from interagency.events.models import Event, Participant
from interagency.identity import notifications
from interagency.identity.principals import Caller
from interagency.inputs import STORED
from interagency.records import pairing
from interagency.records.models import Hit, Neutrality, Record
from interagency.records.particulars import Particulars, PersonParticulars
from interagency.records.policy import Safeguards
from interagency.records.screened import RECORDS, RecordBacked
from interagency.screening import registry
from interagency.screening.models import Screened, Subject
from interagency.vault import Vault

_CHUNK: Final = 5000


def eligible_pairs(uow: UnitOfWork, record_ids: Sequence[int]) -> set[tuple[int, int]]:
    """(event id, record id) of each opt-in of these records that its event's terms and
    the record as it stands now allow; read now, never remembered."""
    found: set[tuple[int, int]] = set()
    ordered = sorted(set(record_ids))
    for start in range(0, len(ordered), _CHUNK):
        rows = uow.session.execute(
            select(
                OptIn.event_id,
                Record.id,
                Record.subject_category,
                Record.offence_category,
                Record.is_minor,
                Record.flagged_reason_sealed.is_not(None),
                AccreditationTerms.offences,
            )
            .join(Record, Record.id == OptIn.record_id)
            .join(AccreditationTerms, AccreditationTerms.event_id == OptIn.event_id)
            # Only while the offering agency takes part in the event.
            .join(
                Participant,
                (Participant.event_id == OptIn.event_id)
                & (Participant.agency_id == OptIn.agency_id),
            )
            .where(
                one_of(uow.session, OptIn.record_id, ordered[start : start + _CHUNK]),
                # Only the record's owner may offer it; a record moved on is offered by none.
                OptIn.agency_id == Record.owner_agency_id,
            )
        )
        for event_id, record_id, category, offence, minor, flagged, declared in rows:
            if rules.eligible(
                category=category,
                offence=offence,
                is_minor=minor,
                flagged=flagged,
                declared=declared or [],
            ):
                found.add((event_id, record_id))
    return found


class EventRecordHolder(RecordBacked):
    """Opted-in records by their record's id (`registry.Holder`)."""

    def safeguards(
        self, uow: UnitOfWork, refs: Sequence[int], *, fresh: bool = False
    ) -> Mapping[int, Safeguards]:
        live = {record_id for _, record_id in eligible_pairs(uow, refs)}
        held = RECORDS.holder.safeguards(uow, sorted(live), fresh=fresh)
        return {ref: guards for ref, guards in held.items() if ref in live}

    def forget(self, uow: UnitOfWork, refs: Sequence[int]) -> None:
        """The records were erased: no event is offered them any more."""
        uow.write(delete(OptIn).where(OptIn.record_id.in_(sorted(set(refs)))))


class ApplicantHolder:
    """Applicants by their id (`registry.Holder`)."""

    def safeguards(
        self, uow: UnitOfWork, refs: Sequence[int], *, fresh: bool = False
    ) -> Mapping[int, Safeguards]:
        rows = _applicants(uow, refs, fresh=fresh)
        states = pairing.states_of(uow, {a.host_agency_id for a in rows.values()})
        return {
            ref: applicant_safeguards(a.host_agency_id, states[a.host_agency_id])
            for ref, a in rows.items()
        }

    def particulars(
        self, uow: UnitOfWork, vault: Vault, refs: Sequence[int]
    ) -> Mapping[int, Particulars]:
        return {ref: particulars_of(a) for ref, a in _applicants(uow, refs).items()}

    def references(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, str]:
        return {ref: a.public_id for ref, a in _applicants(uow, refs).items()}

    def told(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, frozenset[int]]:
        """Nobody at a hit: the host hears of a hit only once its owner confirmed it."""
        return {ref: frozenset() for ref in refs}

    def forget(self, uow: UnitOfWork, refs: Sequence[int]) -> None:
        ordered = sorted(set(refs))
        for start in range(0, len(ordered), _CHUNK):
            uow.write(delete(Applicant).where(Applicant.id.in_(ordered[start : start + _CHUNK])))


def applicant_safeguards(agency_id: int, state_id: int | None) -> Safeguards:
    """An applicant is no data subject the host holds on suspicion: none of the records'
    own safeguards applies to its side."""
    return Safeguards(
        owner_agency_id=agency_id,
        owner_state_id=state_id,
        category=None,
        offence=None,
        flagged=False,
        neutrality=Neutrality.NOT_REQUIRED,
        necessity_approved=False,
        # Deleted once its batch is decided, unless behind a confirmed hit.
        review_due=date.max,
        erased=False,
        hits_to_all=True,
        hit_agency_ids=frozenset(),
        refuge_from_state_id=None,
    )


def particulars_of(applicant: Applicant) -> PersonParticulars:
    return PersonParticulars.model_validate_json(applicant.particulars, context=STORED)


def particulars_text(data: Mapping[str, str]) -> str:
    """The sealed JSON of what is screened of an applicant: never the nationality (the
    comparison's explanation would tell it to the record's owner), role or employer."""
    keep = ("surname", "given_name", "patronymic", "birth_date", "sex", "passport")
    return json.dumps({k: data[k] for k in keep if data.get(k)}, ensure_ascii=False, sort_keys=True)


def _applicants(
    uow: UnitOfWork, refs: Sequence[int], *, fresh: bool = False
) -> dict[int, Applicant]:
    found: dict[int, Applicant] = {}
    ordered = sorted(set(refs))
    options = {"populate_existing": True} if fresh else {}
    for start in range(0, len(ordered), _CHUNK):
        rows = uow.session.scalars(
            select(Applicant)
            .where(Applicant.id.in_(ordered[start : start + _CHUNK]))
            .execution_options(**options)
        )
        found.update((a.id, a) for a in rows)
    return found


def _within_event(
    uow: UnitOfWork, screened: Sequence[Screened], found: Mapping[int, Sequence[Screened]]
) -> Mapping[int, frozenset[int]]:
    """Each applicant meets only the event-records opted in for its own event and
    eligible under that event's terms now: judged for the candidates found alone (an event
    may have a million records opted in)."""
    events = dict(
        uow.session.execute(
            select(Applicant.id, Applicant.event_id).where(
                Applicant.id.in_(sorted({s.ref for s in screened}))
            )
        ).all()
    )
    met = {s.id: [c for c in found.get(s.id, ()) if c.kind == EVENT_RECORDS.name] for s in screened}
    allowed = eligible_pairs(uow, [c.ref for candidates in met.values() for c in candidates])
    return {
        s.id: frozenset(c.id for c in met[s.id] if (events[s.ref], c.ref) in allowed)
        for s in screened
        if s.ref in events
    }


def _tell_host(uow: UnitOfWork, caller: Caller, hit: Hit) -> None:
    """A confirmed hit reaches the host: who uploaded and who approved the batch."""
    row = uow.session.execute(
        select(ApplicantBatch.uploaded_by_id, ApplicantBatch.approved_by_id, Event.public_id)
        .join(Applicant, Applicant.batch_id == ApplicantBatch.id)
        .join(Event, Event.id == Applicant.event_id)
        .join(Subject, Subject.ref == Applicant.id)
        .where(Subject.id == hit.searching_subject_id, Subject.kind == APPLICANTS.name)
    ).first()
    if row is None:
        return
    uploader, approver, event_id = row
    notifications.notify(
        uow,
        {uploader, *([approver] if approver else [])},
        "events:accreditation-hit",
        {"reference": hit.reference},
        f"/events/{event_id}/accreditation",
    )


EVENT_RECORDS: Final = registry.register(
    registry.SubjectKind(
        name="event-record",
        purpose="Records of suspects and convicted persons that member agencies opt in for "
        "a major event's accreditation screening, on the offences the event declares.",
        screened_against=frozenset(),
        holder=EventRecordHolder(),
        object_kind="record",
        record_rows=True,
    )
)

APPLICANTS: Final = registry.register(
    registry.SubjectKind(
        name="accreditation-applicant",
        purpose="Applicants for accreditation at a major event (staff, volunteers, media, "
        "contractors), screened hit/no-hit against the records opted in for the event; "
        "deleted once the host decided unless behind a confirmed hit.",
        screened_against=frozenset({EVENT_RECORDS.name}),
        holder=ApplicantHolder(),
        object_kind="event-applicant",
        screen_action="events:accreditation:screen",
        candidates_within=_within_event,
        searcher_waits_for_check=True,
        on_confirmed=_tell_host,
    )
)
