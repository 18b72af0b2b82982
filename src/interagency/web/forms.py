"""What every feature's HTML form routes share: reading a form into the service's input
model, answering a successful change with a redirect and a message, and showing a refused
form again with what was typed and each error beside its field.

A refused form is shown again by the page it came from: `form_guard()` puts that page's
address in every form, and the error handlers ask the page for itself once more (a GET
inside the same request) with the form's state attached. No route catches validation
errors to render itself, and no template needs its own error context.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from markupsafe import Markup
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response
from starlette.types import Message, Receive, Scope, Send

from interagency.db import UnitOfWork
from interagency.errors import InvalidInput
from interagency.web import csrf, flash

Model = TypeVar("Model", bound=BaseModel)

# The hidden field that names the page a form was on.
FORM_PAGE = "form_page"
# Never sent back into a page: secrets, and the guard's own fields.
NEVER_ECHOED = frozenset({csrf.FIELD, FORM_PAGE})
SECRET_PREFIXES = ("password", "current_password", "new_password")


def valid(
    model: type[Model], data: dict[str, Any], form_names: Mapping[str, str] | None = None
) -> Model:
    """A form's fields as the service's input model; invalid fields answer 422 with each
    field and what to fix, on the form's own page. `form_names` names the form's field for
    a model field called otherwise there (`kind` sent as `link_kind`), so that its error
    stands beside it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # A rule across fields (H3 needs its restriction, an objection its reasons) runs
        # once every field is valid, and says in words what to fix.
        errors = exc.errors()
        rules = [e for e in errors if e["type"] == "value_error" and not e["loc"]]
        if rules and len(rules) == len(errors):
            raise InvalidInput(str(rules[0]["ctx"]["error"])) from None
        names = form_names or {}
        for error in errors:
            if error["loc"] and error["loc"][0] in names:
                error["loc"] = (names[str(error["loc"][0])], *error["loc"][1:])
        raise RequestValidationError(errors) from None


def refuse(**problems: str) -> NoReturn:
    """Refuses a form with a message beside each named field (English source strings,
    shown in the reader's language)."""
    raise RequestValidationError(
        [
            {"type": "value_error", "loc": ("body", name), "ctx": {"error": ValueError(text)}}
            for name, text in problems.items()
        ]
    )


def done(request: Request, uow: UnitOfWork, target: str, message: str) -> Response:
    uow.commit()
    response = RedirectResponse(target, status_code=303)
    flash.add(request, response, "success", message)
    return response


@dataclass
class FormState:
    """What a refused form sent and what was wrong with it, for the page showing it again.

    A page shown normally has an empty state: `typed` gives the defaults, no errors."""

    values: dict[str, list[str]] = field(default_factory=dict)
    # Each error: {"field": name or "", "problem": text in the reader's language}.
    errors: list[dict[str, str]] = field(default_factory=list)
    # Fields whose error the page has shown beside the field, so the summary skips them.
    placed: set[str] = field(default_factory=set)
    # Where the refused form was sent: tells it apart from the page's other forms.
    action: str = ""

    def sent_to(self, action: str) -> FormState:
        """This state for the form posting to `action`, an empty one for any other form:
        on a page of many forms with the same field names, only the refused one is
        filled in and marked."""
        return self if self.action and self.action == action else FormState()

    def typed(self, name: str, default: Any = "") -> Any:
        values = self.values.get(name)
        return values[-1] if values else ("" if default is None else default)

    def typed_list(self, name: str, default: list[str] | None = None) -> list[str]:
        if self.values:
            return self.values.get(name, [])
        return list(default or [])

    def problem(self, name: str) -> str | None:
        found = [e["problem"] for e in self.errors if e["field"] == name]
        return " ".join(found) if found else None

    def field_error(self, name: str) -> Markup:
        problem = self.problem(name)
        if problem is None:
            return Markup("")
        self.placed.add(name)
        return Markup('<p class="field-error" id="e-{0}">{1}</p>').format(name, problem)

    def invalid(self, name: str, hint: str | None = None) -> Markup:
        """The field's ARIA attributes: marked invalid and described by its error when it
        has one, and by its own `hint` (an element id) always. A tag may carry only one
        aria-describedby, so the hint is given here rather than written in the tag."""
        described = [f"e-{name}"] if self.problem(name) is not None else []
        described += [hint] if hint else []
        if not described:
            return Markup("")
        invalid = Markup('aria-invalid="true" ') if self.problem(name) is not None else ""
        return invalid + Markup('aria-describedby="{0}"').format(" ".join(described))

    def unplaced(self) -> list[dict[str, str]]:
        """Errors not shown beside any field: rules of the whole form, and fields the page
        does not show (named as sent, since there is no label to name them by)."""
        return [e for e in self.errors if e["field"] not in self.placed]


def state_of(request: Request) -> FormState:
    state = getattr(request.state, "form_state", None)
    return state if isinstance(state, FormState) else FormState()


def guard(request: Request, token: str) -> Markup:
    """The hidden fields every form sends: its CSRF token and the page it is on."""
    page = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Markup(
        '<input type="hidden" name="{0}" value="{1}"><input type="hidden" name="{2}" value="{3}">'
    ).format(csrf.FIELD, token, FORM_PAGE, page)


def typed_back(form: FormData) -> dict[str, list[str]]:
    """What a page may show again of a form: every text field but secrets and the guard;
    files are never kept (they are sent again)."""
    values: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        secret = name in NEVER_ECHOED or name.startswith(SECRET_PREFIXES)
        if not secret and isinstance(value, str):
            values.setdefault(name, []).append(value)
    return values


def _local_page(value: object) -> tuple[str, str] | None:
    """The path and query of a page of this site, or None for anything else."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(ch) < 0x20 for ch in value):
        return None
    path, _, query = value.partition("?")
    return path, query


async def shown_again(
    request: Request, errors: list[dict[str, str]], status: int
) -> Response | None:
    """The form's page again, with what was typed and the errors; None when the request
    was not a form of a page (the API, a GET, a form without its page)."""
    if request.method == "GET" or request.url.path.startswith("/api/"):
        return None
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    form = await request.form()  # already read and kept by the route's own parsing
    page = _local_page(form.get(FORM_PAGE))
    if page is None:
        return None
    state = FormState(values=typed_back(form), errors=errors, action=request.url.path)
    return _PageAgain(request, page, state, status)


class _PageAgain(Response):
    """Answers with what a GET of the form's page answers, under the refusal's status."""

    def __init__(
        self, request: Request, page: tuple[str, str], state: FormState, status: int
    ) -> None:
        super().__init__(status_code=status)
        path, query = page
        headers = [
            (k, v)
            for k, v in request.scope["headers"]
            if k not in (b"content-type", b"content-length")
        ]
        self.scope: Scope = {
            **request.scope,
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": headers,
            "state": {**request.scope.get("state", {}), "form_state": state},
        }
        self.router: Callable[[Scope, Receive, Send], Awaitable[None]] = request.app.router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def nothing() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def with_status(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message = {**message, "status": self.status_code}
            await send(message)

        await self.router(self.scope, nothing, with_status)
