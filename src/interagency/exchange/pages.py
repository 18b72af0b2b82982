"""The exchange's pages: inbox, search, overdue dashboard, compose and thread view.

Thin on purpose: each route turns the form or query into the services' schemas, calls
the services (which check the policy and audit) and renders, or redirects with a flash.
A form refused for what it says is shown again by the platform (`interagency.web.forms`):
its page, what was typed, each problem beside its field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.responses import RedirectResponse, Response

from interagency import i18n
from interagency.bootstrap import Container
from interagency.db import UnitOfWork, utcnow
from interagency.egress import third_parties
from interagency.errors import InvalidInput
from interagency.exchange import (
    choosers,
    dissemination,
    exporting,
    inspection,
    labels,
    queries,
    search,
    services,
)
from interagency.exchange.access import access
from interagency.exchange.codes import MessageKind, Priority, Status
from interagency.exchange.models import Thread
from interagency.exchange.notices import link_of
from interagency.exchange.paths import DisseminationId, ThreadId
from interagency.exchange.policy import Action, Effect, may_send
from interagency.exchange.queries import InboxFilter
from interagency.exchange.schemas import (
    DecisionIn,
    DisseminationIn,
    InspectionIn,
    RecipientIn,
    ReplyIn,
    ThreadIn,
)
from interagency.exchange.web_context import exchange_context, inspection_until, uses_exchange
from interagency.i18n import lazy
from interagency.identity import directory, guard
from interagency.identity import services as identity_services
from interagency.identity.principals import Caller
from interagency.inputs import Line, Refused, Text, clean_line
from interagency.markings import (
    HANDLING_RANK,
    HandlingCode,
    Tlp,
    tlp_rank,
)
from interagency.web import flash
from interagency.web.auth import CallerDep
from interagency.web.deps import ContainerDep, RendererDep, UowDep
from interagency.web.errors import domain_message
from interagency.web.templating import Renderer, localtime

router = APIRouter(include_in_schema=False)

Problems = list[dict[str, str]]
Model = TypeVar("Model", bound=BaseModel)

NEW_THREAD_KINDS = [MessageKind.REQUEST, MessageKind.NOTIFICATION, MessageKind.ALERT]
BOXES = ("all", "incoming", "outgoing")
FILTER_CHOICES: dict[str, tuple[str, ...]] = {
    "kind": tuple(k.value for k in MessageKind),
    "status": tuple(s.value for s in Status),
    "priority": tuple(p.value for p in Priority),
    "tlp": tuple(t.value for t in Tlp),
    "handling_code": tuple(h.value for h in HandlingCode),
}

# The form field each rule of the schemas concerns, for rules that span fields.
SCHEMA_FIELDS: dict[str, str] = {
    "H3 needs the restriction written out in words.": "restriction",
    "Address either a desk or a user of an agency, not both.": "recipients",
    "A new thread is a request, a notification or an alert.": "kind",
    "A request for information needs a deadline.": "deadline",
    "Only a request for information has a deadline: leave it empty.": "deadline",
    "RED must name a desk or a user of every recipient agency.": "recipients",
}


def _placed(error: Mapping[str, Any]) -> dict[str, Any]:
    """A schema's error located at its form field, so that it is shown beside it; a rule
    across fields goes to the field its words concern."""
    loc = tuple(part for part in error["loc"] if part != "body")
    if not loc:
        reason = str((error.get("ctx") or {}).get("error", ""))
        loc = (SCHEMA_FIELDS[reason],) if reason in SCHEMA_FIELDS else ()
    return {**error, "loc": ("body", *loc)}


def _valid(
    model: type[Model], data: dict[str, Any], problems: Sequence[dict[str, Any]] = ()
) -> Model:
    """The form as the service's input, or every problem with it (those found before,
    `problems`, among them) beside its field."""
    try:
        found = model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError([*problems, *map(_placed, exc.errors())]) from None
    if problems:
        raise RequestValidationError(list(problems))
    return found


def _problem(field: str, message: str) -> dict[str, Any]:
    """A problem of one field, in the form `RequestValidationError` carries."""
    return {"type": "value_error", "loc": ("body", field), "ctx": {"error": ValueError(message)}}


def _done(request: Request, target: str, message: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    flash.add(request, response, "success", message)
    return response


def _require_exchange(uow: UnitOfWork, caller: Caller) -> None:
    """Administrators and reviewers have no exchange; the refusal is audited."""
    if not uses_exchange(caller.principal):
        raise guard.refuse(caller, "exchange:open")


def _require_sender(uow: UnitOfWork, caller: Caller) -> None:
    principal = caller.principal
    if principal is None or not may_send(principal.roles):
        raise guard.refuse(caller, "exchange:compose")


# --- inbox, search, overdue ----------------------------------------------------------------


def _read_filters(params: Mapping[str, str]) -> tuple[InboxFilter, dict[str, str], Problems]:
    """The GET form's filters; a value that cannot be used is dropped and named."""
    problems: Problems = []
    kept: dict[str, str] = {}
    values: dict[str, Any] = {}
    box = params.get("box", "all") or "all"
    if box not in BOXES:
        problem = i18n.gettext(lazy("Choose all, incoming or outgoing."))
        problems.append({"field": "box", "problem": problem})
        box = "all"
    kept["box"] = box
    for name in ("agency", "desk"):
        value = _line(params, name, problems).strip().upper()[:32]
        if value:
            values[name] = kept[name] = value
    for name, choices in FILTER_CHOICES.items():
        value = params.get(name) or ""
        if not value:
            continue
        if value not in choices:
            problem = i18n.gettext(lazy("Choose one of: {expected}.")).format(
                expected=", ".join(choices)
            )
            problems.append({"field": name, "problem": problem})
            continue
        values[name] = kept[name] = value
    for name in ("since", "until"):
        value = _line(params, name, problems).strip()
        if not value:
            continue
        try:
            values[name] = date.fromisoformat(value)
            kept[name] = value
        except ValueError:
            problems.append(
                {"field": name, "problem": i18n.gettext(lazy("Enter a date as YYYY-MM-DD."))}
            )
    if params.get("overdue") in ("1", "on", "true"):
        values["overdue"] = True
        kept["overdue"] = "1"
    try:
        page = int(params.get("page") or 1)
    except ValueError:
        page = 1
    f = InboxFilter(box=box, page=max(1, page), **values)
    return f, kept, problems


