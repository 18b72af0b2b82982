"""The lessons-learned library's pages under /lessons: the library with its filters and
search, and one lesson. Thin: every decision is `lessons`' and its policy's. A lesson is
written on its event's after-action report page (`pages`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from interagency.errors import InvalidInput
from interagency.events import access, labels, lessons
from interagency.events.models import EventKind, Lesson, ThreatCategory
from interagency.i18n import lazy
from interagency.identity.audit_access import name_kind
from interagency.inputs import Line
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.ids import key_of

router = APIRouter(prefix="/lessons", include_in_schema=False)

LessonId = Annotated[int, Depends(key_of(Lesson, "lesson_id"))]
name_kind(lessons.LESSON, Lesson)


def _choice(enum: type[EventKind] | type[ThreatCategory], value: str, field: str) -> Any:
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput(lazy("Choose a value from the list."), for_field=field) from None


@router.get("")
def library_page(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    q: Annotated[Line, Query(max_length=lessons.MAX_QUERY)] = "",
    kind: Annotated[Line, Query(max_length=32)] = "",
    threat: Annotated[Line, Query(max_length=32)] = "",
) -> Response:
    chosen_kind = _choice(EventKind, kind.strip(), "kind")
    chosen_threat = _choice(ThreatCategory, threat.strip(), "threat")
    shown = lessons.library(uow, caller, q, chosen_kind, chosen_threat)
    uow.commit()
    return renderer.render(
        request,
        "events/library.html",
        {
            "label": labels.label,
            "codes": access.codes(uow),
            "lessons": shown,
            "q": q.strip(),
            "kind": kind.strip(),
            "threat": threat.strip(),
            "kinds": list(EventKind),
            "categories": list(ThreatCategory),
        },
    )


@router.get("/{lesson_id}")
def lesson_page(
    request: Request, lesson_id: LessonId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    lesson = lessons.get_lesson(uow, caller, lesson_id)
    principal = caller.principal
    event_shown = principal is not None and access.sees(principal, lesson.event)
    uow.commit()
    return renderer.render(
        request,
        "events/lesson.html",
        {
            "label": labels.label,
            "codes": access.codes(uow),
            "lesson": lesson,
            "event": lesson.event if event_shown else None,
        },
    )
