"""Administration pages: agencies, users, four-eyes approvals, profiles and break-glass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from interagency import i18n
from interagency.errors import Conflict, Forbidden, InvalidInput
from interagency.identity import accounts, approvals, breakglass, directory
from interagency.identity.models import AgencyKind, ApprovalRequest, Role, User
from interagency.identity.policy import PRIVILEGED_ROLES, Action, allowed
from interagency.identity.schemas import AgencyIn, DeskIn, UserIn, UserOut
from interagency.outbox.addresses import normalise_address
from interagency.web import flash
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.errors import describe_problem, domain_message
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

router = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api/v1",
    tags=["administration"],
    responses=PROBLEM_RESPONSES,
    dependencies=API_DEPENDENCIES,
)

DIRECT_ROLES = [role for role in Role if role not in PRIVILEGED_ROLES]


def _done(request: Request, target: str, message: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    flash.add(request, response, "success", message)
    return response


def _problems(exc: ValidationError) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in error["loc"]), "problem": describe_problem(error)}
        for error in exc.errors()
    ]


# --- users -------------------------------------------------------------------------------


@router.get("/admin/users")
def users_page(request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep) -> Response:
    return _users(request, uow, renderer, caller)


def _users(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    errors: list[dict[str, str]] | None = None,
    form: Mapping[str, object] | None = None,
) -> Response:
    users = accounts.list_users(uow, caller)
    agencies = directory.list_agencies(uow, caller)
    uow.commit()
    context = {
        "users": users,
        "agencies": agencies,
        "direct_roles": DIRECT_ROLES,
        "all_roles": list(Role),
        "errors": errors,
        "form": form or {},
    }
    return renderer.render(
        request, "identity/admin_users.html", context, status_code=422 if errors else 200
    )


@router.post("/admin/users")
def add_user(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    login: Annotated[str, Form(max_length=64)],
    full_name: Annotated[str, Form(max_length=200)],
    agency: Annotated[str, Form(max_length=32)],
    password: Annotated[str, Form(max_length=256)],
    # Unticked boxes send nothing: an empty list, which validation then names.
    desks: Annotated[list[str], Form(default_factory=list)],
    roles: Annotated[list[str], Form(default_factory=list)],
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    form = {
        "login": login,
        "full_name": full_name,
        "agency": agency,
        "desks": desks,
        "roles": roles,
        "email": email,
    }
    # The address is checked here too, so that its problem says what to fix, beside the
    # problems of the other fields.
    address_problems: list[dict[str, str]] = []
    try:
        address = normalise_address(email) if email.strip() else None
    except InvalidInput as exc:
        address_problems.append({"field": "email", "problem": domain_message(exc)})
        address = None
    try:
        data = UserIn(
            login=login,
            full_name=full_name,
            agency=agency,
            desks=desks,
            roles=roles,
            password=password,
            email=address,
        )
    except ValidationError as exc:
        return _users(request, uow, renderer, caller, _problems(exc) + address_problems, form)
    if address_problems:
        return _users(request, uow, renderer, caller, address_problems, form)
    try:
        user = accounts.add_user(uow, caller, data)
    except (InvalidInput, Conflict) as exc:
        uow.session.rollback()
        problems = [{"field": "", "problem": domain_message(exc)}]
        return _users(request, uow, renderer, caller, problems, form)
    uow.commit()
    return _done(
        request, "/admin/users", i18n.gettext("User %(login)s added.") % {"login": user.login}
    )


@router.post("/admin/users/{login}/disable")
def disable_user(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    reason: Annotated[str, Form(max_length=500)],
) -> Response:
    accounts.disable(uow, caller, login, reason)
    uow.commit()
    return _done(
        request,
        "/admin/users",
        i18n.gettext("%(login)s is disabled; their sessions and tokens have ended.")
        % {"login": login},
    )


@router.post("/admin/users/{login}/email")
def set_email(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    user = accounts.set_email(uow, caller, login, email)
    uow.commit()
    if user.email is None:
        message = i18n.gettext("%(login)s gets no e-mail notifications now.") % {"login": login}
    else:
        message = i18n.gettext("Notifications for %(login)s go to %(email)s.") % {
            "login": login,
            "email": user.email,
        }
    return _done(request, "/admin/users", message)


@router.post("/admin/users/{login}/roles")
def request_role(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    role: Annotated[Role, Form()],
    reason: Annotated[str, Form(max_length=1000)],
) -> Response:
    row = approvals.request_about(
        uow, caller, approvals.ROLE_ELEVATION, login, {"role": role.value}, reason
    )
    uow.commit()
    return _done(
        request,
        "/approvals",
        i18n.gettext("Request %(id)s waits for another administrator's approval.") % {"id": row.id},
    )


@router.post("/admin/users/{login}/2fa-reset")
def request_reset(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    reason: Annotated[str, Form(max_length=1000)],
) -> Response:
    row = approvals.request_about(uow, caller, approvals.SECOND_FACTOR_RESET, login, {}, reason)
    uow.commit()
    return _done(
        request,
        "/approvals",
        i18n.gettext("Request %(id)s waits for another administrator's approval.") % {"id": row.id},
    )


@api.get("/users", summary="Users the administrator manages")
def list_users_api(uow: UowDep, caller: CallerDep) -> list[UserOut]:
    users = accounts.list_users(uow, caller)
    uow.commit()
    return users


# --- agencies ----------------------------------------------------------------------------


@router.get("/admin/agencies")
def agencies_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    agencies = directory.list_agencies(uow, caller)
    uow.commit()
    return renderer.render(
        request, "identity/admin_agencies.html", {"agencies": agencies, "kinds": list(AgencyKind)}
    )


@router.post("/admin/agencies")
def add_agency(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    code: Annotated[str, Form(max_length=32)],
    kind: Annotated[AgencyKind, Form()],
    name_ru: Annotated[str, Form(max_length=200)],
    name_en: Annotated[str, Form(max_length=200)],
    member_state: Annotated[str, Form(max_length=2)] = "",
    desks: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Desks come one a line as `CODE | name in Russian | name in English`."""
    try:
        data = AgencyIn(
            code=code.strip().upper(),
            kind=kind,
            member_state=member_state.strip() or None,
            name_ru=name_ru,
            name_en=name_en,
            desks=_desks(desks),
        )
    except (ValidationError, ValueError):
        response = RedirectResponse("/admin/agencies", status_code=303)
        flash.add(
            request,
            response,
            "error",
            i18n.gettext(
                "Check the code (capital letters, digits, dashes), the names and the desk lines "
                "(CODE | name in Russian | name in English)."
            ),
        )
        return response
    agency = directory.add_agency(uow, caller, data)
    uow.commit()
    return _done(
        request, "/admin/agencies", i18n.gettext("Agency %(code)s added.") % {"code": agency.code}
    )


