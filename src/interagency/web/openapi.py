"""OpenAPI pieces shared by every feature's API routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field


class ProblemDetail(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, str]] | None = Field(
        default=None, description="For 422: each field and what is wrong with it"
    )


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": ProblemDetail,
        "content": {"application/problem+json": {}},
    }


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem("No valid API token"),
    403: _problem("The token's user may not do this"),
    404: _problem("Not found"),
    409: _problem("Conflicts with the current state"),
    422: _problem("Invalid input"),
    429: _problem("Too many requests; the Retry-After header says how long to wait"),
    503: _problem("The server is busy; nothing was done, retry after Retry-After seconds"),
}

# Documents the scheme (and gives Swagger UI its "Authorize" button); the check itself is
# the application-wide `authenticate` dependency, which refuses what this lets through.
bearer_token = HTTPBearer(
    auto_error=False,
    scheme_name="API token",
    description="A token from 'My account' → 'API tokens', sent as `Authorization: Bearer ia_…`",
)
API_DEPENDENCIES = [Depends(bearer_token)]

# A row id in a path: positive and within a 32-bit integer, which both databases store,
# so an absurd id is a 422 that says so rather than a database error.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647, description="A positive id")]