def _line(params: Mapping[str, str], name: str, problems: Problems) -> str:
    """A query parameter read by hand, under the hygiene every text passes
    (`interagency.inputs`); a refused one is named and left out."""
    try:
        return clean_line(params.get(name) or "")
    except Refused as refused:
        problems.append({"field": name, "problem": str(refused)})
        return ""


def _page_url(path: str, kept: Mapping[str, str], page: int) -> str:
    return f"{path}?{urlencode({**kept, 'page': page})}"


def _pager(
    path: str, kept: Mapping[str, str], page: int, per_page: int, total: int, exact: bool = True
) -> dict[str, Any]:
    """Links to the pages around this one; past a count that stopped at its cap, the
    pages go on and the last is not known."""
    last = max(1, -(-total // per_page))
    return {
        "page": page,
        "last": last,
        "more": not exact,
        "previous": _page_url(path, kept, page - 1) if page > 1 else None,
        "next": _page_url(path, kept, page + 1) if page < last or not exact else None,
    }


def _filter_options(uow: UnitOfWork, caller: Caller) -> dict[str, Any]:
    agencies = directory.list_agencies(uow, caller)
    return {
        "agencies": agencies,
        "desk_codes": sorted({d.code for a in agencies for d in a.desks}),
        "choices": FILTER_CHOICES,
    }


@router.get("/exchange")
def inbox_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, container: ContainerDep
) -> Response:
    _require_exchange(uow, caller)
    f, kept, problems = _read_filters(request.query_params)
    ctx = exchange_context(container)
    try:
        page = queries.inbox(uow, caller, ctx, f)
    except InvalidInput as exc:
        uow.session.rollback()
        problems.append({"field": "", "problem": domain_message(exc)})
        f = InboxFilter(box=f.box)
        kept = {"box": f.box}
        page = queries.inbox(uow, caller, ctx, f)
    context = {
        "page": page,
        "counts": queries.counts(uow, caller),
        "may_send": caller.principal is not None and may_send(caller.principal.roles),
        "filters": kept,
        "errors": problems,
        "pager": _pager("/exchange", kept, page.page, page.per_page, page.total, page.total_exact),
        "count_cap": queries.COUNT_CAP,
        "tab_urls": {box: _page_url("/exchange", {**kept, "box": box}, 1) for box in BOXES},
        **_filter_options(uow, caller),
    }
    uow.commit()
    return renderer.render(
        request, "exchange/inbox.html", context, status_code=422 if problems else 200
    )


@router.get("/exchange/search")
def search_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, container: ContainerDep
) -> Response:
    _require_exchange(uow, caller)
    f, kept, problems = _read_filters(request.query_params)
    text = _line(request.query_params, "q", problems).strip()
    found = None
    if text and not problems:
        try:
            found = search.search(uow, caller, exchange_context(container), text, f)
        except InvalidInput as exc:
            uow.session.rollback()
            problems.append({"field": "q", "problem": domain_message(exc)})
    with_query = {**kept, "q": text}
    context = {
        "query": text,
        "found": found,
        "filters": kept,
        "errors": problems,
        "pager": _pager(
            "/exchange/search",
            with_query,
            found.page,
            found.per_page,
            found.total,
            found.total_exact,
        )
        if found
        else None,
        **_filter_options(uow, caller),
    }
    uow.commit()
    return renderer.render(
        request, "exchange/search.html", context, status_code=422 if problems else 200
    )


