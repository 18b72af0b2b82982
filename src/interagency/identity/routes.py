"""Routes of the identity feature: member-state pages and their JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from interagency.identity import services
from interagency.identity.schemas import MemberStateOut
from interagency.web.deps import RendererDep, UowDep
from interagency.web.openapi import PROBLEM_RESPONSES

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["member states"], responses=PROBLEM_RESPONSES)

StateCode = Annotated[str, Path(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")]


@pages.get("/states")
def member_states_page(request: Request, uow: UowDep, renderer: RendererDep) -> Response:
    states = services.list_member_states(uow)
    return renderer.render(request, "identity/member_states.html", {"states": states})


@api.get("/states", summary="List the council's member states")
def list_member_states(uow: UowDep) -> list[MemberStateOut]:
    return services.list_member_states(uow)


@api.get("/states/{code}", summary="One member state by its ISO code")
def get_member_state(code: StateCode, uow: UowDep) -> MemberStateOut:
    return services.get_member_state(uow, code)
