"""The objects the exchange's routes name in their paths, by public id (`web.ids`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from interagency.exchange.models import (
    Attachment,
    Dissemination,
    Message,
    PreparedExport,
    Thread,
)
from interagency.identity.audit_access import name_kind
from interagency.web.ids import key_of

ThreadId = Annotated[int, Depends(key_of(Thread, "thread_id"))]
MessageId = Annotated[int, Depends(key_of(Message, "message_id"))]
AttachmentId = Annotated[int, Depends(key_of(Attachment, "attachment_id"))]
DisseminationId = Annotated[int, Depends(key_of(Dissemination, "request_id"))]
PreparedExportId = Annotated[int, Depends(key_of(PreparedExport, "prepared_id"))]

name_kind("thread", Thread)
