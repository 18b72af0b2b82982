"""Jinja2 environment shared by every feature's templates: i18n, time zones, flash messages."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime, get_timezone_location
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
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


# Day, month in letters, year, 24-hour time: "12/6/26" reads as June in one member state
# and December in the next; "6 Dec 2026, 14:05" reads alike in all. "short" and "medium"
# name the same form (every page shows one); "seconds" adds them, for the audit trail.
DATETIME_PATTERNS: dict[str, dict[str, str]] = {
    "en": {"minutes": "d MMM y, HH:mm", "seconds": "d MMM y, HH:mm:ss"},
    "ru": {"minutes": "d MMM y 'г.', HH:mm", "seconds": "d MMM y 'г.', HH:mm:ss"},
}


def utc_offset(local: datetime) -> str:
    """The moment's offset from UTC, as "UTC+03:00"."""
    minutes = round((local.utcoffset() or timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_abbreviation(local: datetime) -> str:
    """The zone as a reader knows it at that moment: its abbreviation where it has one in
    letters (MSK, UTC), else its offset (Almaty's "+05" means nothing on its own)."""
    name = local.tzname() or ""
    return name if name.isalpha() else utc_offset(local)


def zone_name(timezone: str, at: datetime | None = None) -> str:
    """A zone named for people rather than by its IANA id: its offset, then its city in
    the reader's language, as "UTC+03:00, Moscow (MSK)"."""
    local = (at or utcnow()).astimezone(zone(timezone))
    if timezone == "UTC":
        return "UTC"
    city = get_timezone_location(zone(timezone), locale=i18n.current_language(), return_city=True)
    abbreviation = zone_abbreviation(local)
    named = f"{utc_offset(local)}, {city}"
    return named if abbreviation.startswith("UTC") else f"{named} ({abbreviation})"


def localtime(value: datetime | None, timezone: str, fmt: str = "medium") -> str:
    """A UTC timestamp shown in the reader's zone and language; the zone is always named."""
    if value is None:
        return "—"
    local = value.astimezone(zone(timezone))
    language = i18n.current_language()
    patterns = DATETIME_PATTERNS.get(language, DATETIME_PATTERNS["en"])
    pattern = patterns["seconds" if fmt == "seconds" else "minutes"]
    return f"{format_datetime(local, pattern, locale=language)} {zone_abbreviation(local)}"


def tlp_pill(value: object) -> Markup:
    """A TLP marking in TLP 2.0's own colour on black; the class carries the value, so
    RED and AMBER never look alike."""
    text = str(value).removeprefix("TLP:")
    css = text.lower().replace("+", "-")
    return Markup('<span class="tlp tlp-{}">TLP:{}</span>').format(css, text)


def markings(marked: Any) -> Markup:
    """An object's handling code, TLP and restriction in words, as pills: one markup for
    every feature's pages (anything with `handling_code`, `tlp` and `handling_note`)."""
    code = str(marked.handling_code)
    shown = Markup('<span class="marking"><span class="handling handling-{}">{}</span> {}').format(
        code.lower(), code, tlp_pill(marked.tlp)
    )
    note = getattr(marked, "handling_note", None)
    if note:
        shown += Markup(' <span class="handling-note">{}</span>').format(note)
    return shown + Markup("</span>")


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
    env.globals["tlp_pill"] = tlp_pill
    env.globals["markings"] = markings
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
            "zone_name": lambda name=timezone: zone_name(name),
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
            "sent_form": form.sent_to,
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
