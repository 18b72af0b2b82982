"""Which key seals which piece of content, and the context each ciphertext is bound to.

Content is sealed under the key of the agency that wrote it: a subject and an H3
restriction under the originator's, a message body under its author's agency. The
context names the row and the field, so a ciphertext moved to another row fails to open.
"""

from __future__ import annotations

from typing import Protocol

from interagency.db import UnitOfWork
from interagency.exchange.models import Attachment, Message, Thread
from interagency.vault import Vault


def subject_context(thread_id: int) -> str:
    return f"exchange:thread:{thread_id}:subject"


def restriction_context(thread_id: int) -> str:
    return f"exchange:thread:{thread_id}:restriction"


def body_context(message_id: int) -> str:
    return f"exchange:message:{message_id}:body"


def filename_context(attachment_id: int) -> str:
    return f"exchange:attachment:{attachment_id}:filename"


class SealedSubject(Protocol):
    """A thread, loaded or read as plain columns for a list."""

    @property
    def id(self) -> int: ...
    @property
    def originator_agency_id(self) -> int: ...
    @property
    def subject_sealed(self) -> bytes: ...


def open_subject(uow: UnitOfWork, vault: Vault, thread: SealedSubject) -> str:
    return vault.open_text(
        uow.session, thread.originator_agency_id, thread.subject_sealed,
        context=subject_context(thread.id),
    )  # fmt: skip


def open_restriction(uow: UnitOfWork, vault: Vault, thread: Thread) -> str | None:
    if thread.restriction_sealed is None:
        return None
    return vault.open_text(
        uow.session, thread.originator_agency_id, thread.restriction_sealed,
        context=restriction_context(thread.id),
    )  # fmt: skip


def open_body(uow: UnitOfWork, vault: Vault, message: Message) -> str:
    return vault.open_text(
        uow.session, message.author_agency_id, message.body_sealed,
        context=body_context(message.id),
    )  # fmt: skip


def open_filename(uow: UnitOfWork, vault: Vault, attachment: Attachment, agency_id: int) -> str:
    return vault.open_text(
        uow.session, agency_id, attachment.filename_sealed, context=filename_context(attachment.id)
    )
