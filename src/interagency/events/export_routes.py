"""An event's files on its pages: the dossier, the risk register and the after-action
report as PDF or DOCX, in Russian or English, with the times in the reader's zone. The
API's twin is in `api.py`; both call `exporting`, which decides and audits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from starlette.responses import Response

from interagency.egress.file_requests import PageFile, sent
from interagency.events import exporting
from interagency.events.models import Event
from interagency.web.auth import CallerDep
from interagency.web.deps import UowDep
from interagency.web.ids import key_of

router = APIRouter(prefix="/events", include_in_schema=False)

EventId = Annotated[int, Depends(key_of(Event, "event_id"))]
# "dossier", "register" or "report": `exporting.export` names the choice if it is none.
What = Annotated[str, Path(max_length=16)]


@router.get("/{event_id}/exports/{what}.{fmt}")
def export_file(
    event_id: EventId, what: What, options: PageFile, uow: UowDep, caller: CallerDep
) -> Response:
    return sent(uow, exporting.export(uow, caller, event_id, what, options))
