"""HTML pages of shared records under /records: the agency's records, a record and its
safeguards, hits and the details behind them, bulk uploads, the DPO's dashboard and the
review board's queue. Thin: every decision is the services' and their policy's."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from interagency import i18n
from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.errors import InvalidInput
from interagency.exchange.web_context import exchange_context
from interagency.i18n import lazy
from interagency.identity.principals import Caller
from interagency.inputs import Input, Line, Text
from interagency.markings import HandlingCode, InformationGrade, SourceGrade, Tlp
from interagency.records import (
    details,
    hits,
    labels,
    name_search,
    policy,
    protection,
    services,
    uploads,
)
from interagency.records.explanations import explain
from interagency.records.models import (
    LinkKind,
    OffenceCategory,
    RecordKind,
    SubjectCategory,
)
from interagency.records.particulars import PARTICULARS, PersonParticulars
from interagency.records.paths import AccessRequestId, HitRef, RecordId, UploadId
from interagency.records.schemas import (
    AnswerIn,
    DetailsRequestIn,
    ExtensionIn,
    HitCheckIn,
    LinkIn,
    NeutralityIn,
    ReasonIn,
    RecordIn,
    RecordUpdate,
    ReleaseIn,
    VersionedReasonIn,
)
from interagency.records.web_context import records_context
from interagency.web.auth import CallerDep
from interagency.web.deps import ContainerDep, RendererDep, UowDep
from interagency.web.forms import done, valid

router = APIRouter(prefix="/records", include_in_schema=False)

FreeText = Annotated[Text, Form(max_length=4000)]
PARTICULAR_FIELDS = sorted({name for model in PARTICULARS.values() for name in model.model_fields})


class RecordForm(Input):
    """Every field of the record form; the particulars are those of the chosen kind."""

    kind: str = "person"
    version: int | None = None
    subject_category: str = ""
    purpose: Text = ""
    legal_basis: Text = ""
    offence_article: str = ""
    offence_category: str = ""
    handling_code: str = "H0"
    handling_note: str = ""
    tlp: str = "AMBER"
    source_grade: str = "B"
    information_grade: str = "2"
    is_minor: bool = False
    smuggled_migrant: bool = False
    factual_indications: Text = ""
    refuge_from: str = ""
    hit_agencies: Text = ""  # one code a line
    # particulars of every kind, as p_<field>
    p_surname: str = ""
    p_given_name: str = ""
    p_patronymic: str = ""
    p_full_name: str = ""
    p_birth_date: str = ""
    p_sex: str = ""
    p_nationality: str = ""
    p_passport: str = ""
    p_document_type: str = ""
    p_number: str = ""
    p_issuing_country: str = ""
    p_holder_name: str = ""
    p_plate: str = ""
    p_registration_country: str = ""
    p_vin: str = ""
    p_make_model: str = ""
    p_imei: str = ""
    p_name: str = ""
    p_registration_number: str = ""
    p_country: str = ""

    def record_values(self) -> dict[str, Any]:
        kind = RecordKind(self.kind) if self.kind in set(RecordKind) else RecordKind.PERSON
        fields = PARTICULARS[kind].model_fields
        particulars = {
            name: value.strip()
            for name in fields
            if (value := str(getattr(self, f"p_{name}", "")).strip())
        }
        codes = [c.strip() for c in self.hit_agencies.replace(",", "\n").splitlines() if c.strip()]
        values: dict[str, Any] = {
            "kind": self.kind,
            "particulars": particulars,
            "subject_category": self.subject_category,
            "purpose": self.purpose,
            "legal_basis": self.legal_basis,
            "offence_article": self.offence_article or None,
            "offence_category": self.offence_category or None,
            "handling_code": self.handling_code,
            "handling_note": self.handling_note or None,
            "tlp": self.tlp,
            "source_grade": self.source_grade,
            "information_grade": self.information_grade,
            "is_minor": self.is_minor,
            "smuggled_migrant": self.smuggled_migrant,
            "factual_indications": self.factual_indications or None,
            "refuge_from": self.refuge_from or None,
            "hit_agencies": codes or None,
        }
        if self.version is not None:
            values["version"] = self.version
        return values


def _context(request: Request, **values: Any) -> dict[str, Any]:
    principal = request.state.principal

    def may(action: str, owner: int | None = None, searcher: int | None = None) -> bool:
        mine = policy.relations(principal, owner_agency_id=owner, searching_agency_id=searcher)
        return policy.allowed(principal, policy.Action(action), mine)

    return {
        "label": labels.label,
        "may": may,
        "kinds": list(RecordKind),
        "link_kinds": list(LinkKind),
        "categories": list(SubjectCategory),
        "offences": list(OffenceCategory),
        "handling_codes": list(HandlingCode),
        "tlps": list(Tlp),
        "source_grades": list(SourceGrade),
        "information_grades": list(InformationGrade),
        "particular_fields": {
            kind.value: list(PARTICULARS[kind].model_fields) for kind in RecordKind
        },
        **values,
    }


# --- records ----------------------------------------------------------------------------


@router.get("")
def records_page(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    container: ContainerDep,
    page: int = 1,
) -> Response:
    ctx = records_context(container)
    listing = services.own_page(uow, caller, ctx, max(1, min(page, 100_000)))
    uow.commit()
    context = _context(request, listing=listing, page_size=services.PAGE_SIZE)
    return renderer.render(request, "records/list.html", context)


@router.get("/new")
def new_record_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, kind: Line = "person"
) -> Response:
    services.require_own(uow, caller, policy.Action.CREATE)
    chosen = kind if kind in set(RecordKind) else RecordKind.PERSON.value
    return renderer.render(
        request, "records/form.html", _context(request, kind=chosen, record=None, values={})
    )


@router.post("")
def create_record(
    request: Request,
    form: Annotated[RecordForm, Form()],
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> Response:
    saved = services.create(
        uow, caller, records_context(container), valid(RecordIn, _checked(form))
    )
    return done(request, uow, f"/records/{saved.record.public_id}", _screened_message(saved))


def _checked(form: RecordForm) -> dict[str, Any]:
    """The form's values for the service, its particulars checked first so that each
    problem is shown beside its own field (`p_<name>`) rather than for the whole form."""
    values = form.record_values()
    kind = RecordKind(form.kind) if form.kind in set(RecordKind) else RecordKind.PERSON
    try:
        PARTICULARS[kind].model_validate(values["particulars"])
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *(f"p_{e['loc'][0]}",)[: len(e["loc"])])} for e in exc.errors()]
        ) from None
    return values


def _screened_message(saved: services.Saved) -> str:
    if saved.screening.deferred:
        return i18n.gettext(
            "Saved. It was cross-checked three times today already: it waits for tomorrow."
        )
    if not saved.screening.screened:
        return i18n.gettext("Saved. The safeguards keep this record out of cross-checking.")
    count = len(saved.screening.hits)
    return i18n.ngettext(
        "Saved and cross-checked: %(num)d possible match.",
        "Saved and cross-checked: %(num)d possible matches.",
        count,
    ) % {"num": count}


@router.get("/search")
def search_page(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    container: ContainerDep,
    name: Line = "",
) -> Response:
    found: list[name_search.NameMatch] | None = None
    error = None
    if name.strip():
        try:
            found = name_search.search(uow, caller, container.vault, name)
        except InvalidInput as refusal:
            error = i18n.gettext(refusal.message).format(**refusal.params)
        uow.commit()
    else:
        services.require_own(uow, caller, policy.Action.VIEW)
    return renderer.render(
        request,
        "records/search.html",
        _context(request, name=name, found=found, error=error, shown_from=name_search.SHOWN_FROM),
    )


@router.get("/hits")
def hits_page(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    container: ContainerDep,
    page: int = 1,
) -> Response:
    rows = hits.page_for_agency(uow, caller, container.vault, max(1, min(page, 100_000)))
    uow.commit()
    return renderer.render(request, "records/hits.html", _context(request, rows=rows, page=page))


@router.get("/hits/{reference}")
def hit_page(
    request: Request, reference: HitRef, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    hit = hits.view(uow, caller, reference)
    searched = hits.searched_as(uow, reference)
    uow.commit()
    rows = explain(hit.explanation)
    context = _context(
        request,
        hit=hit,
        explanation=rows,
        # Who checks: the owner of the record found, or the searching side where it holds
        # what was screened (a border agency has the traveller and the document).
        checked_by_searcher=searched is not None and searched.checked_by_searcher,
        searched_as=searched.object_kind if searched is not None else "record",
    )
    return renderer.render(request, "records/hit.html", context)


@router.post("/hits/{reference}/details")
def request_details(
    request: Request,
    reference: HitRef,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    justification: FreeText = "",
) -> Response:
    data = valid(DetailsRequestIn, {"justification": justification})
    details.request(uow, caller, exchange_context(container), reference, data.justification)
    return done(request, uow, f"/records/hits/{reference}", i18n.gettext("The request was sent."))


@router.post("/hits/{reference}/release/{step}")
def release_step(
    request: Request,
    reference: HitRef,
    step: Annotated[str, Path(pattern="^(propose|approve|refuse)$")],
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    note: FreeText = "",
) -> Response:
    ctx = exchange_context(container)
    if step == "approve":
        details.approve(uow, caller, ctx, reference)
    else:
        data = valid(ReleaseIn, {"note": note})
        if step == "propose":
            details.propose(uow, caller, reference, data.note)
        else:
            details.refuse(uow, caller, ctx, reference, data.note)
    return done(request, uow, f"/records/hits/{reference}", i18n.gettext("Saved."))


@router.post("/hits/{reference}/check")
def check_hit(
    request: Request,
    reference: HitRef,
    uow: UowDep,
    caller: CallerDep,
    outcome: Annotated[Line, Form(pattern="^(confirmed|dismissed)$")],
    how: FreeText = "",
) -> Response:
    data = valid(HitCheckIn, {"confirmed": outcome == "confirmed", "how": how})
    hits.check(uow, caller, reference, data)
    return done(request, uow, f"/records/hits/{reference}", i18n.gettext("Saved."))


# --- uploads ----------------------------------------------------------------------------


@router.get("/upload")
def upload_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    recent = uploads.recent(uow, caller)
    return renderer.render(
        request, "records/upload.html", _context(request, recent=recent, columns=_columns())
    )


def _columns() -> dict[str, list[str]]:
    from interagency.records.bulk import columns_of

    return {kind.value: list(columns_of(kind)) for kind in RecordKind}


@router.post("/upload")
async def upload_file(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    file: Annotated[UploadFile, File()],
    kind: Annotated[Line, Form(max_length=16)] = "person",
    accept_valid_only: Annotated[bool, Form()] = False,
) -> Response:
    """Stores the file, sealed, and answers at once: the upload's job reads it (its page
    shows how far it has come). Nothing is received for a user who may not upload."""
    if kind not in set(RecordKind):
        raise InvalidInput(lazy("Choose the kind of the records in the file."))
    principal = await run_in_threadpool(uploads.require_uploader, uow, caller)
    name = file.filename or "upload"
    stored = await container.file_store.receive(
        uow, _chunks(file), agency_id=principal.agency_id, filename=name, declared_length=None
    )
    upload = await run_in_threadpool(
        uploads.accept,
        uow,
        caller,
        container.file_store,
        RecordKind(kind),
        name,
        stored,
        accept_valid_only=accept_valid_only,
    )
    message = i18n.gettext("Upload accepted: its rows are being checked.")
    return await run_in_threadpool(
        done, request, uow, f"/records/uploads/{upload.public_id}", message
    )


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(64 * 1024):
        yield chunk


@router.get("/uploads/{upload_id}")
def upload_status_page(
    request: Request, upload_id: UploadId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    job = uploads.status(uow, caller, upload_id)
    report = uploads.report_of(job)
    return renderer.render(
        request, "records/upload_status.html", _context(request, job=job, report=report)
    )


# --- the DPO and the review board -----------------------------------------------------


@router.get("/dpo")
def dpo_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, container: ContainerDep
) -> Response:
    due = services.due_for_review(uow, caller, records_context(container))
    access = protection.access_requests(uow, caller, container.vault)
    uow.commit()
    context = _context(request, due=due, access=access, today=date.today())
    return renderer.render(request, "records/dpo.html", context)


@router.get("/due")
def due_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, container: ContainerDep
) -> Response:
    due = services.due_for_review(uow, caller, records_context(container))
    uow.commit()
    return renderer.render(request, "records/due.html", _context(request, due=due))


@router.post("/dpo/access-requests")
def open_access_request(
    request: Request,
    form: Annotated[RecordForm, Form()],
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    received_on: Annotated[date, Form()],
) -> Response:
    values = form.record_values()["particulars"] if form.kind == "person" else {}
    requester = services.particulars_of(RecordKind.PERSON, values)
    assert isinstance(requester, PersonParticulars)
    protection.open_access_request(uow, caller, container.vault, requester, received_on)
    return done(request, uow, "/records/dpo", i18n.gettext("The access request was recorded."))


@router.post("/dpo/access-requests/{request_id}/answer")
def answer_access_request(
    request: Request,
    request_id: AccessRequestId,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    answer: FreeText = "",
) -> Response:
    data = valid(AnswerIn, {"answer": answer})
    protection.answer_access_request(uow, caller, container.vault, request_id, data.answer)
    return done(request, uow, "/records/dpo", i18n.gettext("Saved."))


@router.get("/review")
def review_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    queue = services.review_queue(uow, caller)
    uow.commit()
    return renderer.render(request, "records/review.html", _context(request, queue=queue))


# --- one record ---------------------------------------------------------------------------


@router.get("/{record_id}")
def record_page(
    request: Request,
    record_id: RecordId,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    container: ContainerDep,
) -> Response:
    record = services.view(uow, caller, records_context(container), record_id)
    links = services.links_of(uow, caller, record_id)
    shown_hits = hits.of_record(uow, caller, record_id)
    uow.commit()
    context = _context(request, record=record, links=links, hits=shown_hits)
    return renderer.render(request, "records/record.html", context)


@router.get("/{record_id}/edit")
def edit_record_page(
    request: Request,
    record_id: RecordId,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    container: ContainerDep,
) -> Response:
    record = services.view(uow, caller, records_context(container), record_id)
    uow.commit()
    values = {f"p_{k}": v for k, v in (record.particulars or {}).items()}
    return renderer.render(
        request,
        "records/form.html",
        _context(request, kind=record.kind.value, record=record, values=values),
    )


@router.post("/{record_id}")
def update_record(
    request: Request,
    record_id: RecordId,
    form: Annotated[RecordForm, Form()],
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> Response:
    data = valid(RecordUpdate, _checked(form))
    saved = services.update(uow, caller, records_context(container), record_id, data)
    return done(
        request, uow, f"/records/{request.path_params['record_id']}", _screened_message(saved)
    )


@router.post("/{record_id}/{action}")
def record_action(
    request: Request,
    record_id: RecordId,
    action: Annotated[
        str,
        Path(
            pattern="^(flag|necessity|necessity-approve|review-date|erasure|erasure-approve|links|neutrality)$"
        ),
    ],
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    reason: FreeText = "",
    version: Annotated[int, Form(ge=1)] = 1,
    review_due: Annotated[date | None, Form()] = None,
    to_record: Annotated[Line, Form(max_length=40)] = "",
    link_kind: Annotated[Line, Form(max_length=24)] = "",
    cleared: Annotated[Line, Form(max_length=3)] = "",
) -> Response:
    _ACTIONS[action](
        uow,
        caller,
        container,
        record_id,
        {
            "reason": reason,
            "version": version,
            "review_due": review_due,
            # Written as the pages show it (R-…), or as the bare public id.
            "to_record": to_record.strip().removeprefix("R-"),
            "kind": link_kind,
            "cleared": cleared == "yes",
        },
    )
    target = (
        "/records/review"
        if action == "neutrality"
        else f"/records/{request.path_params['record_id']}"
    )
    return done(request, uow, target, i18n.gettext("Saved."))


Handler = Callable[[UnitOfWork, Caller, Container, int, dict[str, Any]], object]

_ACTIONS: dict[str, Handler] = {
    "flag": lambda uow, caller, _c, rid, f: services.flag(
        uow, caller, rid, valid(VersionedReasonIn, {"reason": f["reason"], "version": f["version"]})
    ),
    "necessity": lambda uow, caller, _c, rid, f: services.request_necessity(
        uow, caller, rid, valid(VersionedReasonIn, {"reason": f["reason"], "version": f["version"]})
    ),
    "necessity-approve": lambda uow, caller, c, rid, f: services.approve_necessity(
        uow, caller, records_context(c), rid, valid(ReasonIn, {"reason": f["reason"]})
    ),
    "review-date": lambda uow, caller, _c, rid, f: services.extend_review(
        uow,
        caller,
        rid,
        valid(
            ExtensionIn,
            {"reason": f["reason"], "version": f["version"], "review_due": f["review_due"]},
        ),
    ),
    "erasure": lambda uow, caller, _c, rid, f: protection.request_erasure(
        uow, caller, rid, valid(ReasonIn, {"reason": f["reason"]}).reason
    ),
    "erasure-approve": lambda uow, caller, _c, rid, f: protection.approve_erasure(uow, caller, rid),
    "links": lambda uow, caller, _c, rid, f: services.link(
        uow,
        caller,
        rid,
        valid(
            LinkIn,
            {"to_record": f["to_record"], "kind": f["kind"]},
            form_names={"kind": "link_kind"},
        ),
    ),
    "neutrality": lambda uow, caller, c, rid, f: services.decide_neutrality(
        uow,
        caller,
        records_context(c),
        rid,
        valid(NeutralityIn, {"cleared": f["cleared"], "reason": f["reason"]}),
    ),
}
