"""The objects the identity routes name in their paths, by public id (`web.ids`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from interagency.identity.audit_access import name_kind
from interagency.identity.models import ApiToken, ApprovalRequest, BreakGlassAccess, User
from interagency.web.ids import key_of

UserId = Annotated[int, Depends(key_of(User, "user_id"))]
TokenId = Annotated[int, Depends(key_of(ApiToken, "token_id"))]
ApprovalId = Annotated[int, Depends(key_of(ApprovalRequest, "request_id"))]
BreakGlassId = Annotated[int, Depends(key_of(BreakGlassAccess, "access_id"))]

name_kind("user", User)
