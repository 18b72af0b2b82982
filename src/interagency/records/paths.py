"""The objects the records' routes name in their paths, by public id (`web.ids`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from interagency.identity.audit_access import name_kind
from interagency.records.models import AccessRequest, BulkUpload, Record
from interagency.web.ids import key_of

RecordId = Annotated[int, Depends(key_of(Record, "record_id"))]
AccessRequestId = Annotated[int, Depends(key_of(AccessRequest, "request_id"))]
UploadId = Annotated[int, Depends(key_of(BulkUpload, "upload_id"))]
# A hit is named by its reference, which both sides of it know.
HitRef = Annotated[str, Path(pattern=r"^HIT-[0-9A-F]{10}$", description="A hit's reference")]

name_kind("record", Record)
