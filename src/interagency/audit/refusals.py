"""Refusals, each audited, in a way a flood of them cannot turn against the platform.

Policy code never records its refusals itself: it raises the error with the refusal's
event attached (`errors.DomainError.refused_as`), and the one handler of each way in
(the web's error handler, the command line, a background job) passes it to `record`
once the work it interrupted has been rolled back.

Every chained entry is appended under one lock, so a flood of refusals appended one by
one would slow everybody's writes. Here the first refusal of a source (a user, or an
address without one) in a minute is appended at once, with all it says; the next ones
of that source in the same minute only count in its `RefusalTally` row, and the count
is appended as one entry, `audit:refusals:repeated`, when the minute is over: by the
source's next refusal, by anyone's refusal later, or before the audit is read.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from interagency.audit.events import AuditEvent
from interagency.audit.log import record as append
from interagency.audit.models import RefusalTally
from interagency.db import UnitOfWork, utcnow

REPEATED = "audit:refusals:repeated"
# Tallies of quiet sources are folded a few at a time, so that no refusal pays for many.
FOLD_BATCH = 50
# A source quiet for this long loses its row (its count was appended long before).
FORGET_AFTER = timedelta(hours=1)
# How far back an error is searched for the refusal it was raised from.
_CHAIN_DEPTH = 8


def refusal_of(exc: BaseException | None) -> AuditEvent | None:
    """The refusal an error carries, also when it was raised again as another error
    (a hidden thread named in a form answers as invalid input, not as a refusal)."""
    for _ in range(_CHAIN_DEPTH):
        if exc is None:
            return None
        event = getattr(exc, "refusal", None)
        if isinstance(event, AuditEvent):
            return event
        exc = exc.__cause__ or exc.__context__
    return None


def record(uow: UnitOfWork, event: AuditEvent) -> None:
    """Audits one refusal in `uow`'s transaction, which the caller commits."""
    minute = _minute_of(utcnow())
    if _first_in_this_process(minute):
        fold(uow, minute)
    tally, new = _locked(uow, _source(event), minute)
    if tally.minute == minute and not new:
        tally.repeated += 1
        return
    _append_repeated(uow, tally)
    tally.minute = minute
    tally.repeated = 0
    tally.actor_user_id = event.actor_user_id
    tally.actor_login = event.actor_login
    tally.actor_agency_id = event.actor_agency_id
    tally.client_address = event.client_address
    append(uow, event)


def fold(uow: UnitOfWork, minute: datetime | None = None) -> None:
    """Appends the counts of minutes that are over; readers of the audit call it first."""
    current = minute or _minute_of(utcnow())
    quiet = uow.session.scalars(
        select(RefusalTally)
        .where(RefusalTally.minute < current, RefusalTally.repeated > 0)
        .order_by(RefusalTally.minute)
        .limit(FOLD_BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    for tally in quiet:
        _append_repeated(uow, tally)
    uow.session.execute(
        delete(RefusalTally).where(
            RefusalTally.minute < current - FORGET_AFTER, RefusalTally.repeated == 0
        )
    )


def _append_repeated(uow: UnitOfWork, tally: RefusalTally) -> None:
    if tally.repeated <= 0:
        return
    append(
        uow,
        AuditEvent(
            action=REPEATED,
            outcome="denied",
            actor_user_id=tally.actor_user_id,
            actor_login=tally.actor_login,
            actor_agency_id=tally.actor_agency_id,
            client_address=tally.client_address,
            detail={"minute": tally.minute.isoformat(), "repeated": tally.repeated},
        ),
    )
    tally.repeated = 0


def _locked(uow: UnitOfWork, source: str, minute: datetime) -> tuple[RefusalTally, bool]:
    """The source's row, locked until the transaction ends, and whether this made it."""
    session = uow.session
    tally = session.get(RefusalTally, source, with_for_update=True)
    if tally is not None:
        return tally, False
    try:
        with session.begin_nested():
            session.add(RefusalTally(source_hash=source, minute=minute, repeated=0))
    except IntegrityError:  # a refusal of the same source made it first: count on theirs
        tally = session.get(RefusalTally, source, with_for_update=True, populate_existing=True)
        assert tally is not None
        return tally, False
    made = session.get(RefusalTally, source)
    assert made is not None
    return made, True


def _source(event: AuditEvent) -> str:
    if event.actor_user_id is not None:
        who = f"user\x00{event.actor_user_id}"
    elif event.client_address:
        who = f"address\x00{event.client_address}"
    else:
        who = f"actor\x00{event.actor_login or ''}"
    return hashlib.sha256(who.encode()).hexdigest()


_folded_minute: datetime | None = None


def _first_in_this_process(minute: datetime) -> bool:
    """Whether this is the process's first refusal in `minute`: only that one folds the
    counts of quiet sources (the others would find nothing new to fold)."""
    global _folded_minute
    first = _folded_minute != minute
    _folded_minute = minute
    return first


def _minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)
