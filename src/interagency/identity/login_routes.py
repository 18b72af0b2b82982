"""Sign-in pages: password, second factor (or its enrolment), and sign-out."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from interagency import i18n
from interagency.identity import enrolment, login, passwords, sessions
from interagency.identity.login import Refused
from interagency.inputs import Line, Secret
from interagency.web import csrf, flash, forms
from interagency.web.auth import (
    SESSION_COOKIE,
    clear_session_cookie,
    client_address,
    login_config,
    session_limits,
    set_session_cookie,
)
from interagency.web.deps import ContainerDep, RendererDep, UowDep
from interagency.web.pages import safe_return_path

router = APIRouter(include_in_schema=False)
NextQuery = Annotated[Line | None, Query(alias="next", max_length=2000)]

WRONG = i18n.lazy("The login or the password is wrong.")
WRONG_CODE = i18n.lazy("The code is wrong or was used already. Wait for the next one.")


def _refusal(refused: Refused, wrong: str) -> str:
    if refused.wait_seconds:
        return i18n.ngettext(
            "Too many failed attempts: try again in %(num)d second.",
            "Too many failed attempts: try again in %(num)d seconds.",
            refused.wait_seconds,
        ) % {"num": refused.wait_seconds}
    return i18n.gettext(wrong)


@router.get("/login")
def login_page(request: Request, renderer: RendererDep, next_path: NextQuery = None) -> Response:
    if getattr(request.state, "principal", None) is not None:
        return RedirectResponse(safe_return_path(next_path), status_code=303)
    return renderer.render(request, "identity/login.html", {"next": safe_return_path(next_path)})


@router.post("/login", dependencies=[Depends(csrf.verify)])
def login_submit(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    container: ContainerDep,
    username: Annotated[Line, Form(max_length=200)],
    password: Annotated[Secret, Form(max_length=1000)],
    next_path: Annotated[Line | None, Form(alias="next")] = None,
) -> Response:
    outcome = login.sign_in(
        uow, username, password, client_address(request), login_config(container)
    )
    uow.commit()  # a failure is committed too: its count and its audit entry must stay
    target = safe_return_path(next_path)
    if isinstance(outcome, Refused):
        context = {"next": target, "username": username, "error": _refusal(outcome, WRONG)}
        return renderer.render(
            request,
            "identity/login.html",
            context,
            status_code=429 if outcome.wait_seconds else 401,
        )
    following = target if outcome.stage.value == "complete" else "/login/code?" + _next(target)
    response = RedirectResponse(following, status_code=303)
    set_session_cookie(request, response, outcome.session_id)
    return response


def _next(target: str) -> str:
    return urlencode({"next": target})


@router.get("/login/code")
def code_page(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    container: ContainerDep,
    next_path: NextQuery = None,
) -> Response:
    raw = request.cookies.get(SESSION_COOKIE)
    active = sessions.resolve(uow, raw, session_limits(container)) if raw else None
    if active is None or active.stage.value != "password":
        return RedirectResponse("/login", status_code=303)
    enrolment = None
    if active.user.totp_secret is None:
        key_dir = container.settings.key_dir
        enrolment = login.pending_enrolment(active.user, key_dir) or login.begin_enrolment(
            uow, active.user, key_dir
        )
        uow.commit()
    return renderer.render(
        request,
        "identity/login_code.html",
        {"next": safe_return_path(next_path), "enrolment": enrolment},
    )


@router.post("/login/code", dependencies=[Depends(csrf.verify)])
def code_submit(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    container: ContainerDep,
    code: Annotated[Line, Form(max_length=20)],
    next_path: Annotated[Line | None, Form(alias="next")] = None,
) -> Response:
    raw = request.cookies.get(SESSION_COOKIE) or ""
    outcome = login.confirm_code(uow, raw, code, client_address(request), login_config(container))
    uow.commit()
    target = safe_return_path(next_path)
    if isinstance(outcome, Refused):
        active = sessions.resolve(uow, raw, session_limits(container)) if raw else None
        if active is None:
            return RedirectResponse("/login", status_code=303)
        enrolment = login.pending_enrolment(active.user, container.settings.key_dir)
        context = {"next": target, "enrolment": enrolment, "error": _refusal(outcome, WRONG_CODE)}
        return renderer.render(
            request,
            "identity/login_code.html",
            context,
            status_code=429 if outcome.wait_seconds else 401,
        )
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, outcome.session_id)
    return response


@router.post("/logout", dependencies=[Depends(csrf.verify)])
def logout(request: Request, uow: UowDep) -> Response:
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        login.sign_out(uow, raw, client_address(request))
        uow.commit()
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    flash.add(request, response, "success", i18n.gettext("You are signed out."))
    return response


# --- enrolment links ---------------------------------------------------------------------

EnrolSecret = Annotated[str, Path(max_length=100)]


@router.get("/enrol/{secret}")
def enrol_page(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    container: ContainerDep,
    secret: EnrolSecret,
) -> Response:
    return _enrol(request, uow, renderer, container, secret)


def _enrol(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    container: ContainerDep,
    secret: str,
) -> Response:
    status_code = 200
    found = enrolment.find(uow, secret)
    context: dict[str, object] = {"enrolment": None}
    if found is not None:
        _, user = found
        context |= {
            "user": user,
            "action": request.url.path,
            "enrolment": enrolment.authenticator(uow, user, container.settings.key_dir),
        }
        uow.commit()
    else:
        status_code = 404
    response = renderer.render(request, "identity/enrol.html", context, status_code=status_code)
    # The page holds the new authenticator's secret: no cache keeps it, no link leaks it.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.post("/enrol/{secret}")
def enrol_submit(
    request: Request,
    uow: UowDep,
    container: ContainerDep,
    secret: EnrolSecret,
    password: Annotated[Secret, Form(max_length=256)],
    repeated: Annotated[Secret, Form(max_length=256)],
    code: Annotated[Line, Form(max_length=20)],
) -> Response:
    if password != repeated:
        forms.refuse(repeated=passwords.DIFFERENT)
    try:
        enrolment.complete(
            uow, secret, password, code, client_address(request), container.settings.key_dir
        )
    except enrolment.CodeRefused:
        uow.commit()  # the failure is counted and audited all the same
        raise
    uow.commit()
    response = RedirectResponse("/login", status_code=303)
    flash.add(
        request,
        response,
        "success",
        i18n.gettext("Your account is set up. Sign in with your password and a code."),
    )
    return response
