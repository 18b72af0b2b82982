"""The event's accreditation pages under /events/{event}/accreditation: the host's terms,
upload form, batches, approval and decisions; an agency taking part's opt-ins and the
hits on its records (checked on the records' own hit page). Thin: every decision is
`accreditation`'s and its policy's."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import Field
from starlette.responses import Response

from interagency import i18n
from interagency.db import UnitOfWork
from interagency.events import accreditation, labels
from interagency.events import accreditation_policy as rules
from interagency.events.access import participants
from interagency.events.accreditation_models import (
    Applicant,
    ApplicantBatch,
    ApplicantRole,
    BatchStatus,
    Decision,
)
from interagency.events.models import Event
from interagency.i18n import lazy
from interagency.inputs import Input, Line, Text
from interagency.records import labels as record_labels
from interagency.web.auth import CallerDep
from interagency.web.deps import ContainerDep, RendererDep, UowDep
from interagency.web.forms import done, refuse
from interagency.web.ids import key_of
from interagency.web.templating import Renderer

router = APIRouter(prefix="/events", include_in_schema=False)

EventId = Annotated[int, Depends(key_of(Event, "event_id"))]
BatchId = Annotated[int, Depends(key_of(ApplicantBatch, "batch_id"))]
ApplicantId = Annotated[int, Depends(key_of(Applicant, "applicant_id"))]

# A batch's file in memory: 50,000 rows of nine short columns stay well under it.
MAX_FILE_BYTES: Final = 16 * 1024 * 1024
NAMES: Final = {
    ApplicantRole.STAFF: lazy("staff"),
    ApplicantRole.VOLUNTEER: lazy("volunteer"),
    ApplicantRole.MEDIA: lazy("media"),
    ApplicantRole.CONTRACTOR: lazy("contractor"),
    BatchStatus.AWAITING_APPROVAL: lazy("awaiting approval"),
    BatchStatus.APPROVED: lazy("approved, being screened"),
    BatchStatus.SCREENED: lazy("screened"),
    BatchStatus.DECIDED: lazy("decided"),
    Decision.ACCREDITED: lazy("accredited"),
    Decision.REFUSED: lazy("refused"),
}


def _name(value: str | None) -> str:
    source = NAMES.get(value or "")  # type: ignore[call-overload]
    return i18n.gettext(source) if source else labels.label(value)


def _show(
    request: Request, uow: UnitOfWork, renderer: Renderer, page: str, **values: Any
) -> Response:
    """A page: the reads the services audited are committed before it is rendered."""
    uow.commit()
    principal = request.state.principal

    def may(action: str, event: Event) -> bool:
        return principal is not None and rules.may(
            principal, rules.Action(action), event.host_agency_id, participants(event)
        )

    return renderer.render(
        request,
        page,
        {
            "name": _name,
            "offence": record_labels.label,
            "may": may,
            "opens_accreditation": lambda event: True,  # (this is the page)
            "roles": list(ApplicantRole),
            "declarable": sorted(rules.DECLARABLE_OFFENCES),
            "columns": accreditation.COLUMNS,
            **values,
        },
    )


def _back(request: Request, uow: UnitOfWork, target: str, message: str) -> Response:
    return done(request, uow, target.format(**request.path_params), message)


_BASE: Final = "/events/{event_id}/accreditation"


@router.get("/{event_id}/accreditation")
def accreditation_page(
    request: Request, event_id: EventId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    shown = accreditation.overview(uow, caller, event_id)
    return _show(request, uow, renderer, "events/accreditation.html", shown=shown)


class TermsForm(Input):
    quota: Line = ""
    offences: list[Line] = Field(default_factory=list)


@router.post("/{event_id}/accreditation/terms")
def save_terms(
    request: Request,
    event_id: EventId,
    form: Annotated[TermsForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    try:
        quota = int(form.quota.strip())
    except ValueError:
        refuse(quota="Write a whole number.")
    if not 1 <= quota <= 1_000_000:
        refuse(quota="Write a whole number.")
    accreditation.set_terms(uow, caller, event_id, quota, form.offences)
    return _back(request, uow, _BASE, i18n.gettext("Saved."))


class OptInForm(Input):
    record: Line = ""


@router.post("/{event_id}/accreditation/opt-in")
def opt_in(
    request: Request,
    event_id: EventId,
    form: Annotated[OptInForm, Form()],
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> Response:
    accreditation.opt_in(uow, caller, container.vault, event_id, form.record.strip())
    return _back(request, uow, _BASE, i18n.gettext("The record is opted in."))


def _rows(data: bytes) -> list[dict[str, str]]:
    """A CSV file's rows (UTF-8, a header line naming the columns)."""
    if len(data) > MAX_FILE_BYTES:
        refuse(file="The file is too large.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        refuse(file="Send a CSV file in UTF-8.")
    return [dict(row) for row in csv.DictReader(io.StringIO(text))]


@router.post("/{event_id}/accreditation/batches")
def upload_batch(
    request: Request,
    event_id: EventId,
    file: Annotated[UploadFile, File()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    batch = accreditation.upload(uow, caller, event_id, _rows(file.file.read(MAX_FILE_BYTES + 1)))
    message = i18n.gettext("Batch %(ref)s uploaded; another supervisor approves it.")
    return _back(request, uow, _BASE, message % {"ref": batch.public_id})


@router.post("/{event_id}/accreditation/batches/{batch_id}/approve")
def approve_batch(
    request: Request, event_id: EventId, batch_id: BatchId, uow: UowDep, caller: CallerDep
) -> Response:
    accreditation.approve(uow, caller, event_id, _ref(uow, batch_id))
    return _back(request, uow, _BASE, i18n.gettext("Approved: the batch is being screened."))


def _ref(uow: UnitOfWork, batch_id: int) -> str:
    batch = uow.session.get(ApplicantBatch, batch_id)
    return batch.public_id if batch is not None else ""


def _applicant_ref(uow: UnitOfWork, applicant_id: int) -> str:
    applicant = uow.session.get(Applicant, applicant_id)
    return applicant.public_id if applicant is not None else ""


@router.get("/{event_id}/accreditation/batches/{batch_id}")
def batch_page(
    request: Request,
    event_id: EventId,
    batch_id: BatchId,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    everyone: bool = False,
) -> Response:
    shown = accreditation.overview(uow, caller, event_id)
    batch, lines = accreditation.applicants(
        uow, caller, event_id, _ref(uow, batch_id), only_hits=not everyone
    )
    return _show(
        request, uow, renderer, "events/accreditation_batch.html",
        shown=shown, batch=batch, lines=lines, everyone=everyone,
    )  # fmt: skip


class DecisionForm(Input):
    decision: Line = ""
    reason: Text = ""


@router.post("/{event_id}/accreditation/batches/{batch_id}/applicants/{applicant_id}")
def decide(
    request: Request,
    event_id: EventId,
    batch_id: BatchId,
    applicant_id: ApplicantId,
    form: Annotated[DecisionForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    try:
        decision = Decision(form.decision.strip())
    except ValueError:
        refuse(decision="Choose a value from the list.")
    ref = _applicant_ref(uow, applicant_id)
    accreditation.decide(uow, caller, event_id, ref, decision, form.reason)
    return _back(request, uow, _BASE + "/batches/{batch_id}", i18n.gettext("Decision recorded."))


class ContestForm(Input):
    contest: Text = ""


@router.post("/{event_id}/accreditation/batches/{batch_id}/applicants/{applicant_id}/contest")
def contest(
    request: Request,
    event_id: EventId,
    batch_id: BatchId,
    applicant_id: ApplicantId,
    form: Annotated[ContestForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    ref = _applicant_ref(uow, applicant_id)
    accreditation.contest(uow, caller, event_id, ref, form.contest)
    message = i18n.gettext("Contest recorded: decide again.")
    return _back(request, uow, _BASE + "/batches/{batch_id}", message)


@router.post("/{event_id}/accreditation/batches/{batch_id}/close")
def close_batch(
    request: Request, event_id: EventId, batch_id: BatchId, uow: UowDep, caller: CallerDep
) -> Response:
    batch = accreditation.close(uow, caller, event_id, _ref(uow, batch_id))
    message = i18n.gettext("Batch decided: %(n)d applicants without a hit accredited and deleted.")
    return _back(request, uow, _BASE, message % {"n": batch.cleared})
