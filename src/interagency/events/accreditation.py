"""Accreditation screening for a major event, through the screening service.

- The host declares an applicant quota and the offences screened for; agencies taking
  part opt their own eligible records in (`accreditation_policy`, judged again at every
  screening by `accreditation_screened`).
- The host uploads applicants in batches within the quota: a batch with a bad row is
  refused whole, naming the rows; nothing of it is kept.
- A supervisor of the host other than the uploader approves a batch; a background job
  then screens it through the service (`screen_many`: its safeguards, the daily limit per
  subject and the near-identical alert count it as any screening).
- The record's owner checks each hit on the records' own hit page, knowing a reference
  and the event. Only a confirmed hit reaches the host: "hit at agency X, contact them".
- No hit decides alone: the host records a decision with its reason for each applicant
  with a confirmed hit, and an applicant's contest, and decides again. Closing the batch
  accredits the rest, and those applicants are deleted with every trace the screening
  left of them; a dismissed hit goes with its applicant.
- Every read of applicants and every change is audited.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from pydantic import ValidationError
from sqlalchemy import delete, func, or_, select, update

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, Forbidden, InvalidInput, NotFound
from interagency.events import accreditation_policy as rules
from interagency.events.access import participants, sees
from interagency.events.accreditation_models import (
    AccreditationTerms,
    Applicant,
    ApplicantBatch,
    ApplicantRole,
    BatchStatus,
    Decision,
    OptIn,
)
from interagency.events.accreditation_screened import (
    APPLICANTS,
    EVENT_RECORDS,
    particulars_text,
)
from interagency.events.models import Event
from interagency.i18n import lazy
from interagency.identity import guard, notifications
from interagency.identity.models import Agency, Role
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.jobs import enqueue
from interagency.jobs.kinds import Run
from interagency.records.models import Hit, HitStatus, Record, Screening
from interagency.records.particulars import PersonParticulars
from interagency.records.sealing import open_particulars
from interagency.screening import service as screening
from interagency.screening import subjects
from interagency.screening.memo import Memo
from interagency.screening.models import Subject, SubjectKey
from interagency.vault import Vault

JOB: Final = "events.accreditation"
KIND: Final = "event-applicants"
MAX_BATCH: Final = 50_000
SCREEN_CHUNK: Final = 1000
_CHUNK: Final = 5000
COLUMNS: Final = (
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "sex",
    "nationality",
    "document_number",
    "role",
    "employer",
)


# ----------------------------------------------------------------------------- the gate


def _gate(
    uow: UnitOfWork, caller: Caller, action: rules.Action, event_id: int
) -> tuple[Event, Principal]:
    """The event, if the caller may do `action` there; to an agency with no part in the
    event it does not exist."""
    event = uow.session.get(Event, event_id)
    principal = caller.principal
    if event is None or principal is None or not sees(principal, event):
        raise guard.hidden(
            caller, action.value, "event", event_id, NotFound(lazy("There is no such event."))
        )
    allowed = rules.may(principal, action, event.host_agency_id, participants(event))
    guard.check(caller, allowed, action, "event", event_id)
    return event, principal


def _record(uow: UnitOfWork, caller: Caller, action: str, ref: object, **detail: object) -> None:
    audit.record(uow, caller.event(action, object_kind=KIND, object_ref=ref, detail=detail))


def _batch(uow: UnitOfWork, event: Event, public_id: str) -> ApplicantBatch:
    batch = uow.session.scalar(
        select(ApplicantBatch).where(
            ApplicantBatch.public_id == public_id, ApplicantBatch.event_id == event.id
        )
    )
    if batch is None:
        raise NotFound(lazy("There is no such batch of applicants."))
    return batch


def _applicant(uow: UnitOfWork, event: Event, public_id: str) -> Applicant:
    applicant = uow.session.scalar(
        select(Applicant).where(Applicant.public_id == public_id, Applicant.event_id == event.id)
    )
    if applicant is None:
        raise NotFound(lazy("There is no such applicant."))
    return applicant


# ---------------------------------------------------------------------------- the terms


def set_terms(
    uow: UnitOfWork, caller: Caller, event_id: int, quota: int, offences: Sequence[str]
) -> AccreditationTerms:
    event, principal = _gate(uow, caller, rules.Action.SET_TERMS, event_id)
    wrong = sorted(set(offences) - {o.value for o in rules.DECLARABLE_OFFENCES})
    if wrong:
        raise InvalidInput(
            lazy("An event may not declare these offences: {offences}."),
            offences=", ".join(wrong),
            for_field="offences",
        )
    if not offences:
        raise InvalidInput(lazy("Declare at least one offence."), for_field="offences")
    used = _used(uow, event.id)
    if quota < max(used, 1):
        raise InvalidInput(
            lazy("The quota must be at least {used}, the applicants uploaded already."),
            used=max(used, 1),
            for_field="quota",
        )
    terms = uow.session.get(AccreditationTerms, event.id) or AccreditationTerms(event_id=event.id)
    terms.quota, terms.offences = quota, sorted(set(offences))
    terms.updated_by_id, terms.updated_at = principal.user_id, utcnow()
    uow.session.add(terms)
    uow.session.flush()
    _record(
        uow, caller, "events:accreditation:terms", event.id, quota=quota, offences=terms.offences
    )
    return terms


def terms_of(uow: UnitOfWork, caller: Caller, event_id: int) -> AccreditationTerms | None:
    """The terms, to the host and to the agencies taking part (who opt records in)."""
    event = uow.session.get(Event, event_id)
    principal = caller.principal
    if event is None or principal is None or not sees(principal, event):
        raise NotFound(lazy("There is no such event."))
    return uow.session.get(AccreditationTerms, event_id)


def _used(uow: UnitOfWork, event_id: int) -> int:
    return int(
        uow.session.scalar(
            select(func.coalesce(func.sum(ApplicantBatch.size), 0)).where(
                ApplicantBatch.event_id == event_id
            )
        )
        or 0
    )


# ---------------------------------------------------------------------------- opting in


def opt_in(uow: UnitOfWork, caller: Caller, vault: Vault, event_id: int, record_ref: str) -> OptIn:
    """One of the caller's agency's records offered to the event's screening, if it is
    eligible under the event's terms now (it is judged again at every screening)."""
    event, principal = _gate(uow, caller, rules.Action.OPT_IN, event_id)
    terms = uow.session.get(AccreditationTerms, event.id)
    record = uow.session.scalar(select(Record).where(Record.public_id == record_ref))
    if record is None or record.owner_agency_id != principal.agency_id:
        raise NotFound(lazy("There is no record {ref}."), ref=record_ref)
    fits = terms is not None and rules.eligible(
        category=record.subject_category,
        offence=record.offence_category,
        is_minor=record.is_minor,
        flagged=record.flagged_reason_sealed is not None,
        declared=terms.offences,
    )
    if not fits or record.kind != "person" or record.erased_at is not None:
        raise InvalidInput(
            lazy(
                "Only a person record of a suspect or a convicted person, on an offence the "
                "event declares and not a sensitive one, may be opted in."
            ),
            for_field="record",
        )
    existing = uow.session.scalar(
        select(OptIn).where(OptIn.event_id == event.id, OptIn.record_id == record.id)
    )
    if existing is not None:
        return existing
    row = OptIn(
        event_id=event.id,
        record_id=record.id,
        agency_id=principal.agency_id,
        opted_by_id=principal.user_id,
    )
    uow.session.add(row)
    # The record becomes a subject applicants are screened against, found by its keys.
    particulars = open_particulars(uow, vault, record)
    entry = subjects.Entry(record.id, record.owner_agency_id, record.kind, particulars)
    subjects.enrol(uow, vault, EVENT_RECORDS, [entry])
    uow.session.flush()
    _record(uow, caller, "events:accreditation:opt-in", event.id, record=record.public_id)
    return row


