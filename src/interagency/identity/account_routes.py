"""Pages of a user's own account: second factor, API tokens, sessions, notifications."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from interagency import i18n
from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.errors import InvalidInput
from interagency.identity import account, guard, passwords
from interagency.identity.paths import TokenId
from interagency.identity.policy import Action
from interagency.identity.principals import Caller
from interagency.identity.tokens import IssuedToken
from interagency.inputs import Line, Secret
from interagency.web import flash, forms
from interagency.web.auth import SESSION_COOKIE, CallerDep
from interagency.web.deps import ContainerDep, RendererDep, UowDep
from interagency.web.templating import Renderer

router = APIRouter(include_in_schema=False)

WRONG_CODE = i18n.lazy("The code is wrong or was used already. Wait for the next one.")


@router.get("/account")
def account_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, container: ContainerDep
) -> Response:
    return _render(request, uow, renderer, caller, container)


def _render(
    request: Request,
    uow: UnitOfWork,
    renderer: Renderer,
    caller: Caller,
    container: Container,
    *,
    issued: IssuedToken | None = None,
) -> Response:
    key_dir = container.settings.key_dir
    context = {
        "user": account.me(uow, caller),
        "tokens": account.my_tokens(uow, caller),
        "sessions": account.my_sessions(uow, caller),
        "enrolment": account.pending_enrolment(uow, caller, key_dir),
        "issued": issued,
    }
    return renderer.render(request, "identity/account.html", context)


@router.post("/account/2fa")
def start_enrolment(
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    current_code: Annotated[Line, Form(max_length=20)] = "",
) -> Response:
    try:
        account.start_enrolment(uow, caller, container.settings.key_dir, current_code)
    except account.ReauthenticationFailed:
        uow.commit()  # the failure is counted and audited all the same
        raise
    uow.commit()
    return RedirectResponse("/account#second-factor", status_code=303)


@router.get("/account/password")
def password_page(request: Request, renderer: RendererDep, caller: CallerDep) -> Response:
    return renderer.render(request, "identity/password.html", {})


@router.post("/account/password")
def change_password(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    current: Annotated[Secret, Form(max_length=256)],
    new: Annotated[Secret, Form(max_length=256)],
    repeated: Annotated[Secret, Form(max_length=256)],
) -> Response:
    if new != repeated:
        forms.refuse(repeated=passwords.DIFFERENT)
    try:
        account.change_password(
            uow, caller, current, new, keep_session=request.cookies.get(SESSION_COOKIE)
        )
    except account.ReauthenticationFailed:
        uow.commit()  # the failure is counted and audited all the same
        raise
    uow.commit()
    response = RedirectResponse("/", status_code=303)
    flash.add(request, response, "success", i18n.gettext("Your new password is saved."))
    return response


@router.post("/account/2fa/confirm")
def confirm_enrolment(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    code: Annotated[Line, Form(max_length=20)],
) -> Response:
    confirmed = account.confirm_enrolment(uow, caller, code, container.settings.key_dir)
    uow.commit()  # a wrong code is counted all the same
    if not confirmed:
        raise InvalidInput(WRONG_CODE, for_field="code")
    response = RedirectResponse("/account", status_code=303)
    flash.add(request, response, "success", i18n.gettext("The second factor is set up."))
    return response


@router.post("/account/tokens")
def issue_token(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    container: ContainerDep,
    name: Annotated[Line, Form(max_length=100)],
    days: Annotated[int, Form(ge=1, le=365)] = 90,
) -> Response:
    issued = account.issue_token(uow, caller, name, days)
    uow.commit()
    # Shown in this response only: it is never stored, so it cannot be shown again.
    return _render(request, uow, renderer, caller, container, issued=issued)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, uow: UowDep, caller: CallerDep, token_id: TokenId) -> Response:
    account.revoke_token(uow, caller, token_id)
    uow.commit()
    response = RedirectResponse("/account#tokens", status_code=303)
    flash.add(request, response, "success", i18n.gettext("The token is revoked."))
    return response


@router.get("/notifications")
def notifications_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    items = account.my_notifications(uow, caller)
    return renderer.render(request, "identity/notifications.html", {"items": items})


@router.post("/notifications/read")
def read_notifications(uow: UowDep, caller: CallerDep) -> Response:
    account.read_notifications(uow, caller)
    uow.commit()
    return RedirectResponse("/notifications", status_code=303)


@router.get("/review")
def review_queue(uow: UowDep, caller: CallerDep) -> Response:
    """The neutrality reviewers' queue: they see only what is submitted to them, the
    shared records awaiting an Article 3 decision."""
    guard.require(caller, Action.VIEW_REVIEW_QUEUE, "review-queue")
    return RedirectResponse("/records/review", status_code=303)
