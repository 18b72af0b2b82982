"""Routes of the identity feature: the directory of member states, agencies and desks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from interagency.identity import directory, services
from interagency.identity.schemas import AgencyOut, MemberStateOut, WhoAmI
from interagency.web.auth import CallerDep, PrincipalDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

pages = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api/v1", tags=["directory"], responses=PROBLEM_RESPONSES, dependencies=API_DEPENDENCIES
)

StateCode = Annotated[str, Path(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")]


@pages.get("/states")
def member_states_page(
    request: Request, uow: UowDep, renderer: RendererDep, _principal: PrincipalDep
) -> Response:
    states = services.list_member_states(uow)
    return renderer.render(request, "identity/member_states.html", {"states": states})


@pages.get("/directory")
def directory_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    agencies = directory.list_agencies(uow, caller)
    uow.commit()
    return renderer.render(request, "identity/directory.html", {"agencies": agencies})


@api.get("/states", summary="List the council's member states")
def list_member_states(uow: UowDep, _principal: PrincipalDep) -> list[MemberStateOut]:
    return services.list_member_states(uow)


@api.get("/states/{code}", summary="One member state by its ISO code")
def get_member_state(code: StateCode, uow: UowDep, _principal: PrincipalDep) -> MemberStateOut:
    return services.get_member_state(uow, code)


@api.get("/agencies", summary="Agencies and council bodies with the desks one can address")
def list_agencies(uow: UowDep, caller: CallerDep) -> list[AgencyOut]:
    agencies = directory.list_agencies(uow, caller)
    uow.commit()
    return agencies


@api.get("/me", summary="The user the token belongs to")
def who_am_i(uow: UowDep, principal: PrincipalDep) -> WhoAmI:
    agency = services.agency_code(uow, principal.agency_id)
    return WhoAmI(
        login=principal.login,
        full_name=principal.full_name,
        agency=agency,
        roles=sorted(principal.roles),
        desks=services.desk_codes(uow, principal.desk_ids),
    )