@router.get("/exchange/overdue")
def overdue_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, container: ContainerDep
) -> Response:
    _require_exchange(uow, caller)
    boxes = queries.overdue(uow, caller, exchange_context(container))
    uow.commit()
    return renderer.render(
        request,
        "exchange/overdue.html",
        {"we_owe": boxes["incoming"], "we_wait": boxes["outgoing"]},
    )


# --- compose ------------------------------------------------------------------------------


def _compose(request: Request, uow: UnitOfWork, renderer: Renderer, caller: Caller) -> Response:
    principal = caller.principal
    assert principal is not None
    agencies = directory.list_agencies(uow, caller)
    own = {a.code for a in agencies if a.id == principal.agency_id}
    context = {
        "recipient_groups": choosers.recipient_groups(agencies, leave_out=own.__contains__),
        "my_desks": identity_services.desk_codes(uow, principal.desk_ids),
        "kinds": NEW_THREAD_KINDS,
        "priorities": list(Priority),
        "tlps": list(Tlp),
        "handling_codes": list(HandlingCode),
        "grades": choosers.grade_choices(),
    }
    return renderer.render(request, "exchange/compose.html", context)


def _recipients(addressed: list[str], named_users: str) -> tuple[list[RecipientIn], Problems]:
    recipients: list[RecipientIn] = []
    problems: Problems = []
    for value in addressed:
        agency, colon, login = value.partition(":")
        if colon:  # a named user chosen from the directory
            recipients.append(RecipientIn(agency=agency, user=login))
            continue
        agency, _, desk = value.partition("/")
        recipients.append(RecipientIn(agency=agency, desk=desk or None))
    for line in filter(None, (line.strip() for line in named_users.splitlines())):
        agency, colon, login = line.partition(":")
        if not colon or not agency.strip() or not login.strip():
            problem = i18n.gettext(
                lazy("Write each named user as AGENCY:login, one a line (not “{line}”).")
            ).format(line=line)
            problems.append(_problem("named_users", problem))
            continue
        recipients.append(RecipientIn(agency=agency.strip(), user=login.strip()))
    return recipients, problems


def _lines(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]


@router.get("/exchange/new")
def compose_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    _require_sender(uow, caller)
    return _compose(request, uow, renderer, caller)


