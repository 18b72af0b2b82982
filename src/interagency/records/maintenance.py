"""The daily upkeep of shared records: the sweep of hits, then the cross-check of the
records that wait for it. The same run deletes the screened subjects of other kinds whose
retention ended without a hit (`screening.service.sweep_retention`).

The sweep expires, for both sides alike, the hits that a change withdrew and the hits
whose pair the safeguards no longer allow (a record past its review date). A record waits
for its cross-check when it was changed more often in a day than it may be screened, or
when a bulk upload stored it but its batch cross-check did not finish; each is screened as
if changed now, within the same daily limit.

Run from the command line (`interagency records rescreen`) or on a schedule. Running it
again changes nothing more: expired hits stay expired, a screened record no longer waits,
and a record still over its daily limit is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from interagency.db import UnitOfWork
from interagency.identity.principals import Caller
from interagency.records import crosscheck, movement
from interagency.records.models import Record
from interagency.screening import service as screening
from interagency.vault import Vault

Progress = Callable[[int, int], None]
"""`progress(done, total)`: records cross-checked so far, of the records that waited."""


@dataclass(frozen=True, slots=True)
class RescreenOutcome:
    expired: int  # hits expired by the sweep
    waited: int  # records that waited for their cross-check
    screened: int  # of those, cross-checked now
    hits: int  # hits those cross-checks found (new or found again)
    still_waiting: int  # over their daily limit: they wait for a later run
    subjects_deleted: int = 0  # subjects of other kinds past their retention, no hit


def rescreen(
    new_uow: Callable[[], UnitOfWork],
    vault: Vault,
    caller: Caller,
    progress: Progress | None = None,
) -> RescreenOutcome:
    """Sweeps the hits, then cross-checks every waiting record, each in its own short
    transaction so that pages and other screenings wait for one record at most."""
    with new_uow() as uow:
        expired = movement.sweep(uow, caller)
        deleted = screening.sweep_retention(uow, caller)
        uow.commit()
    waiting = _waiting_records(new_uow)
    report = progress or (lambda _done, _total: None)
    report(0, len(waiting))
    screened = hits = still = 0
    for done, record_id in enumerate(waiting, start=1):
        outcome = _screen_one(new_uow, vault, caller, record_id)
        screened += outcome.screened
        still += outcome.deferred
        hits += len(outcome.hits)
        report(done, len(waiting))
    return RescreenOutcome(
        expired=len(expired),
        waited=len(waiting),
        screened=screened,
        hits=hits,
        still_waiting=still,
        subjects_deleted=sum(deleted.values()),
    )


def _waiting_records(new_uow: Callable[[], UnitOfWork]) -> list[int]:
    with new_uow() as uow:
        return list(
            uow.session.scalars(
                select(Record.id)
                .where(Record.screen_pending.is_(True), Record.erased_at.is_(None))
                .order_by(Record.id)
            )
        )


def _screen_one(
    new_uow: Callable[[], UnitOfWork], vault: Vault, caller: Caller, record_id: int
) -> crosscheck.Outcome:
    with new_uow() as uow:
        record = uow.session.get(Record, record_id)
        if record is None or not record.screen_pending:
            # Erased, or screened by a change or another run since the list was read.
            return crosscheck.Outcome(screened=False)
        outcome = crosscheck.screen(uow, caller, vault, record)
        # A record over its daily limit already waits, and the DPOs were alerted when the
        # change that made it wait was deferred: alerting them again at every run would
        # make a second run change more than the first.
        if not outcome.deferred:
            uow.commit()
    return outcome