def opted_in(uow: UnitOfWork, caller: Caller, event_id: int) -> list[str]:
    """The caller's agency's records opted in for the event, by public id."""
    event, principal = _gate(uow, caller, rules.Action.OPT_IN, event_id)
    refs = list(
        uow.session.scalars(
            select(Record.public_id)
            .join(OptIn, OptIn.record_id == Record.id)
            .where(OptIn.event_id == event.id, OptIn.agency_id == principal.agency_id)
            .order_by(OptIn.id)
        )
    )
    _record(uow, caller, "events:accreditation:opt-ins", event.id, records=refs)
    return refs


# ------------------------------------------------------------------------------ uploads


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    field: str
    message: str


class BadRows(InvalidInput):
    """A batch with bad rows: none of it is kept."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        lines = sorted({p.line for p in problems})
        super().__init__(
            lazy("Rows {lines} are not valid: nothing was uploaded."),
            lines=", ".join(str(n) for n in lines[:20]) + (" …" if len(lines) > 20 else ""),
            for_field="file",
        )
        self.problems = list(problems)


def check_row(line: int, row: Mapping[str, str]) -> tuple[dict[str, str] | None, list[RowProblem]]:
    """One row as stored, or its problems (by line, field and message, never a value)."""
    values = {k: (row.get(k) or "").strip() for k in COLUMNS}
    problems: list[RowProblem] = []
    if values["role"] not in {r.value for r in ApplicantRole}:
        problems.append(RowProblem(line, "role", "role"))
    if not values["document_number"]:
        problems.append(RowProblem(line, "document_number", "required"))
    if not values["birth_date"]:
        problems.append(RowProblem(line, "birth_date", "required"))
    try:
        person = PersonParticulars.model_validate(
            {
                "surname": values["surname"],
                "given_name": values["given_name"],
                "patronymic": values["patronymic"],
                "birth_date": values["birth_date"],
                "sex": values["sex"],
                "nationality": values["nationality"],
                "passport": values["document_number"],
            }
        )
    except ValidationError as error:
        for item in error.errors():
            where = str(item["loc"][0]) if item["loc"] else "surname"
            problems.append(RowProblem(line, where, "invalid"))
        return None, problems
    if problems:
        return None, problems
    data = person.model_dump()
    return {
        **{k: str(v) for k, v in data.items()},
        **{k: values[k] for k in ("role", "employer")},
    }, []


def upload(
    uow: UnitOfWork, caller: Caller, event_id: int, rows: Sequence[Mapping[str, str]]
) -> ApplicantBatch:
    """A batch of applicants, rows numbered from 2 (the header is line 1), within the
    quota left; refused whole if a row is bad."""
    event, principal = _gate(uow, caller, rules.Action.UPLOAD, event_id)
    terms = uow.session.get(AccreditationTerms, event.id)
    if terms is None:
        raise Conflict(lazy("Declare the quota and the offences before uploading applicants."))
    if not rows:
        raise InvalidInput(lazy("The file has no applicants."), for_field="file")
    if len(rows) > MAX_BATCH:
        raise InvalidInput(
            lazy("A batch holds at most {most} applicants."), most=MAX_BATCH, for_field="file"
        )
    left = terms.quota - _used(uow, event.id)
    if len(rows) > left:
        raise InvalidInput(
            lazy("The batch has {rows} applicants; the quota leaves room for {left}."),
            rows=len(rows),
            left=max(left, 0),
            for_field="file",
        )
    checked = [check_row(line, row) for line, row in enumerate(rows, start=2)]
    problems = [p for _, found in checked for p in found]
    if problems:
        _record(uow, caller, "events:accreditation:upload", event.id, refused=len(problems))
        raise BadRows(problems)
    batch = ApplicantBatch(
        event_id=event.id,
        host_agency_id=event.host_agency_id,
        status=BatchStatus.AWAITING_APPROVAL.value,
        size=len(rows),
        uploaded_by_id=principal.user_id,
        cleared=0,
    )
    uow.session.add(batch)
    uow.session.flush()
    for line, (data, _) in enumerate(checked, start=2):
        assert data is not None
        applicant = Applicant(
            batch_id=batch.id,
            event_id=event.id,
            host_agency_id=event.host_agency_id,
            line=line,
        )
        applicant.particulars = particulars_text(data)
        applicant.profile = json.dumps(
            {k: data.get(k, "") for k in ("role", "employer", "nationality")},
            ensure_ascii=False,
            sort_keys=True,
        )
        uow.session.add(applicant)
    uow.session.flush()
    _record(uow, caller, "events:accreditation:upload", batch.public_id, applicants=len(rows))
    supervisors = notifications.holders_of(uow, Role.SUPERVISOR, [event.host_agency_id])
    notifications.notify(
        uow,
        set(supervisors) - {principal.user_id},
        "events:accreditation-batch",
        {"reference": batch.public_id, "applicants": len(rows)},
        f"/events/{event.public_id}/accreditation",
    )
    return batch


def approve(uow: UnitOfWork, caller: Caller, event_id: int, batch_ref: str) -> ApplicantBatch:
    """Four eyes: a supervisor of the host other than the uploader lets the batch be
    screened; the job acts for them."""
    event, principal = _gate(uow, caller, rules.Action.APPROVE, event_id)
    batch = _batch(uow, event, batch_ref)
    if not rules.may_approve(principal, batch.uploaded_by_id):
        raise guard.refuse(
            caller,
            rules.Action.APPROVE.value,
            KIND,
            batch.public_id,
            lazy("Another supervisor approves a batch you uploaded."),
        )
    if batch.status != BatchStatus.AWAITING_APPROVAL.value:
        raise Conflict(lazy("The batch does not wait for approval."))
    batch.status = BatchStatus.APPROVED.value
    batch.approved_by_id, batch.approved_at = principal.user_id, utcnow()
    uow.session.flush()
    _record(uow, caller, "events:accreditation:approve", batch.public_id)
    enqueue(uow, JOB, batch.id, acting_user_id=principal.user_id)
    return batch


def batches(uow: UnitOfWork, caller: Caller, event_id: int) -> list[ApplicantBatch]:
    event, _ = _gate(uow, caller, rules.Action.VIEW, event_id)
    rows = list(
        uow.session.scalars(
            select(ApplicantBatch)
            .where(ApplicantBatch.event_id == event.id)
            .order_by(ApplicantBatch.id.desc())
        )
    )
    _record(
        uow, caller, "events:accreditation:batches", event.id, batches=[b.public_id for b in rows]
    )
    return rows


# ------------------------------------------------------------------------------ the job


def process(run: Run) -> None:
    """The batch's job: screen its applicants a chunk a transaction through the service,
    then mark it screened."""
    batch_id = run.subject_id
    assert batch_id is not None
    with run.uow() as uow:
        batch = uow.session.get(ApplicantBatch, batch_id)
        if batch is None or batch.status != BatchStatus.APPROVED.value:
            return
        event = uow.session.get(Event, batch.event_id)
        assert event is not None
        principal = run.caller.principal
        # The approver's rights are read again as the job starts.
        if principal is None or not rules.may(
            principal, rules.Action.APPROVE, event.host_agency_id, participants(event)
        ):
            raise Forbidden(lazy("The approver may no longer screen the event's applicants."))
        ids = list(
            uow.session.scalars(
                select(Applicant.id).where(Applicant.batch_id == batch_id).order_by(Applicant.id)
            )
        )
    memo = Memo()
    for start in range(0, len(ids), SCREEN_CHUNK):
        with run.uow() as uow:
            screen_applicants(
                uow, run.caller, run.container.vault, ids[start : start + SCREEN_CHUNK], memo
            )
            uow.commit()
        run.report("screening", min(start + SCREEN_CHUNK, len(ids)), len(ids))
    with run.uow() as uow:
        uow.write(
            update(ApplicantBatch)
            .where(
                ApplicantBatch.id == batch_id, ApplicantBatch.status == BatchStatus.APPROVED.value
            )
            .values(status=BatchStatus.SCREENED.value, screened_at=utcnow())
        )
        ref = uow.session.scalar(
            select(ApplicantBatch.public_id).where(ApplicantBatch.id == batch_id)
        )
        _record(uow, run.caller, "events:accreditation:screened", ref, applicants=len(ids))
        uow.commit()
    run.report("finished")


def screen_applicants(
    uow: UnitOfWork,
    caller: Caller,
    vault: Vault,
    applicant_ids: Sequence[int],
    memo: Memo | None = None,
) -> int:
    """Screens these applicants through the service; how many hits it recorded. Nobody
    of the host is told of a hit: it reaches them once its owner confirmed it."""
    rows = list(uow.session.scalars(select(Applicant).where(Applicant.id.in_(applicant_ids))))
    opened = APPLICANTS.holder.particulars(uow, vault, [a.id for a in rows])
    entries = [subjects.Entry(a.id, a.host_agency_id, "person", opened[a.id]) for a in rows]
    made = subjects.enrol(uow, vault, APPLICANTS, entries)
    items = [(made[a.id], opened.get(a.id)) for a in rows]
    outcomes = screening.screen_many(uow, caller, vault, items, memo, tell_searchers=False)
    return sum(len(o.hits) for o in outcomes)


# ----------------------------------------------------------------------------- the host


@dataclass(frozen=True, slots=True)
class ApplicantLine:
    """An applicant as the host sees it: the particulars it uploaded, and of the
    screening only a confirmed hit's agency."""

    public_id: str
    line: int
    name: str
    birth_date: str
    document: str
    role: str
    employer: str
    nationality: str
    hit_agency: str | None  # "hit at agency X, contact them"
    hit_reference: str | None
    decision: str | None
    reason: str | None
    contest: str | None


