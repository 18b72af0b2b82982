"""Hit/no-hit for records: a new or changed record is screened by the screening service
(`screening.service`) against the records of other agencies that the safeguards let it
meet, and every possible match becomes a hit. The rules, the probing limits among them,
are the service's, the same for every kind of subject.
"""

from __future__ import annotations

from interagency.db import UnitOfWork
from interagency.identity.principals import Caller
from interagency.records import pairing, screened
from interagency.records.models import Record
from interagency.records.sealing import open_particulars
from interagency.screening.service import Outcome
from interagency.screening.service import screen as screen_subject
from interagency.vault import Vault

__all__ = ["Outcome", "screen"]


def screen(uow: UnitOfWork, caller: Caller, vault: Vault, record: Record) -> Outcome:
    """Screens `record` as it is now and records its hits; the caller commits. Its keys
    are rewritten first, so that what others find it by is what it holds; a record that
    reached the daily limit waits (`screen_pending`) for the daily rescreen."""
    pairing.lock_screening(uow, record.kind)  # before its keys change
    particulars = open_particulars(uow, vault, record)
    subject = screened.enrol(uow, vault, [(record, particulars)])[record.id]
    outcome = screen_subject(uow, caller, vault, subject, particulars)
    record.screen_pending = outcome.deferred
    return outcome