@router.post("/exchange/new")
def send_thread(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    # Nothing chosen sends nothing: an empty list, which validation then names.
    recipients: Annotated[list[Line], Form(default_factory=list)],
    subject: Annotated[Line, Form(max_length=1000)] = "",
    body: Annotated[Text, Form(max_length=40_000)] = "",
    kind: Annotated[Line, Form(max_length=20)] = "request",
    priority: Annotated[Line, Form(max_length=20)] = "routine",
    handling_code: Annotated[Line, Form(max_length=4)] = "H0",
    restriction: Annotated[Text, Form(max_length=2000)] = "",
    tlp: Annotated[Line, Form(max_length=20)] = "AMBER",
    source_grade: Annotated[Line, Form(max_length=2)] = "B",
    information_grade: Annotated[Line, Form(max_length=2)] = "2",
    deadline: Annotated[Line, Form(max_length=20)] = "",
    named_users: Annotated[Text, Form(max_length=2000)] = "",
    from_desk: Annotated[Line, Form(max_length=32)] = "",
    references: Annotated[Text, Form(max_length=2000)] = "",
    case_numbers: Annotated[Text, Form(max_length=2000)] = "",
) -> Response:
    _require_sender(uow, caller)
    try:
        addressed, problems = _recipients(recipients, named_users)
    except ValidationError as exc:
        located = [{**error, "loc": ("body", "recipients")} for error in exc.errors()]
        raise RequestValidationError(located) from None
    if not addressed:
        problems.append(_problem("recipients", lazy("Choose at least one recipient.")))
    data = _valid(
        ThreadIn,
        {
            "subject": subject, "body": body, "kind": kind, "priority": priority,
            "handling_code": handling_code, "restriction": restriction or None, "tlp": tlp,
            "source_grade": source_grade, "information_grade": information_grade,
            "deadline": deadline or None,
            # Pydantic checks the rules between fields only once every field is valid; a
            # stand-in for the missing recipient lets one answer name all the problems.
            "recipients": addressed or [RecipientIn(agency="?", desk="?")],
            "from_desk": from_desk or None,
            "references": _lines(references), "case_numbers": _lines(case_numbers),
        },
        problems,
    )  # fmt: skip
    thread = services.send(uow, caller, exchange_context(container), data)
    uow.commit()
    return _done(
        request,
        link_of(thread),
        i18n.gettext("Thread %(reference)s sent.") % {"reference": thread.reference},
    )


# --- one thread ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    """What the reader may do on the thread, as the policy says, for the buttons shown."""

    reply: bool
    acknowledge: bool
    close: bool
    add_recipient: bool
    request_dissemination: bool
    decide: bool
    export: bool
    export_needs_consent: bool
    inspect: bool


def _allowed(uow: UnitOfWork, caller: Caller, thread_id: int, my_agency: str, view: Any) -> Allowed:
    granted = access(uow, caller, thread_id, Action.READ_METADATA, utcnow())
    open_ = view.status is not Status.CLOSED
    waiting = any(r.agency == my_agency and r.status is Status.NEW for r in view.recipient_states)
    export = granted.effect(Action.EXPORT)
    consented = export is Effect.WITH_CONSENT and dissemination.export_consented(
        uow, thread_id, granted.principal.agency_id
    )
    return Allowed(
        reply=open_ and granted.may(Action.REPLY),
        acknowledge=open_ and waiting and granted.may(Action.ACKNOWLEDGE),
        close=open_ and granted.may(Action.CLOSE),
        add_recipient=open_ and granted.may(Action.ADD_RECIPIENT),
        request_dissemination=granted.may(Action.REQUEST_DISSEMINATION),
        decide=granted.may(Action.DECIDE_DISSEMINATION),
        export=export is Effect.ALLOW or consented,
        export_needs_consent=export is Effect.WITH_CONSENT and not consented,
        inspect=granted.may(Action.INSPECT) and not granted.may(Action.READ_CONTENT),
    )


