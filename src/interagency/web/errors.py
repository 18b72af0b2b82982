"""Error responses: RFC 9457 problem details for the API, translated pages for people.

Neither ever shows internal details: no exception text from a library, no SQL, no path.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from interagency.errors import DomainError
from interagency.i18n import gettext, lazy

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
}

DETAILS: dict[int, str] = {
    403: lazy("You do not have access to this page or action."),
    404: lazy("There is nothing at this address. Check the link or go back to the start page."),
    405: lazy("This address does not accept that kind of request."),
    500: lazy(
        "Something went wrong on our side. Nothing was saved. Try again; if it happens again, "
        "tell your administrator the time it happened."
    ),
}


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


def describe_validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    described = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        described.append({"field": location, "problem": str(error.get("msg", ""))})
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
    detail = gettext("Some values are missing or invalid: correct the fields listed.")
    return error_response(request, 422, detail, describe_validation_errors(exc))


async def on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    detail = gettext(exc.message).format(**exc.params)
    return error_response(request, exc.status, detail)


async def internal_error_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The 500 answer, sent by the outer middleware after it logged the exception."""
    request = Request(scope, receive)
    response = error_response(request, 500, gettext(DETAILS[500]))
    await response(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(DomainError, on_domain_error)
