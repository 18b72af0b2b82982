"""What every council service does around its work: decide with the policy, refuse through
the guard (which audits the refusal), and audit reads, changes and exports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select

from interagency import audit
from interagency.council import policy
from interagency.council.schemas import Marking
from interagency.db import UnitOfWork
from interagency.errors import InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.models import Agency, AgencyKind
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.markings import Marked

# What a caller is told of an object that does not exist, by kind; a hidden object is
# answered the same (`require`).
_MISSING = {
    "council-meeting": lazy("There is no such meeting."),
    "council-document": lazy("There is no such document."),
    "council-programme": lazy("There is no such programme."),
    "council-report": lazy("There is no such report."),
    "council-decision": lazy("There is no such decision."),
    "council-task": lazy("There is no such task."),
    "council-measure": lazy("There is no such measure."),
}


def missing(kind: str) -> NotFound:
    """No key is repeated to the caller: keys are internal, public ids are in the path."""
    return NotFound(_MISSING[kind])


def require(
    caller: Caller,
    action: policy.Action,
    kind: str,
    ref: object,
    marked: Marked | None = None,
    concerned: Iterable[int] = (),
) -> Principal:
    """The principal, if the policy lets them do `action` on the object; else an audited
    refusal. A caller who may not even see the (marked) object is answered as if it did
    not exist."""
    principal = caller.principal
    tlp = marked.tlp if marked is not None else "CLEAR"
    if principal is None or not policy.may(principal, action, tlp, concerned):
        if marked is not None and (principal is None or not visible(principal, marked, concerned)):
            raise guard.hidden(caller, action.value, kind, ref, missing(kind))
        raise guard.refuse(caller, action.value, kind, ref)
    return principal


def visible(principal: Principal, marked: Marked, concerned: Iterable[int]) -> bool:
    return policy.may(principal, policy.Action.VIEW, marked.tlp, concerned)


def record(
    uow: UnitOfWork,
    caller: Caller,
    action: str,
    kind: str,
    ref: object,
    detail: Mapping[str, object] | None = None,
) -> None:
    audit.record(uow, caller.event(action, object_kind=kind, object_ref=ref, detail=detail))


def label(marked: Marked) -> str:
    text = f"{marked.handling_code} · TLP:{marked.tlp}"
    return f"{text} · {marked.handling_note}" if marked.handling_note else text


def apply_marking(marked: Marked, marking: Marking) -> None:
    marked.handling_code = marking.handling_code.value
    marked.tlp = marking.tlp.value
    marked.handling_note = marking.handling_note


def member_agency(uow: UnitOfWork, code: str) -> Agency:
    agency = uow.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None or agency.kind != AgencyKind.MEMBER_AGENCY.value:
        raise InvalidInput(lazy("No member agency has the code {code}."), code=code)
    return agency


def member_agencies(uow: UnitOfWork, codes: Iterable[str]) -> list[Agency]:
    unique = list(dict.fromkeys(codes))
    return [member_agency(uow, code) for code in unique]


def codes(uow: UnitOfWork) -> dict[int, str]:
    """Agency id to code, for showing who did what."""
    rows = uow.session.execute(select(Agency.id, Agency.code))
    return {row.id: row.code for row in rows}


def agency_names(uow: UnitOfWork, language: str) -> dict[int, str]:
    rows = uow.session.scalars(select(Agency))
    return {row.id: row.name_ru if language == "ru" else row.name_en for row in rows}