def applicants(
    uow: UnitOfWork, caller: Caller, event_id: int, batch_ref: str, *, only_hits: bool = False
) -> tuple[ApplicantBatch, list[ApplicantLine]]:
    """A batch's applicants (or those with a confirmed hit), opened and audited."""
    event, _ = _gate(uow, caller, rules.Action.VIEW, event_id)
    batch = _batch(uow, event, batch_ref)
    confirmed = _confirmed_hits(uow, batch.id)
    query = select(Applicant).where(Applicant.batch_id == batch.id).order_by(Applicant.line)
    if only_hits:
        query = query.where(Applicant.id.in_(list(confirmed)))
    rows = list(uow.session.scalars(query))
    codes = dict(uow.session.execute(select(Agency.id, Agency.code)).all())
    lines = []
    for a in rows:
        person = json.loads(a.particulars)
        profile = json.loads(a.profile)
        hit = confirmed.get(a.id)
        lines.append(
            ApplicantLine(
                public_id=a.public_id,
                line=a.line,
                name=" ".join(
                    person.get(k, "")
                    for k in ("surname", "given_name", "patronymic")
                    if person.get(k)
                ),
                birth_date=person.get("birth_date", ""),
                document=person.get("passport", ""),
                role=profile.get("role", ""),
                employer=profile.get("employer", ""),
                nationality=profile.get("nationality", ""),
                hit_agency=codes.get(hit.owner_agency_id) if hit else None,
                hit_reference=hit.reference if hit else None,
                decision=a.decision,
                reason=a.reason,
                contest=a.contest,
            )
        )
    _record(
        uow,
        caller,
        "events:accreditation:applicants",
        batch.public_id,
        applicants=[a.public_id for a in rows],
    )
    return batch, lines


