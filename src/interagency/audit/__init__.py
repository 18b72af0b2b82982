"""Audit: the append-only, hash-chained trail of every access, with signed heads.

Features record events with `record` (atomic with their change) or `record_refusal`
(kept even when the change is rolled back: a malware verdict). Refusals of access are
raised, not recorded: each way in hands them to `record_refused` (`audit.refusals`). The
head is signed every `audit_sign_every` entries, every minute by a worker's job, and when
a server stops.
"""

from interagency.audit.events import AuditEvent
from interagency.audit.log import record, record_refusal
from interagency.audit.refusals import fold as fold_refusals
from interagency.audit.refusals import record as record_refused
from interagency.audit.refusals import refusal_of
from interagency.audit.services import (
    AuditEntryView,
    AuditFilter,
    EntryReader,
    erase_personal_data,
    export_csv,
    search_entries,
)
from interagency.audit.signing import AuditSigner, attach_signer, sign_head
from interagency.audit.verify import VerifyReport, verify_chain
from interagency.audit.witness import Checkpoint

__all__ = [
    "AuditEntryView",
    "AuditEvent",
    "AuditFilter",
    "AuditSigner",
    "Checkpoint",
    "EntryReader",
    "VerifyReport",
    "attach_signer",
    "erase_personal_data",
    "export_csv",
    "fold_refusals",
    "record",
    "record_refusal",
    "record_refused",
    "refusal_of",
    "search_entries",
    "sign_head",
    "verify_chain",
]