def _thread_page(
    request: Request,
    uow: UnitOfWork,
    renderer: Renderer,
    caller: Caller,
    container: Container,
    thread_id: int,
) -> Response:
    principal = caller.principal
    assert principal is not None
    view = queries.thread_view(uow, caller, exchange_context(container), thread_id)
    my_agency = identity_services.agency_code(uow, principal.agency_id)
    allowed = _allowed(uow, caller, thread_id, my_agency, view)
    agencies = directory.list_agencies(uow, caller)
    codes = {a.id: a.code for a in agencies}
    desks = {d.id: d.code for a in agencies for d in a.desks}
    zones = {s.iso_alpha2: s.timezone for s in identity_services.list_member_states(uow)}
    default_zone = container.settings.default_timezone
    agency_zone = {a.code: zones.get(a.member_state or "", default_zone) for a in agencies}
    # RED and AMBER+STRICT never go to a third party: none is offered for them.
    onward = view.tlp not in (Tlp.RED, Tlp.AMBER_STRICT)
    parties = third_parties.all_active(uow) if onward else []
    waiting = dissemination.pending_for_thread(uow, thread_id)
    # The originator must see where a file it is asked to consent to would go.
    party_names = third_parties.names(uow, [row.third_party_id for row in waiting])
    pending = [
        {
            "id": row.public_id,
            "purpose": row.purpose,
            "third_party": party_names.get(row.third_party_id) if row.third_party_id else None,
            "requester": codes.get(row.requesting_agency_id, "?"),
            "target": codes.get(row.target_agency_id) if row.target_agency_id else None,
            "desk": desks.get(row.target_desk_id) if row.target_desk_id else None,
            "reason": row.reason,
            "created_at": row.created_at,
        }
        for row in waiting
        # Only the originator decides, and only it (or the asking agency) sees the reason.
        if allowed.decide or row.requesting_agency_id == principal.agency_id
    ]
    on_thread = {view.originator, *view.recipients}
    thread_tlp, thread_handling = Tlp(view.tlp), HandlingCode(view.handling_code)
    add_groups = choosers.recipient_groups(
        agencies, leave_out=lambda code: code == view.originator, people=False
    )
    listed = {a.code: a.users for a in agencies}
    context = {
        "thread": view,
        "allowed": allowed,
        "my_agency": my_agency,
        "pending": pending,
        "inspection_until": inspection_until(uow, principal.user_id, thread_id),
        "recipient_zone": agency_zone,
        "zonetime": lambda value, zone: localtime(value, zone),
        "reply_tlps": [
            t for t in Tlp
            if tlp_rank(t) >= tlp_rank(thread_tlp) and (t is not Tlp.RED or thread_tlp is Tlp.RED)
        ],
        "reply_handling": [
            h for h in HandlingCode if HANDLING_RANK[h] >= HANDLING_RANK[thread_handling]
        ],
        "grades": choosers.grade_choices(),
        # Agencies and desks: a named person is added by login, from the list of those listed.
        "add_groups": add_groups,
        "add_users": [
            {"login": user.login, "label": f"{group.name} — {user.full_name} ({group.code})"}
            for group in add_groups
            for user in listed.get(group.code, [])
        ],
        "onward_groups": choosers.recipient_groups(
            agencies, leave_out=on_thread.__contains__, people=False
        ),
        "third_parties": [{"id": party.public_id, "name": party.name} for party in parties],
        "export_formats": exporting.OFFERED,
        "file_size": labels.file_size,
        "file_type": labels.file_type,
    }  # fmt: skip
    uow.commit()  # the read, its receipt and its audit entry
    return renderer.render(request, "exchange/thread.html", context)


@router.get("/exchange/threads/{thread_id}")
def thread_page(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    container: ContainerDep,
    thread_id: ThreadId,
) -> Response:
    return _thread_page(request, uow, renderer, caller, container, thread_id)


def _thread_url(uow: UnitOfWork, thread_id: int, anchor: str = "") -> str:
    thread = uow.session.get(Thread, thread_id)
    assert thread is not None  # (the action on it has just succeeded)
    return link_of(thread) + (f"#{anchor}" if anchor else "")