def _confirmed_hits(uow: UnitOfWork, batch_id: int) -> dict[int, Hit]:
    """The batch's applicants behind a confirmed, live hit, by applicant id."""
    rows = uow.session.execute(
        select(Subject.ref, Hit)
        .join(Hit, Hit.searching_subject_id == Subject.id)
        .join(Applicant, Applicant.id == Subject.ref)
        .where(
            Subject.kind == APPLICANTS.name,
            Applicant.batch_id == batch_id,
            Hit.status == HitStatus.CONFIRMED.value,
            Hit.expired_at.is_(None),
        )
        .order_by(Hit.id)
    )
    return {int(row[0]): row[1] for row in rows}


def _waiting_checks(uow: UnitOfWork, batch_id: int) -> int:
    return int(
        uow.session.scalar(
            select(func.count(Hit.id))
            .join(Subject, Hit.searching_subject_id == Subject.id)
            .join(Applicant, Applicant.id == Subject.ref)
            .where(
                Subject.kind == APPLICANTS.name,
                Applicant.batch_id == batch_id,
                Hit.status == HitStatus.NEW.value,
                Hit.expired_at.is_(None),
            )
        )
        or 0
    )


def decide(
    uow: UnitOfWork,
    caller: Caller,
    event_id: int,
    applicant_ref: str,
    decision: Decision,
    reason: str,
) -> Applicant:
    """The host's decision on an applicant, with its reason: a hit never decides alone."""
    event, principal = _gate(uow, caller, rules.Action.DECIDE, event_id)
    applicant = _applicant(uow, event, applicant_ref)
    if not reason.strip():
        raise InvalidInput(lazy("Give the reason for the decision."), for_field="reason")
    applicant.decision = Decision(decision).value
    applicant.reason = reason.strip()
    applicant.decided_by_id, applicant.decided_at = principal.user_id, utcnow()
    uow.session.flush()
    _record(
        uow, caller, "events:accreditation:decide", applicant.public_id, decision=applicant.decision
    )
    return applicant


