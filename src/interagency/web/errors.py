"""Error responses: RFC 9457 problem details for the API, translated pages for people.

Neither ever shows internal details: no exception text from a library, no SQL, no path.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from interagency.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    TooManyRequests,
)
from interagency.i18n import gettext, lazy
from interagency.web import forms, refusals

PROBLEM_JSON = "application/problem+json"

TITLES: dict[int, str] = {
    400: lazy("Bad request"),
    401: lazy("Sign-in required"),
    403: lazy("Access denied"),
    404: lazy("Not found"),
    405: lazy("Method not allowed"),
    409: lazy("Conflict"),
    413: lazy("Too large"),
    415: lazy("Unsupported media type"),
    422: lazy("Invalid input"),
    429: lazy("Too many requests"),
    500: lazy("Internal error"),
    503: lazy("Busy"),
}

DETAILS: dict[int, str] = {
    413: lazy("The request is larger than the platform accepts: send a smaller file."),
    403: lazy("You do not have access to this page or action."),
    404: lazy("There is nothing at this address. Check the link or go back to the start page."),
    405: lazy("This address does not accept that kind of request."),
    500: lazy(
        "Something went wrong on our side. Nothing was saved. Try again; if it happens again, "
        "tell your administrator the time it happened."
    ),
    503: lazy(
        "The server is busy with other requests. Nothing was done: try again in a few seconds."
    ),
}
# Seconds a client turned away as busy is told to wait.
BUSY_RETRY_AFTER = 2


def title_for(status: int) -> str:
    source = TITLES.get(status)
    return gettext(source) if source else HTTPStatus(status).phrase


def is_api(request_path: str) -> bool:
    return request_path.startswith("/api/")


def problem(
    request_path: str, status: int, detail: str, extra: dict[str, Any] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title_for(status),
        "status": status,
        "detail": detail,
        "instance": request_path,
    }
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def error_response(
    request: Request, status: int, detail: str, errors: list[dict[str, str]] | None = None
) -> Response:
    if is_api(request.url.path):
        return problem(request.url.path, status, detail, {"errors": errors} if errors else None)
    renderer = request.app.state.renderer
    context = {"status": status, "title": title_for(status), "detail": detail, "errors": errors}
    return renderer.render(request, "error.html", context, status_code=status)  # type: ignore[no-any-return]


# Pydantic's messages are English only; these say the same in the user's language.
# Each names what to fix; the constraint itself (pattern, length) comes from the error.
VALIDATION_PROBLEMS: dict[str, str] = {
    "missing": lazy("This field is required."),
    "string_pattern_mismatch": lazy("The value does not have the expected form ({pattern})."),
    "string_too_short": lazy("Too short: at least {min_length} characters."),
    "string_too_long": lazy("Too long: at most {max_length} characters."),
    "string_type": lazy("Enter text."),
    "int_parsing": lazy("Enter a whole number."),
    "int_type": lazy("Enter a whole number."),
    "float_parsing": lazy("Enter a number."),
    "bool_parsing": lazy("Enter true or false."),
    "greater_than_equal": lazy("Must be at least {ge}."),
    "less_than_equal": lazy("Must be at most {le}."),
    "enum": lazy("Choose one of: {expected}."),
    "literal_error": lazy("Choose one of: {expected}."),
    "date_from_datetime_parsing": lazy("Enter a date as YYYY-MM-DD."),
    "date_parsing": lazy("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": lazy("Enter a date and time in ISO 8601, with its time zone."),
    "json_invalid": lazy("The request body is not valid JSON."),
}
GENERIC_PROBLEM = lazy("The value is not valid.")
# On a page the field's label and hint say what form a value takes; a regular expression
# would only be noise to the person reading it.
PAGE_PROBLEMS: dict[str, str] = {
    "string_pattern_mismatch": lazy("This is not in the form the field asks for."),
}


def describe_problem(error: Mapping[str, Any], for_page: bool = False) -> str:
    stated = (error.get("ctx") or {}).get("error")
    if error.get("type") == "value_error" and isinstance(stated, ValueError):
        # A rule of the schema itself (e.g. "a request needs a deadline"), in its own words.
        return gettext(str(stated))
    kind = str(error.get("type", ""))
    template = (PAGE_PROBLEMS if for_page else {}).get(kind) or VALIDATION_PROBLEMS.get(
        kind, GENERIC_PROBLEM
    )
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        return gettext(template).format(**context)
    except (KeyError, IndexError, ValueError):
        return gettext(GENERIC_PROBLEM)


def describe_validation_errors(
    exc: RequestValidationError, for_page: bool = False
) -> list[dict[str, str]]:
    described = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        described.append({"field": location, "problem": describe_problem(error, for_page)})
    return described


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    source = DETAILS.get(exc.status_code)
    detail = gettext(source) if source else title_for(exc.status_code)
    response = error_response(request, exc.status_code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = describe_validation_errors(exc, for_page=not is_api(request.url.path))
    again = await forms.shown_again(request, problems, 422)
    if again is not None:
        return again
    detail = gettext("Some values are missing or invalid: correct the fields listed.")
    return error_response(request, 422, detail, problems)


def domain_message(exc: DomainError) -> str:
    """The error's message in the reader's language. Parameters that are themselves
    messages (role names, kinds) are translated too; other text has no catalog entry and
    stays as it is."""
    params = {key: gettext(v) if isinstance(v, str) else v for key, v in exc.params.items()}
    return gettext(exc.message).format(**params)


async def on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    await refusals.record_async(request, exc)
    if isinstance(exc, NotAuthenticated) and not is_api(request.url.path):
        return RedirectResponse(login_url(request), status_code=303)
    if exc.redirect_to and not is_api(request.url.path):
        return RedirectResponse(exc.redirect_to, status_code=303)
    if isinstance(exc, InvalidInput | Conflict):
        # A form refused for what it says, or for being stale: its page again, nothing lost.
        field = exc.for_field if isinstance(exc, InvalidInput) else None
        problems = [{"field": field or "", "problem": domain_message(exc)}]
        again = await forms.shown_again(request, problems, exc.status)
        if again is not None:
            return again
    response = error_response(request, exc.status, domain_message(exc))
    if isinstance(exc, NotAuthenticated):
        response.headers["www-authenticate"] = 'Bearer realm="interagency"'
    if isinstance(exc, TooManyRequests):
        response.headers["retry-after"] = str(exc.retry_after)
    return response


STALE_MESSAGE = lazy("Somebody changed this at the same moment; reload it and try again.")


def login_url(request: Request) -> str:
    """The sign-in page, with the page asked for to come back to (GET only: a form post
    cannot be replayed after signing in)."""
    if request.method != "GET" or request.url.path in ("/", "/login"):
        return "/login"
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?" + urlencode({"next": target})


async def internal_error_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The 500 answer, sent by the outer middleware after it logged the exception."""
    request = Request(scope, receive)
    response = error_response(request, 500, gettext(DETAILS[500]))
    await response(scope, receive, send)


async def too_large_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The 413 answer to a page request whose body is too large: the error page in the
    reader's language, not the API's problem details."""
    request = Request(scope, receive)
    response = error_response(request, 413, gettext(DETAILS[413]))
    await response(scope, receive, send)


async def busy_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The 503 answer to a request turned away because the server is busy."""
    request = Request(scope, receive)
    response = error_response(request, 503, gettext(DETAILS[503]))
    response.headers["retry-after"] = str(BUSY_RETRY_AFTER)
    await response(scope, receive, send)


async def on_stale_data(request: Request, exc: Exception) -> Response:
    """Two people changed the same row at once: the later one is told, nothing is lost."""
    return await on_domain_error(request, Conflict(STALE_MESSAGE))


def install(app: FastAPI) -> None:
    app.add_exception_handler(StaleDataError, on_stale_data)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(DomainError, on_domain_error)