@router.post("/exchange/threads/{thread_id}/reply")
def reply_page(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    thread_id: ThreadId,
    body: Annotated[Text, Form(max_length=40_000)] = "",
    handling_code: Annotated[Line, Form(max_length=4)] = "H0",
    restriction: Annotated[Text, Form(max_length=2000)] = "",
    tlp: Annotated[Line, Form(max_length=20)] = "AMBER",
    source_grade: Annotated[Line, Form(max_length=2)] = "B",
    information_grade: Annotated[Line, Form(max_length=2)] = "2",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    data = _valid(
        ReplyIn,
        {
            "body": body, "handling_code": handling_code, "restriction": restriction or None,
            "tlp": tlp, "source_grade": source_grade, "information_grade": information_grade,
            "version": version,
        },
    )  # fmt: skip
    services.reply(uow, caller, exchange_context(container), thread_id, data)
    uow.commit()
    return _done(request, _thread_url(uow, thread_id, "timeline"), i18n.gettext("Reply sent."))


@router.post("/exchange/threads/{thread_id}/acknowledge")
def acknowledge_page(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    thread_id: ThreadId,
    version: Annotated[int, Form()],
) -> Response:
    services.acknowledge(uow, caller, exchange_context(container), thread_id, version)
    uow.commit()
    return _done(request, _thread_url(uow, thread_id), i18n.gettext("Receipt acknowledged."))


@router.post("/exchange/threads/{thread_id}/close")
def close_page(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    thread_id: ThreadId,
    version: Annotated[int, Form()],
) -> Response:
    services.close(uow, caller, exchange_context(container), thread_id, version)
    uow.commit()
    return _done(request, _thread_url(uow, thread_id), i18n.gettext("The thread is closed."))


@router.post("/exchange/threads/{thread_id}/recipients")
def add_recipient_page(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    thread_id: ThreadId,
    version: Annotated[int, Form()],
    target: Annotated[Line, Form(max_length=80)] = "",
    user: Annotated[Line, Form(max_length=64)] = "",
) -> Response:
    agency, _, desk = target.partition("/")
    data = _valid(RecipientIn, {"agency": agency, "desk": desk or None, "user": user or None})
    services.add_recipient(uow, caller, exchange_context(container), thread_id, data, version)
    uow.commit()
    return _done(
        request,
        _thread_url(uow, thread_id),
        i18n.gettext("%(target)s now receives the thread.") % {"target": target},
    )


@router.post("/exchange/threads/{thread_id}/dissemination")
def request_dissemination_page(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    thread_id: ThreadId,
    purpose: Annotated[Line, Form(max_length=16)] = "recipient",
    target: Annotated[Line, Form(max_length=80)] = "",
    third_party: Annotated[Line, Form(max_length=26)] = "",
    reason: Annotated[Text, Form(max_length=2000)] = "",
) -> Response:
    agency, _, desk = target.partition("/")
    data = _valid(
        DisseminationIn,
        {"purpose": purpose, "agency": agency or None, "desk": desk or None,
         "third_party": third_party or None, "reason": reason},
    )  # fmt: skip
    dissemination.request(uow, caller, exchange_context(container), thread_id, data)
    uow.commit()
    return _done(
        request,
        _thread_url(uow, thread_id, "dissemination"),
        i18n.gettext("Your request waits for the originating agency's decision."),
    )


@router.post("/exchange/dissemination/{request_id}/decision")
def decide_page(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    request_id: DisseminationId,
    decision: Annotated[Line, Form(pattern="^(approve|refuse)$")],
    note: Annotated[Text, Form(max_length=1000)] = "",
) -> Response:
    data = DecisionIn(approve=decision == "approve", note=note or None)
    row = dissemination.decide(uow, caller, exchange_context(container), request_id, data)
    uow.commit()
    message = (
        i18n.gettext("Request approved.") if data.approve else i18n.gettext("Request refused.")
    )
    return _done(request, _thread_url(uow, row.thread_id, "dissemination"), message)


@router.post("/exchange/threads/{thread_id}/inspect")
def inspect_page(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    thread_id: ThreadId,
    reason: Annotated[Text, Form(max_length=2000)] = "",
    minutes: Annotated[Line, Form(max_length=5)] = "60",
) -> Response:
    data = _valid(InspectionIn, {"reason": reason, "minutes": minutes})
    row = inspection.open_inspection(uow, caller, exchange_context(container), thread_id, data)
    uow.commit()
    return _done(
        request,
        _thread_url(uow, thread_id),
        i18n.gettext("Inspection open until %(until)s; the originating agency is told.")
        % {"until": localtime(row.expires_at, request.state.timezone)},
    )