def contest(
    uow: UnitOfWork, caller: Caller, event_id: int, applicant_ref: str, text: str
) -> Applicant:
    """The applicant's contest of a refusal, recorded by the host: the decision is open
    again until the host decides anew."""
    event, _ = _gate(uow, caller, rules.Action.DECIDE, event_id)
    applicant = _applicant(uow, event, applicant_ref)
    if applicant.decision != Decision.REFUSED.value:
        raise Conflict(lazy("Only a refusal can be contested."))
    if not text.strip():
        raise InvalidInput(lazy("Write what the applicant contests."), for_field="contest")
    applicant.contest = text.strip()
    applicant.contested_at = utcnow()
    applicant.decision = None
    uow.session.flush()
    _record(uow, caller, "events:accreditation:contest", applicant.public_id)
    return applicant


def close(uow: UnitOfWork, caller: Caller, event_id: int, batch_ref: str) -> ApplicantBatch:
    """Decides the batch: once every hit is checked and every applicant with a confirmed
    hit has a decision, the rest are accredited and deleted, with every trace the
    screening left of them."""
    event, principal = _gate(uow, caller, rules.Action.DECIDE, event_id)
    batch = _batch(uow, event, batch_ref)
    if batch.status != BatchStatus.SCREENED.value:
        raise Conflict(lazy("The batch has not been screened yet."))
    if _waiting_checks(uow, batch.id):
        raise Conflict(lazy("The agencies holding the records have not checked every hit yet."))
    confirmed = _confirmed_hits(uow, batch.id)
    undecided = uow.session.scalar(
        select(func.count(Applicant.id)).where(
            Applicant.id.in_(list(confirmed)), Applicant.decision.is_(None)
        )
    )
    if undecided:
        raise Conflict(lazy("Decide on every applicant with a hit first."))
    cleared = list(
        uow.session.scalars(
            select(Applicant.id).where(
                Applicant.batch_id == batch.id,
                Applicant.id.not_in(list(confirmed)),
            )
        )
    )
    forget(uow, cleared)
    batch.status = BatchStatus.DECIDED.value
    batch.decided_by_id, batch.decided_at = principal.user_id, utcnow()
    batch.cleared = len(cleared)
    uow.session.flush()
    _record(
        uow,
        caller,
        "events:accreditation:close",
        batch.public_id,
        accredited_and_deleted=len(cleared),
    )
    return batch


