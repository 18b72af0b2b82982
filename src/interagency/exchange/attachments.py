"""Files on a message: stored through the file store, readable by whoever may read the thread.

An attachment carries its message's marking, which is never below its thread's. Only the
message's author adds files to it, so nobody can slip a file under somebody else's words.
The file is sealed under the author's agency key; its name is content and sealed too.
A download is the file's own bytes leaving the platform: it passes the export gate,
whose export id and marking the response carries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from anyio import to_thread
from sqlalchemy import select

from interagency import audit, egress
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, NotFound
from interagency.exchange import services
from interagency.exchange.access import access
from interagency.exchange.models import Attachment, Message
from interagency.exchange.policy import Action
from interagency.exchange.sealing import filename_context, open_filename, open_restriction
from interagency.filestore import FileStore, StoredFile, check_filename
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.principals import Caller
from interagency.markings import HandlingCode, Tlp


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    size: int
    sha256: str
    chunks: Iterator[bytes]
    receipt: egress.Receipt


def _message(uow: UnitOfWork, message_id: int) -> Message:
    message = uow.session.get(Message, message_id)
    if message is None:
        raise NotFound(lazy("There is no such message."))
    return message


def _writable_message(uow: UnitOfWork, caller: Caller, thread_id: int, message_id: int) -> Message:
    """The caller's own message on a thread they may write on, which is still open."""
    granted = access(uow, caller, thread_id, Action.REPLY, utcnow())
    message = _message(uow, message_id)
    if message.thread_id != granted.thread.id:
        raise NotFound(lazy("There is no such message."))
    if message.author_id != granted.principal.user_id:
        raise guard.refuse(
            caller,
            "exchange:attachment:add",
            "message",
            message.id,
            lazy("Only the author of a message adds files to it."),
        )
    if granted.thread.closed_at is not None:
        raise Conflict(lazy("The thread is closed."))
    return message


async def attach(
    uow: UnitOfWork,
    caller: Caller,
    ctx: services.Context,
    store: FileStore,
    thread_id: int,
    message_id: int,
    chunks: AsyncIterator[bytes],
    *,
    filename: str,
    declared_length: int | None,
) -> Attachment:
    """Streams the file in and attaches it to the caller's message. The database work runs
    in worker threads, one step at a time: only the waiting for the bytes is async."""
    # The name sealed is the name checked: in NFC, one line, no folder (`check_filename`).
    filename = check_filename(filename)
    agency_id = await to_thread.run_sync(_author_agency, uow, caller, thread_id, message_id)
    stored = await store.receive(
        uow, chunks, agency_id=agency_id, filename=filename, declared_length=declared_length
    )
    return await to_thread.run_sync(
        _record_attachment, uow, caller, ctx, store, thread_id, message_id, stored, filename
    )


def _author_agency(uow: UnitOfWork, caller: Caller, thread_id: int, message_id: int) -> int:
    # Checked first in a short transaction of its own: on SQLite the request's own
    # transaction takes the write lock at its first query, and must not hold it while a
    # large file streams in. Checked again in the transaction that records it.
    with uow.new() as early:
        return _writable_message(early, caller, thread_id, message_id).author_agency_id


def _record_attachment(
    uow: UnitOfWork,
    caller: Caller,
    ctx: services.Context,
    store: FileStore,
    thread_id: int,
    message_id: int,
    stored: StoredFile,
    filename: str,
) -> Attachment:
    message = _writable_message(uow, caller, thread_id, message_id)
    store.add_reference(uow, stored.id)
    attachment = Attachment(message_id=message.id, stored_file_id=stored.id, filename_sealed=b"")
    uow.session.add(attachment)
    uow.session.flush()
    attachment.filename_sealed = ctx.vault.seal_text(
        uow.session, message.author_agency_id, filename, context=filename_context(attachment.id)
    )
    audit.record(
        uow,
        caller.event(
            "exchange:attachment:add",
            object_kind="thread",
            object_ref=thread_id,
            detail={"attachment": attachment.id, "sha256": stored.sha256, "size": stored.size,
                    "media_type": stored.media_type},
        ),
    )  # fmt: skip
    return attachment


def download(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, store: FileStore, attachment_id: int
) -> Download:
    row = uow.session.execute(
        select(Attachment, Message)
        .join(Message, Message.id == Attachment.message_id)
        .where(Attachment.id == attachment_id)
    ).first()
    missing = NotFound(lazy("There is no such attachment."))
    if row is None:
        action = "exchange:attachment:download"
        raise guard.hidden(caller, action, "attachment", attachment_id, missing)
    attachment, message = row
    try:
        granted = access(uow, caller, message.thread_id, Action.READ_CONTENT, utcnow())
    except NotFound:
        # The same answer as for an id that does not exist: nothing about the thread.
        raise missing from None
    handling = HandlingCode(message.handling_code)
    # Whoever may read the thread may take its files: the gate adds its own rules.
    item = egress.Item(
        kind="attachment",
        ref=attachment.public_id,
        owner_agency_id=message.author_agency_id,
        tlp=Tlp(message.tlp),
        handling=handling,
        # An H3 message's restriction is carried by its thread.
        restriction=(
            open_restriction(uow, ctx.vault, granted.thread)
            if handling is HandlingCode.H3
            else None
        ),
        permit=egress.Permit.ALLOW,
    )
    receipt = egress.release(uow, caller, egress.Door.ATTACHMENT, [item], fmt="original")
    stored = store.get(uow.session, attachment.stored_file_id)
    chunks = store.open_stream(uow.session, stored.id)
    audit.record(
        uow,
        caller.event(
            "exchange:attachment:download",
            object_kind="thread",
            object_ref=message.thread_id,
            detail={"attachment": attachment.id, "sha256": stored.sha256,
                    "export": receipt.export_id},
        ),
    )  # fmt: skip
    return Download(
        filename=open_filename(uow, ctx.vault, attachment, message.author_agency_id),
        media_type=stored.media_type,
        size=stored.size,
        sha256=stored.sha256,
        chunks=chunks,
        receipt=receipt,
    )
