"""What every feature's HTML form routes share: reading a form into the service's input
model, and answering a successful change with a redirect and a message."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.responses import RedirectResponse, Response

from interagency.db import UnitOfWork
from interagency.errors import InvalidInput
from interagency.web import flash

Model = TypeVar("Model", bound=BaseModel)


def valid(model: type[Model], data: dict[str, Any]) -> Model:
    """A form's fields as the service's input model; invalid fields answer 422 with each
    field and what to fix (the same page the API's validation errors get)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # A rule across fields (H3 needs its restriction, an objection its reasons) runs
        # once every field is valid, and says in words what to fix.
        errors = exc.errors()
        rules = [e for e in errors if e["type"] == "value_error"]
        if rules and len(rules) == len(errors):
            raise InvalidInput(str(rules[0]["ctx"]["error"])) from None
        raise RequestValidationError(errors) from None


def done(request: Request, uow: UnitOfWork, target: str, message: str) -> Response:
    uow.commit()
    response = RedirectResponse(target, status_code=303)
    flash.add(request, response, "success", message)
    return response
