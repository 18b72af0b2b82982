"""Jinja2 environment shared by every feature's templates: i18n, time zones, flash messages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.responses import Response

from interagency import i18n
from interagency.db import utcnow
from interagency.identity import labels
from interagency.identity.policy import Action, Principal, allowed
from interagency.web import csrf, flash, forms

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def feature_template_dirs() -> list[Path]:
    """The web layer's own templates first, then each feature's `templates/` folder."""
    dirs = [PACKAGE_DIR / "web" / "templates"]
    dirs += sorted(p for p in PACKAGE_DIR.glob("*/templates") if p.parent.name != "web")
    return dirs


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def localtime(value: datetime | None, timezone: str, fmt: str = "medium") -> str:
    """A UTC timestamp shown in the reader's zone and language; the zone is always named."""
    if value is None:
        return "—"
    local = value.astimezone(zone(timezone))
    text = format_datetime(local, format=fmt, locale=i18n.current_language())
    return f"{text} ({local.tzname()})"


def build_environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in feature_template_dirs()]),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.globals["languages"] = i18n.LANGUAGES
    return env


class Renderer:
    def __init__(self) -> None:
        self.templates = Jinja2Templates(env=build_environment())

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> Response:
        messages = flash.pending(request)
        timezone = request.state.timezone
        principal: Principal | None = getattr(request.state, "principal", None)
        form = forms.state_of(request)
        token = csrf.token_for(request)
        full_context = {
            "principal": principal,
            "can": lambda action: principal is not None and allowed(principal, Action(action)),
            "unread": getattr(request.state, "unread", 0),
            "role_names": labels.role_names(),
            "kind_names": labels.kind_names(),
            "language": request.state.language,
            "timezone": timezone,
            "localtime": lambda value, fmt="medium": localtime(value, timezone, fmt),
            "now": utcnow(),
            "flashes": messages,
            "csrf_token": token,
            "form_guard": lambda: forms.guard(request, token),
            "typed": form.typed,
            "typed_list": form.typed_list,
            "field_error": form.field_error,
            "invalid": form.invalid,
            "form_problems": form.unplaced,
            "form_refused": bool(form.errors),
            "demo_mode": request.app.state.container.settings.demo_mode,
            **(context or {}),
        }
        response = self.templates.TemplateResponse(
            request, name, full_context, status_code=status_code
        )
        csrf.ensure_cookie(request, response)
        if messages:
            flash.clear(response)
        return response