def forget(uow: UnitOfWork, applicant_ids: Sequence[int]) -> None:
    """Deletes applicants and what the screening kept of them: their subjects, their
    screenings and their hits (dismissed ones: a confirmed hit's applicant is kept)."""
    ordered = sorted(set(applicant_ids))
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        subject_ids = list(
            uow.session.scalars(
                select(Subject.id).where(Subject.kind == APPLICANTS.name, Subject.ref.in_(chunk))
            )
        )
        if subject_ids:
            uow.write(
                delete(Hit).where(
                    or_(
                        Hit.searching_subject_id.in_(subject_ids),
                        Hit.found_subject_id.in_(subject_ids),
                    )
                )
            )
            uow.write(delete(SubjectKey).where(SubjectKey.subject_id.in_(subject_ids)))
            uow.write(delete(Screening).where(Screening.subject_id.in_(subject_ids)))
            uow.write(delete(Subject).where(Subject.id.in_(subject_ids)))
        uow.write(delete(Applicant).where(Applicant.id.in_(chunk)))


# ---------------------------------------------------------------------------- the owner


@dataclass(frozen=True, slots=True)
class HitOnMine:
    """A hit of the event's screening on one of the caller's records: the reference, to
    check it on the records' hit page, and the event; nothing of the applicant."""

    reference: str
    record: str
    status: str
    created_at: datetime


