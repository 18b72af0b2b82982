"""The objects the records' routes name in their paths, by public id (`web.ids`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from interagency.identity.audit_access import name_kind
from interagency.records.models import AccessRequest, BulkUpload, Record
from interagency.web.ids import key_of

RecordId = Annotated[int, Depends(key_of(Record, "record_id"))]
AccessRequestId = Annotated[int, Depends(key_of(AccessRequest, "request_id"))]
UploadId = Annotated[int, Depends(key_of(BulkUpload, "upload_id"))]

name_kind("record", Record)
