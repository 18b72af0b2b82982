"""The API's documentation page, served from local assets so the CSP holds (no CDN, no inline)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from interagency.web.deps import RendererDep

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def api_docs(request: Request, renderer: RendererDep) -> Response:
    return renderer.render(request, "api_docs.html")