def hits_on_mine(uow: UnitOfWork, caller: Caller, event_id: int) -> list[HitOnMine]:
    event, principal = _gate(uow, caller, rules.Action.VIEW_HITS_ON_MINE, event_id)
    rows = uow.session.execute(
        select(Hit.reference, Record.public_id, Hit.status, Hit.created_at)
        .join(Subject, Subject.id == Hit.searching_subject_id)
        .join(Applicant, Applicant.id == Subject.ref)
        .join(Record, Record.id == Hit.found_record_id)
        .where(
            Subject.kind == APPLICANTS.name,
            Applicant.event_id == event.id,
            Hit.owner_agency_id == principal.agency_id,
            Hit.expired_at.is_(None),
        )
        .order_by(Hit.created_at.desc(), Hit.id.desc())
    ).all()
    found = [HitOnMine(ref, record, status, at) for ref, record, status, at in rows]
    _record(
        uow, caller, "events:accreditation:hits", event.id, references=[h.reference for h in found]
    )
    return found


# ----------------------------------------------------------------------------- the page


@dataclass(frozen=True, slots=True)
class Overview:
    """The event's accreditation as the caller's agency stands to it: the host sees its
    terms and batches; an agency taking part, the terms, its opt-ins and the hits on its
    records."""

    event: Event
    terms: AccreditationTerms | None
    hosting: bool
    used: int
    batches: list[ApplicantBatch]
    opted_in: list[str]
    hits: list[HitOnMine]


def overview(uow: UnitOfWork, caller: Caller, event_id: int) -> Overview:
    event = uow.session.get(Event, event_id)
    principal = caller.principal
    if event is None or principal is None or not sees(principal, event):
        raise guard.hidden(
            caller, rules.Action.VIEW.value, "event", event_id,
            NotFound(lazy("There is no such event.")),
        )  # fmt: skip
    terms = uow.session.get(AccreditationTerms, event.id)
    if rules.may(principal, rules.Action.VIEW, event.host_agency_id, participants(event)):
        shown = batches(uow, caller, event.id)
        return Overview(event, terms, True, _used(uow, event.id), shown, [], [])
    return Overview(
        event,
        terms,
        False,
        0,
        [],
        opted_in(uow, caller, event.id),
        hits_on_mine(uow, caller, event.id),
    )
