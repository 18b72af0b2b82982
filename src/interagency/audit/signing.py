"""Signing the chain head: every `audit_sign_every` entries, every minute and at shutdown.

Only committed heads are signed: `record` asks for a signature after its transaction
commits, and `sign_head` reads the head in a transaction of its own. Each signature is
written to the witness file first and then to `audit_checkpoints`, so a head in the
witness file always names entries that exist.
"""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interagency.audit import witness
from interagency.audit.keys import load_or_create_signing_key
from interagency.audit.log import SIGNER_INFO_KEY, locked_head
from interagency.audit.models import AuditCheckpoint
from interagency.audit.witness import Checkpoint
from interagency.config import Settings
from interagency.db import UnitOfWork, utcnow

logger = logging.getLogger(__name__)


class AuditContext(Protocol):
    """What signing needs from the application: `bootstrap.Container` provides it."""

    @property
    def settings(self) -> Settings: ...

    @property
    def session_factory(self) -> sessionmaker[Session]: ...


def sign_head(context: AuditContext) -> Checkpoint | None:
    """Signs the committed chain head; None when the chain is empty or its head is signed."""
    settings = context.settings
    with UnitOfWork(context.session_factory) as uow:
        session = uow.session
        # The append lock also keeps two signers from signing the same head twice.
        head = locked_head(session)
        if head is None:
            return None
        last_signed = session.scalar(
            select(AuditCheckpoint.seq).order_by(AuditCheckpoint.seq.desc()).limit(1)
        )
        if last_signed is not None and last_signed >= head[0]:
            return None
        key = load_or_create_signing_key(settings.key_dir)
        checkpoint = witness.sign(key, head[0], head[1], utcnow())
        witness.append_line(settings.audit_witness_file, checkpoint)
        session.add(
            AuditCheckpoint(
                seq=checkpoint.seq,
                entry_hash=checkpoint.entry_hash,
                signed_at=checkpoint.signed_at,
                key_id=checkpoint.key_id,
                signature=checkpoint.signature,
            )
        )
        uow.commit()
    return checkpoint


class AuditSigner:
    """Signs the head for the sessions of one session factory (see `attach_signer`)."""

    def __init__(self, context: AuditContext) -> None:
        self.context = context
        self.sign_every = context.settings.audit_sign_every

    def sign_head(self) -> None:
        sign_head(self.context)


def attach_signer(context: AuditContext) -> AuditSigner:
    """Makes `record` sign the head after every `audit_sign_every` committed entries.

    The signer travels in `Session.info` of the context's session factory, so services
    keep taking only a unit of work. Call once at start-up (the web app and the worker do).
    """
    signer = AuditSigner(context)
    factory = context.session_factory
    info = dict(factory.kw.get("info") or {})
    info[SIGNER_INFO_KEY] = signer
    factory.configure(info=info)
    return signer