def _desks(text: str) -> list[DeskIn]:
    desks = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3:
            raise ValueError(line)
        desks.append(DeskIn(code=parts[0].upper(), name_ru=parts[1], name_en=parts[2]))
    return desks


# --- approvals ---------------------------------------------------------------------------


@router.get("/approvals")
def approvals_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    principal = caller.principal
    assert principal is not None  # (CallerDep needs a principal)
    pending = approvals.pending_for(uow, caller)
    mine = approvals.requested_by(uow, principal.user_id)
    people = {user.id: user for user in _users_of(uow, pending + mine)}
    return renderer.render(
        request, "identity/approvals.html", {"pending": pending, "mine": mine, "people": people}
    )


def _users_of(uow: UowDep, rows: list[ApprovalRequest]) -> list[User]:
    ids = {row.requested_by_id for row in rows} | {
        row.target_user_id for row in rows if row.target_user_id
    }
    return [user for user_id in ids if (user := uow.session.get(User, user_id)) is not None]


@router.post("/approvals/{request_id}")
def decide(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    request_id: int,
    decision: Annotated[str, Form(pattern="^(approve|refuse)$")],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    row = approvals.decide(uow, caller, request_id, approve=decision == "approve", note=note)
    uow.commit()
    message = (
        i18n.gettext("Request %(id)s approved and carried out.")
        if row.status == "approved"
        else i18n.gettext("Request %(id)s refused.")
    )
    return _done(request, "/approvals", message % {"id": row.id})


# --- profiles and break-glass ------------------------------------------------------------


@router.get("/users/{user_id}")
def profile_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, user_id: int
) -> Response:
    try:
        user = accounts.profile(uow, caller, user_id)
    except Forbidden:
        principal = caller.principal
        if principal is None or not allowed(principal, Action.OPEN_BREAK_GLASS):
            raise
        # A supervisor is shown the way through break-glass instead of a dead end.
        return renderer.render(
            request,
            "identity/profile_locked.html",
            {"user_id": user_id, "max_minutes": breakglass.MAX_MINUTES},
            status_code=403,
        )
    uow.commit()
    return renderer.render(request, "identity/profile.html", {"user": user})


@router.post("/users/{user_id}/break-glass")
def open_break_glass(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    user_id: int,
    reason: Annotated[str, Form(max_length=2000)],
    minutes: Annotated[int, Form(ge=1, le=breakglass.MAX_MINUTES)] = breakglass.DEFAULT_MINUTES,
) -> Response:
    breakglass.open_access(uow, caller, "user", str(user_id), reason, minutes)
    uow.commit()
    return _done(
        request,
        f"/users/{user_id}",
        i18n.gettext("Break-glass access opened; the data protection officers have been alerted."),
    )


@router.get("/break-glass")
def break_glass_list(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = breakglass.review_list(uow, caller)
    uow.commit()
    return renderer.render(request, "identity/breakglass_list.html", {"rows": rows})


@router.get("/break-glass/{access_id}")
def break_glass_detail(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, access_id: int
) -> Response:
    access = breakglass.get(uow, caller, access_id)
    opener = uow.session.get(User, access.user_id)
    uow.commit()
    return renderer.render(
        request,
        "identity/breakglass_detail.html",
        {"access": access, "opener": opener, "agencies": breakglass.agency_names(uow, access)},
    )


@router.post("/break-glass/{access_id}/close")
def close_break_glass(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    access_id: int,
    note: Annotated[str, Form(max_length=2000)],
) -> Response:
    breakglass.close(uow, caller, access_id, note)
    uow.commit()
    return _done(request, "/break-glass", i18n.gettext("The access is reviewed and closed."))
