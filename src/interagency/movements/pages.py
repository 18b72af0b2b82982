"""The fighters' pages under /movements: the board, profiles, crossings and counts.
Thin: every decision is the services' and their policy's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from starlette.responses import Response

from interagency import i18n
from interagency.exchange.web_context import exchange_context
from interagency.i18n import lazy
from interagency.inputs import Input, Line, Text
from interagency.movements import (
    alerts,
    counts,
    crossing_view,
    crossings,
    policy,
    profiles,
    release,
)
from interagency.movements.models import Direction, FighterStatus, Protection
from interagency.movements.schemas import CrossingIn, ProfileIn
from interagency.records import labels as record_labels
from interagency.records.paths import HitRef, RecordId
from interagency.web.auth import CallerDep
from interagency.web.deps import ContainerDep, RendererDep, UowDep
from interagency.web.forms import done, refuse, valid
from interagency.web.templating import zone

router = APIRouter(prefix="/movements", include_in_schema=False)

CrossingRef = Annotated[str, Path(pattern=r"^[a-z2-7]{26}$")]

LABELS: dict[str, str] = {
    FighterStatus.SUSPECTED_DEPARTURE: lazy("departure suspected"),
    FighterStatus.IN_CONFLICT_ZONE: lazy("in the conflict zone"),
    FighterStatus.RETURNED: lazy("returned"),
    FighterStatus.DETAINED: lazy("detained"),
    FighterStatus.PROSECUTED: lazy("prosecuted"),
    FighterStatus.DECEASED: lazy("deceased"),
    Direction.ENTRY: lazy("entry"),
    Direction.EXIT: lazy("exit"),
    Protection.NONE: lazy("none"),
    Protection.ASYLUM_SEEKER: lazy("asylum seeker"),
    Protection.REFUGEE: lazy("refugee"),
    # what a profile waits for before other states' borders screen against it
    "neutrality-review": lazy("the review board's clearance"),
    "protected-category": lazy("a necessity approved by a second supervisor"),
    "review-overdue": lazy("a new review date"),
    "erased": lazy("erased"),
}


def label(value: str | None) -> str:
    source = LABELS.get(value or "")
    return i18n.gettext(source) if source else record_labels.label(value)


def _context(request: Request, **values: Any) -> dict[str, Any]:
    principal = request.state.principal

    def may(action: str, holder: int | None = None, submitter: int | None = None) -> bool:
        mine = policy.relations(principal, holder_agency_id=holder, submitter_agency_id=submitter)
        return policy.allowed(principal, policy.Action(action), mine)

    return {
        "label": label,
        "may": may,
        "statuses": list(FighterStatus),
        "directions": list(Direction),
        "protections": list(Protection),
        "un_groups": policy.UN_1267_GROUPS,
        **values,
    }


# --- the board --------------------------------------------------------------------------


@router.get("")
def board_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, container: ContainerDep
) -> Response:
    found = profiles.board(uow, caller, container.vault)
    uow.commit()
    return renderer.render(request, "movements/board.html", _context(request, board=found))


@router.post("/alerts/{reference}/take-up")
def take_up(request: Request, reference: HitRef, uow: UowDep, caller: CallerDep) -> Response:
    alerts.take_up(uow, caller, reference)
    return done(request, uow, "/movements", i18n.gettext("The alert was taken up."))


# --- profiles ---------------------------------------------------------------------------


class ProfileForm(Input):
    status: Line = ""
    conflict_zone: Line = ""
    departed_on: Line = ""
    returned_on: Line = ""
    status_since: Line = ""
    basis: Text = ""
    basis_dated: Line = ""
    un_group: Line = ""

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = self.model_dump()
        for name in ("departed_on", "returned_on", "un_group"):
            values[name] = values[name].strip() or None
        return values


@router.get("/profiles/{record_id}")
def profile_page(
    request: Request,
    record_id: RecordId,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    container: ContainerDep,
) -> Response:
    found = profiles.of_record(uow, caller, container.vault, record_id)
    uow.commit()
    reference = request.path_params["record_id"]
    return renderer.render(
        request,
        "movements/profile_form.html",
        _context(request, profile=found, record_ref=reference),
    )


@router.post("/profiles/{record_id}")
def keep_profile(
    request: Request,
    record_id: RecordId,
    form: Annotated[ProfileForm, Form()],
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> Response:
    data = valid(ProfileIn, form.values())
    profiles.keep(uow, caller, container.vault, record_id, data)
    reference = request.path_params["record_id"]
    return done(request, uow, f"/movements/profiles/{reference}", i18n.gettext("Saved."))


# --- crossings --------------------------------------------------------------------------


class CrossingForm(Input):
    surname: Line = ""
    given_name: Line = ""
    patronymic: Line = ""
    birth_date: Line = ""
    sex: Line = ""
    document_number: Line = ""
    document_country: Line = ""
    occurred_at: Line = ""  # a datetime-local in the reader's zone
    crossing_point: Line = ""
    direction: Line = ""
    carrier: Line = ""
    service: Line = ""
    protection: Line = "none"
    protection_from: Line = ""


@router.get("/crossings/new")
def new_crossing_page(request: Request, renderer: RendererDep, caller: CallerDep) -> Response:
    crossings.require_submitter(caller)
    return renderer.render(request, "movements/crossing_form.html", _context(request))


@router.post("/crossings")
def submit_crossing(
    request: Request,
    form: Annotated[CrossingForm, Form()],
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> Response:
    crossings.require_submitter(caller)
    values: dict[str, Any] = form.model_dump()
    try:
        local = datetime.fromisoformat(form.occurred_at.strip())
    except ValueError:
        refuse(occurred_at=lazy("Enter the date and time of the crossing."))
    # The officer types the time as their clock shows it: in their own zone.
    values["occurred_at"] = (
        local if local.tzinfo else local.replace(tzinfo=zone(request.state.timezone))
    )
    values["protection_from"] = form.protection_from.strip() or None
    out = crossings.submit(uow, caller, container.vault, valid(CrossingIn, values))
    count = len(out.hits)
    message = i18n.ngettext(
        "Screened: %(num)d possible match.", "Screened: %(num)d possible matches.", count
    ) % {"num": count}
    return done(request, uow, f"/movements/crossings/{out.reference}", message)


@router.get("/crossings/{crossing_id}")
def crossing_page(
    request: Request,
    crossing_id: CrossingRef,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
) -> Response:
    found = crossing_view.view(uow, caller, crossing_id)
    uow.commit()
    return renderer.render(request, "movements/crossing.html", _context(request, crossing=found))


@router.post("/crossings/{crossing_id}/release/{reference}/{step}")
def release_step(
    request: Request,
    crossing_id: CrossingRef,
    reference: HitRef,
    step: Annotated[str, Path(pattern="^(propose|approve)$")],
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> Response:
    if step == "propose":
        release.propose(uow, caller, reference)
        message = i18n.gettext("Proposed: a supervisor who did not propose it approves.")
    else:
        release.approve(uow, caller, exchange_context(container), reference)
        message = i18n.gettext("Released to the profile's holder.")
    return done(request, uow, f"/movements/crossings/{crossing_id}", message)


# --- counts -----------------------------------------------------------------------------


@router.get("/counts")
def counts_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = counts.monthly(uow, caller)
    uow.commit()
    return renderer.render(
        request,
        "movements/counts.html",
        _context(request, rows=rows, smallest=policy.SMALLEST_COUNT_SHOWN),
    )
