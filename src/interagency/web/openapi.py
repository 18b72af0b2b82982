"""OpenAPI pieces shared by every feature's API routes."""

from __future__ import annotations

from typing import Any

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
    404: _problem("Not found"),
    422: _problem("Invalid input"),
}
