"""Administration pages: agencies, accounts and the changes asked for them, approvals,
profiles and break-glass."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from interagency import i18n
from interagency.errors import Forbidden
from interagency.identity import accounts, approvals, breakglass, directory, enrolment, tokens
from interagency.identity.models import Agency, AgencyKind, ApprovalRequest, Role, User
from interagency.identity.paths import ApprovalId, BreakGlassId, UserId
from interagency.identity.policy import Action, Change, allowed, sees_every_agencys_accounts
from interagency.identity.schemas import (
    LOGIN_PATTERN,
    AccountRequestIn,
    AgencyIn,
    ChangeRequestOut,
    DeskIn,
    DirectoryListingIn,
    UserOut,
)
from interagency.inputs import Line, Text
from interagency.web import flash, forms, refusals
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

router = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api/v1",
    tags=["administration"],
    responses=PROBLEM_RESPONSES,
    dependencies=API_DEPENDENCIES,
)


def _done(request: Request, target: str, message: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    flash.add(request, response, "success", message)
    return response


WAITS = i18n.lazy("Request %(id)s waits for the approval of a supervisor of the agency.")


def _asked(request: Request, row: ApprovalRequest) -> Response:
    return _done(request, "/admin/users", i18n.gettext(WAITS) % {"id": row.public_id})


# --- accounts ----------------------------------------------------------------------------


@router.get("/admin/users")
def users_page(request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep) -> Response:
    users = accounts.list_users(uow, caller)
    agencies = directory.list_agencies(uow, caller)
    uow.commit()
    principal = caller.principal
    assert principal is not None  # (CallerDep needs a principal)
    every = sees_every_agencys_accounts(principal)
    own = next((a.code for a in agencies if a.id == principal.agency_id), None)
    context = {
        "people": [user for user in users if not user.service],
        "services": [user for user in users if user.service],
        "agencies": [a for a in agencies if every or a.id == principal.agency_id],
        "all_roles": list(Role),
        "service_roles": sorted(approvals.SERVICE_ROLES),
        "may_ask": allowed(principal, Action.ASK_ACCOUNT_CHANGE),
        # Only the account's own agency lists it in the directory (`may_list_in_directory`).
        "lists_for": own if allowed(principal, Action.LIST_IN_DIRECTORY) else None,
        "max_token_days": tokens.MAX_DAYS,
    }
    return renderer.render(request, "identity/admin_users.html", context)


@router.post("/admin/users")
def ask_for_account(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: Annotated[Line, Form(max_length=64)],
    full_name: Annotated[Line, Form(max_length=200)],
    agency: Annotated[Line, Form(max_length=32)],
    reason: Annotated[Text, Form(max_length=1000)],
    # Unticked boxes send nothing: an empty list, which validation then names.
    desks: Annotated[list[Line], Form(default_factory=list)],
    roles: Annotated[list[Line], Form(default_factory=list)],
    personnel_number: Annotated[Line, Form(max_length=32)] = "",
    email: Annotated[Line, Form(max_length=254)] = "",
    service: Annotated[bool, Form()] = False,
) -> Response:
    data = forms.valid(
        AccountRequestIn,
        {
            "login": login,
            "full_name": full_name,
            "agency": agency,
            "personnel_number": personnel_number,
            "service": service,
            "desks": desks,
            "roles": roles,
            "email": email,
            "reason": reason,
        },
    )
    row = accounts.ask_for_account(uow, caller, data, data.reason)
    uow.commit()
    return _asked(request, row)


@router.post("/admin/users/{login}/disable")
def disable_user(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    reason: Annotated[Text, Form(max_length=500)],
) -> Response:
    accounts.disable(uow, caller, login, reason)
    uow.commit()
    return _done(
        request,
        "/admin/users",
        i18n.gettext("%(login)s is disabled; their sessions and tokens have ended.")
        % {"login": login},
    )


Reason = Annotated[Text, Form(max_length=1000)]


@router.post("/admin/users/{login}/roles/remove")
def take_role_away(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    role: Annotated[Role, Form()],
    reason: Reason,
) -> Response:
    accounts.take_away(uow, caller, login, reason, role=role)
    return _taken(request, uow, i18n.gettext("The role is taken away from %(login)s."), login)


@router.post("/admin/users/{login}/desks/remove")
def take_desk_away(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    desk: Annotated[Line, Form(max_length=32)],
    reason: Reason,
) -> Response:
    accounts.take_away(uow, caller, login, reason, desk=desk)
    return _taken(request, uow, i18n.gettext("The desk is taken away from %(login)s."), login)


@router.post("/admin/users/{login}/directory")
def set_directory_listing(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    listed: Annotated[bool, Form()] = False,
) -> Response:
    accounts.set_listing(uow, caller, login, listed=listed)
    message = (
        i18n.gettext("%(login)s is listed in the directory: other agencies may address them.")
        if listed
        else i18n.gettext("%(login)s is no longer listed in the directory.")
    )
    return _taken(request, uow, message, login)


def _taken(request: Request, uow: UowDep, message: str, login: str) -> Response:
    uow.commit()
    return _done(request, "/admin/users", message % {"login": login})


def _ask(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    change: Change,
    login: str,
    payload: dict[str, object],
    reason: str,
) -> Response:
    row = approvals.ask_about(uow, caller, change, login, payload, reason)
    uow.commit()
    return _asked(request, row)


@router.post("/admin/users/{login}/roles")
def ask_for_role(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    role: Annotated[Role, Form()],
    reason: Reason,
) -> Response:
    return _ask(request, uow, caller, Change.ROLE, login, {"role": role.value}, reason)


@router.post("/admin/users/{login}/desks")
def ask_for_desk(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    desk: Annotated[Line, Form(max_length=32)],
    reason: Reason,
) -> Response:
    return _ask(request, uow, caller, Change.DESK, login, {"desk": desk}, reason)


@router.post("/admin/users/{login}/email")
def ask_for_email(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    reason: Reason,
    email: Annotated[Line, Form(max_length=254)] = "",
) -> Response:
    return _ask(request, uow, caller, Change.EMAIL, login, {"email": email}, reason)


@router.post("/admin/users/{login}/reset")
def ask_for_reset(
    request: Request, uow: UowDep, caller: CallerDep, login: str, reason: Reason
) -> Response:
    return _ask(request, uow, caller, Change.RESET, login, {}, reason)


@router.post("/admin/users/{login}/re-enable")
def ask_for_reenable(
    request: Request, uow: UowDep, caller: CallerDep, login: str, reason: Reason
) -> Response:
    return _ask(request, uow, caller, Change.REENABLE, login, {}, reason)


@router.post("/admin/users/{login}/tokens")
def ask_for_service_token(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    login: str,
    name: Annotated[Line, Form(max_length=100)],
    reason: Reason,
    days: Annotated[int, Form(ge=1, le=tokens.MAX_DAYS)] = tokens.DEFAULT_DAYS,
) -> Response:
    payload: dict[str, object] = {"name": name, "days": days}
    return _ask(request, uow, caller, Change.SERVICE_TOKEN, login, payload, reason)


@api.get("/users", summary="Accounts the caller administers or supervises")
def list_users_api(uow: UowDep, caller: CallerDep) -> list[UserOut]:
    users = accounts.list_users(uow, caller)
    uow.commit()
    return users


@api.post(
    "/users", status_code=201, summary="Ask for an account; a supervisor of its agency approves it"
)
def ask_for_account_api(data: AccountRequestIn, uow: UowDep, caller: CallerDep) -> ChangeRequestOut:
    row = accounts.ask_for_account(uow, caller, data, data.reason)
    uow.commit()
    return approvals.request_out(uow, row)


@api.put(
    "/users/{login}/directory-listing",
    summary="List a person of one's agency in the directory (others may then address them by "
    "name), or take them off",
)
def set_directory_listing_api(
    login: Annotated[str, Path(pattern=LOGIN_PATTERN)],
    data: DirectoryListingIn,
    uow: UowDep,
    caller: CallerDep,
) -> UserOut:
    user = accounts.set_listing(uow, caller, login, listed=data.listed)
    uow.commit()
    return user


@api.get("/account-changes", summary="The last changes asked for the caller's agency's accounts")
def account_changes_api(uow: UowDep, caller: CallerDep) -> list[ChangeRequestOut]:
    rows = approvals.changes_of_agency(uow, caller)
    uow.commit()
    return [approvals.request_out(uow, row) for row in rows]


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
    code: Annotated[Line, Form(max_length=32)],
    kind: Annotated[AgencyKind, Form()],
    name_ru: Annotated[Line, Form(max_length=200)],
    name_en: Annotated[Line, Form(max_length=200)],
    member_state: Annotated[Line, Form(max_length=2)] = "",
    desks: Annotated[Text, Form(max_length=4000)] = "",
) -> Response:
    """Desks come one a line as `CODE | name in Russian | name in English`."""
    data = forms.valid(
        AgencyIn,
        {
            "code": code.strip().upper(),
            "kind": kind,
            "member_state": member_state.strip().upper() or None,
            "name_ru": name_ru,
            "name_en": name_en,
            "desks": _desks(desks),
        },
    )
    agency = directory.add_agency(uow, caller, data)
    uow.commit()
    return _done(
        request, "/admin/agencies", i18n.gettext("Agency %(code)s added.") % {"code": agency.code}
    )


DESK_LINE = i18n.lazy(
    "Write each desk on its own line as CODE | name in Russian | name in English; "
    "the code has capital letters, digits and dashes."
)


def _desks(text: str) -> list[DeskIn]:
    """The desk lines, each checked here: a wrong one is named beside the desks field
    rather than by its place in a list the form never showed."""
    desks = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        parts = [part.strip() for part in line.split("|")]
        try:
            if len(parts) != 3:
                raise ValueError(line)
            desks.append(DeskIn(code=parts[0].upper(), name_ru=parts[1], name_en=parts[2]))
        except (ValidationError, ValueError):
            forms.refuse(desks=DESK_LINE)
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
    context = {"pending": pending, "mine": mine, **_named(uow, pending + mine)}
    return renderer.render(request, "identity/approvals.html", context)


def _named(uow: UowDep, rows: list[ApprovalRequest]) -> dict[str, object]:
    """The people and agencies these requests name, for the pages that describe them."""
    ids = {row.requested_by_id for row in rows} | {row.decided_by_id for row in rows}
    ids |= {row.target_user_id for row in rows}
    people = {
        user_id: user
        for user_id in ids
        if user_id is not None and (user := uow.session.get(User, user_id)) is not None
    }
    codes = {
        agency_id: agency.code
        for agency_id in {row.agency_id for row in rows}
        if (agency := uow.session.get(Agency, agency_id)) is not None
    }
    return {"people": people, "agency_codes": codes}


@router.post("/approvals/{request_id}")
def decide(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    request_id: ApprovalId,
    decision: Annotated[Line, Form(pattern="^(approve|refuse)$")],
    digest: Annotated[Line, Form(max_length=64)],
    note: Annotated[Text, Form(max_length=1000)] = "",
) -> Response:
    outcome = approvals.decide(
        uow, caller, request_id, approve=decision == "approve", seen_digest=digest, note=note
    )
    uow.commit()
    row = outcome.request
    if outcome.secret is None:
        message = (
            i18n.gettext("Request %(id)s approved and carried out.")
            if row.status == "approved"
            else i18n.gettext("Request %(id)s refused.")
        )
        return _done(request, "/approvals", message % {"id": row.public_id})
    # A link or a token is shown here once and never again: not in a redirect, a cookie
    # or a cache.
    secret = outcome.secret
    if secret.startswith(enrolment.PATH):
        secret = request.app.state.container.settings.base_url.rstrip("/") + secret
    hours = int(enrolment.LIFETIME.total_seconds() // 3600)
    context = {"row": row, "secret": secret, "link_hours": hours, **_named(uow, [row])}
    response = renderer.render(request, "identity/approved_secret.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/accounts/changes")
def account_changes_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = approvals.changes_of_agency(uow, caller)
    uow.commit()
    return renderer.render(
        request, "identity/account_changes.html", {"rows": rows, **_named(uow, rows)}
    )


# --- profiles and break-glass ------------------------------------------------------------


@router.get("/users/{user_id}")
def profile_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, user_id: UserId
) -> Response:
    try:
        user = accounts.profile(uow, caller, user_id)
    except Forbidden as refused:
        principal = caller.principal
        if principal is None or not allowed(principal, Action.OPEN_BREAK_GLASS):
            raise
        uow.session.rollback()  # ends the transaction: the refusal is recorded in its own
        refusals.record(request, refused)
        # A supervisor is shown the way through break-glass instead of a dead end. Shown
        # again for a refused break-glass form, it answers as that form's page (422).
        again = bool(forms.state_of(request).errors)
        return renderer.render(
            request,
            "identity/profile_locked.html",
            {"user_id": request.path_params["user_id"], "max_minutes": breakglass.MAX_MINUTES},
            status_code=200 if again else 403,
        )
    uow.commit()
    return renderer.render(request, "identity/profile.html", {"user": user})


@router.post("/users/{user_id}/break-glass")
def open_break_glass(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    user_id: UserId,
    reason: Annotated[Text, Form(max_length=2000)],
    minutes: Annotated[int, Form(ge=1, le=breakglass.MAX_MINUTES)] = breakglass.DEFAULT_MINUTES,
) -> Response:
    public_id = request.path_params["user_id"]
    breakglass.open_access(uow, caller, "user", public_id, reason, minutes)
    uow.commit()
    return _done(
        request,
        f"/users/{public_id}",
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
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, access_id: BreakGlassId
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
    access_id: BreakGlassId,
    note: Annotated[Text, Form(max_length=2000)],
) -> Response:
    breakglass.close(uow, caller, access_id, note)
    uow.commit()
    return _done(request, "/break-glass", i18n.gettext("The access is reviewed and closed."))
