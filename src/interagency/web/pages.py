"""The shell's own pages: start page, preferences and the language switch."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from interagency import i18n
from interagency.i18n import lazy
from interagency.identity import services as identity
from interagency.inputs import Line
from interagency.web import csrf, flash, forms
from interagency.web.cookies import set_cookie
from interagency.web.deps import RendererDep, UowDep
from interagency.web.security import LANGUAGE_COOKIE, TIMEZONE_COOKIE

router = APIRouter(include_in_schema=False)

PREFERENCE_MAX_AGE = 365 * 24 * 3600
# Member states span UTC+2 to UTC+12; these are offered first, any IANA zone is accepted.
COMMON_TIMEZONES = (
    "Europe/Chisinau",
    "Europe/Minsk",
    "Europe/Moscow",
    "Asia/Yerevan",
    "Asia/Tbilisi",
    "Asia/Baku",
    "Asia/Tashkent",
    "Asia/Dushanbe",
    "Asia/Ashgabat",
    "Asia/Bishkek",
    "Asia/Almaty",
    "Asia/Vladivostok",
    "Asia/Kamchatka",
    "UTC",
)


@router.get("/")
def home(request: Request, uow: UowDep, renderer: RendererDep) -> Response:
    states = identity.list_member_states(uow)
    return renderer.render(request, "home.html", {"states": states})


@router.get("/preferences")
def preferences(request: Request, renderer: RendererDep) -> Response:
    return renderer.render(request, "preferences.html", {"timezones": COMMON_TIMEZONES})


def safe_return_path(candidate: str | None) -> str:
    """Only a local path: an open redirect would let a link carry users off-site."""
    if not candidate:
        return "/"
    parts = urlsplit(candidate)
    # Browsers read a backslash as a slash, so "/\\host" would leave the site like "//host".
    if (
        parts.scheme
        or parts.netloc
        or not candidate.startswith("/")
        or candidate.startswith("//")
        or "\\" in candidate
        or any(ord(char) < 0x20 for char in candidate)
    ):
        return "/"
    return candidate


@router.post("/preferences", dependencies=[Depends(csrf.verify)])
def save_preferences(
    request: Request,
    language: Annotated[Line, Form()],
    timezone: Annotated[Line, Form()],
) -> Response:
    problems = {}
    if language not in i18n.LANGUAGES:
        problems["language"] = lazy("Choose Russian or English.")
    if timezone not in available_timezones():
        problems["timezone"] = lazy("Choose a time zone from the list.")
    if problems:
        forms.refuse(**problems)
    response = RedirectResponse("/preferences", status_code=303)
    remember(request, response, LANGUAGE_COOKIE, language)
    remember(request, response, TIMEZONE_COOKIE, timezone)
    with i18n.language(language):
        flash.add(request, response, "success", i18n.gettext("Preferences saved."))
    return response


@router.post("/language", dependencies=[Depends(csrf.verify)])
def switch_language(
    request: Request,
    language: Annotated[Line, Form()],
    next_path: Annotated[Line | None, Form(alias="next")] = None,
) -> Response:
    response = RedirectResponse(safe_return_path(next_path), status_code=303)
    if language in i18n.LANGUAGES:
        remember(request, response, LANGUAGE_COOKIE, language)
    return response


def remember(request: Request, response: Response, name: str, value: str) -> None:
    # Lax, not Strict: a link from a mail or another system should open in the user's language.
    set_cookie(request, response, name, value, max_age=PREFERENCE_MAX_AGE, samesite="lax")


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
