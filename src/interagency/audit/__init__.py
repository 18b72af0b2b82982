"""Audit: the append-only, hash-chained trail of every access, with signed heads.

Features record events with `record` (atomic with their change) or `record_refusal`
(kept even when the change is rolled back); the web app runs `sign_periodically`.
"""

from interagency.audit.events import AuditEvent
from interagency.audit.log import record, record_refusal
from interagency.audit.services import (
    AuditEntryView,
    AuditFilter,
    erase_personal_data,
    export_csv,
    search_entries,
)
from interagency.audit.signing import AuditSigner, attach_signer, sign_head, sign_periodically
from interagency.audit.verify import VerifyReport, verify_chain
from interagency.audit.witness import Checkpoint

__all__ = [
    "AuditEntryView",
    "AuditEvent",
    "AuditFilter",
    "AuditSigner",
    "Checkpoint",
    "VerifyReport",
    "attach_signer",
    "erase_personal_data",
    "export_csv",
    "record",
    "record_refusal",
    "search_entries",
    "sign_head",
    "sign_periodically",
    "verify_chain",
]
