"""Routes of the export gate's own rows: pages under /exports and the JSON API under
/api/v1/exports. Thin: every decision is taken by `egress.services` and its policy."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Request, status
from starlette.responses import Response

from interagency import i18n
from interagency.db import UnitOfWork
from interagency.egress import policy, services
from interagency.egress.doors import DOORS, Leaves
from interagency.egress.limits import daily_limit
from interagency.egress.models import Consent, DestinationKind, Subscription, ThirdParty
from interagency.egress.policy import Action, Outcome, Subject
from interagency.egress.schemas import (
    BULK_DOORS,
    MAX_DAILY_LIMIT,
    ConsentIn,
    ConsentOut,
    DecisionIn,
    ObjectKind,
    RulesOut,
    SubscriptionIn,
    SubscriptionOut,
    ThirdPartyIn,
    ThirdPartyOut,
    Verdict,
    country_name,
)
from interagency.i18n import lazy
from interagency.identity.audit_access import name_kind
from interagency.identity.principals import Caller
from interagency.inputs import Line, Text
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.forms import done, valid
from interagency.web.ids import key_of
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

pages = APIRouter(prefix="/exports", include_in_schema=False)
api = APIRouter(
    prefix="/api/v1/exports",
    tags=["exports"],
    responses=PROBLEM_RESPONSES,
    dependencies=API_DEPENDENCIES,
)

Answer = TypeVar("Answer")
ThirdPartyId = Annotated[int, Depends(key_of(ThirdParty, "third_party_id"))]
ConsentId = Annotated[int, Depends(key_of(Consent, "consent_id"))]
SubscriptionId = Annotated[int, Depends(key_of(Subscription, "subscription_id"))]
name_kind(services.THIRD_PARTY, ThirdParty)
name_kind(services.CONSENT, Consent)
name_kind(services.SUBSCRIPTION, Subscription)

# What the pages call the codes of the tables, in the reader's language (`_()` in them).
LABELS: dict[str, str] = {
    Leaves.COPY: lazy("a copy taken out"),
    Leaves.ORIGINAL: lazy("the original file"),
    Leaves.CROSSING: lazy("crossing to another agency"),
    Leaves.BULK_READ: lazy("read in bulk through the API"),
    DestinationKind.READER: lazy("the reader's own agency"),
    DestinationKind.AGENCY: lazy("another member agency"),
    DestinationKind.THIRD_PARTY: lazy("a third party"),
    Outcome.DENY: lazy("never"),
    Outcome.FEATURE: lazy("as the feature's own policy allows the reader"),
    Outcome.OWNER_ONLY: lazy("only by the owning agency"),
    Outcome.OWNER_CONSENT: lazy("with the owning agency's consent"),
    ObjectKind.THREAD: lazy("exchange threads"),
    ObjectKind.RECORD: lazy("shared records"),
    ObjectKind.MEETING: lazy("council meetings"),
    ObjectKind.DOCUMENT: lazy("joint documents"),
    ObjectKind.PROGRAMME: lazy("cooperation programmes"),
    "pending": lazy("waiting for a decision"),
    "approved": lazy("approved"),
    "refused": lazy("refused"),
    "ended": lazy("ended"),
}

# The forms in which a door lets data out: file formats by their usual capitals, which
# read alike in both languages; the others in words.
FORMATS: dict[str, str] = {
    "pdf": "PDF",
    "csv": "CSV",
    "docx": "DOCX",
    "json": "JSON",
    "original": lazy("the file as it was uploaded"),
    "thread": lazy("a message in an exchange thread"),
}


DECIDED: dict[Verdict, str] = {
    Verdict.APPROVE: lazy("Subscription %(id)s is approved."),
    Verdict.REFUSE: lazy("Subscription %(id)s is refused."),
}


# The tabs of the exports pages, each with what its page first asks of the reader.
TABS: tuple[tuple[str, str, Action], ...] = (
    ("/exports/third-parties", lazy("Third parties"), Action.LIST_THIRD_PARTIES),
    ("/exports/consents", lazy("Consents"), Action.LIST_CONSENTS),
    ("/exports/subscriptions", lazy("Subscriptions"), Action.LIST_SUBSCRIPTIONS),
)


def _tabs(request: Request) -> list[tuple[str, str]]:
    """Only the tabs the reader may open: a link that answers 403 is a dead end."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        return []
    own = Subject(agency_id=principal.agency_id)
    return [
        (href, i18n.gettext(label))
        for href, label, action in TABS
        if policy.takes_part(principal, action)
        and (action is not Action.LIST_CONSENTS or policy.allowed(principal, action, own))
    ]


def _context(request: Request, **values: Any) -> dict[str, Any]:
    language = str(request.state.language)
    return {
        "export_tabs": _tabs(request),
        "labels": LABELS,
        "formats": FORMATS,
        "country": lambda code: country_name(code, language),
        **values,
    }


def _may(caller: Caller, action: Action, subject: Subject = policy.NOTHING) -> bool:
    principal = caller.principal
    return principal is not None and policy.allowed(principal, action, subject)


def _takes_part(caller: Caller, action: Action) -> bool:
    principal = caller.principal
    return principal is not None and policy.takes_part(principal, action)


def _own(caller: Caller) -> Subject:
    principal = caller.principal
    return Subject(agency_id=principal.agency_id if principal else None)


# --- pages -------------------------------------------------------------------------------


@pages.get("")
def overview(request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep) -> Response:
    table = services.rules(uow, caller)
    return renderer.render(request, "egress/overview.html", _context(request, table=table))


@pages.get("/third-parties")
def third_parties_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    parties = services.list_third_parties(uow, caller)
    uow.commit()
    return renderer.render(
        request,
        "egress/third_parties.html",
        _context(
            request,
            parties=parties,
            may_register=_may(caller, Action.REGISTER_THIRD_PARTY),
            may_withdraw=_may(caller, Action.WITHDRAW_THIRD_PARTY),
        ),
    )


@pages.post("/third-parties")
def register_third_party(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    name: Annotated[Line, Form(max_length=200)],
    country: Annotated[Line, Form(max_length=2)],
    legal_basis: Annotated[Text, Form(max_length=5000)],
) -> Response:
    data = valid(
        ThirdPartyIn,
        {"name": name, "country": country.strip().upper(), "legal_basis": legal_basis},
    )
    row = services.register_third_party(uow, caller, data)
    message = i18n.gettext("%(name)s is registered as a third party.") % {"name": row.name}
    return done(request, uow, "/exports/third-parties", message)


@pages.post("/third-parties/{third_party_id}/withdraw")
def withdraw_third_party(
    request: Request, third_party_id: ThirdPartyId, uow: UowDep, caller: CallerDep
) -> Response:
    row = services.withdraw_third_party(uow, caller, third_party_id)
    message = i18n.gettext("%(name)s is withdrawn: nothing goes there any more.") % {
        "name": row.name
    }
    return done(request, uow, "/exports/third-parties", message)


@pages.get("/consents")
def consents_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    consents = services.list_consents(uow, caller)
    may_record = _may(caller, Action.RECORD_CONSENT, _own(caller))
    parties = services.list_third_parties(uow, caller) if may_record else []
    uow.commit()
    return renderer.render(
        request,
        "egress/consents.html",
        _context(
            request,
            consents=consents,
            parties=parties,
            kinds=list(ObjectKind),
            may_record=may_record,
        ),
    )


@pages.post("/consents")
def record_consent(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    third_party: Annotated[Line, Form(max_length=26)],
    object_kind: Annotated[Line, Form(max_length=16)],
    object_ref: Annotated[Line, Form(max_length=26)] = "",
) -> Response:
    data = valid(
        ConsentIn,
        {
            "third_party": third_party,
            "object_kind": object_kind,
            "object_ref": object_ref.strip() or None,
        },
    )
    services.record_consent(uow, caller, data)
    return done(request, uow, "/exports/consents", i18n.gettext("The consent is recorded."))


@pages.post("/consents/{consent_id}/withdraw")
def withdraw_consent(
    request: Request, consent_id: ConsentId, uow: UowDep, caller: CallerDep
) -> Response:
    services.withdraw_consent(uow, caller, consent_id)
    return done(request, uow, "/exports/consents", i18n.gettext("The consent is withdrawn."))


@pages.get("/subscriptions")
def subscriptions_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    subscriptions = services.list_subscriptions(uow, caller)
    may_ask = _takes_part(caller, Action.ASK_SUBSCRIPTION)
    parties = services.list_third_parties(uow, caller) if may_ask else []
    uow.commit()
    return renderer.render(
        request,
        "egress/subscriptions.html",
        _context(
            request,
            subscriptions=subscriptions,
            parties=parties,
            may_ask=may_ask,
            # Named by what each lets out: the door's code is no word in either language.
            doors={door: DOORS[door].summary for door in BULK_DOORS},
            limit=daily_limit(uow.session),
            most=MAX_DAILY_LIMIT,
            last_day=services.ends_by(),
        ),
    )


@pages.post("/subscriptions")
def ask_subscription(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    reader: Annotated[Line, Form(max_length=64)],
    door: Annotated[Line, Form(max_length=40)],
    daily_limit: Annotated[Line, Form(max_length=16)],
    purpose: Annotated[Text, Form(max_length=2000)],
    valid_until: Annotated[Line, Form(max_length=10)],
    third_party: Annotated[Line, Form(max_length=26)] = "",
) -> Response:
    data = valid(
        SubscriptionIn,
        {
            "reader": reader.strip(),
            "door": door,
            "daily_limit": daily_limit.strip(),
            "purpose": purpose,
            "valid_until": valid_until.strip(),
            "third_party": third_party.strip() or None,
        },
    )
    row = services.ask_subscription(uow, caller, data)
    message = i18n.gettext(
        "Subscription %(id)s is asked for: another supervisor of your agency decides on it."
    ) % {"id": row.public_id}
    return done(request, uow, "/exports/subscriptions", message)


@pages.post("/subscriptions/{subscription_id}/decision")
def decide_subscription(
    request: Request,
    subscription_id: SubscriptionId,
    uow: UowDep,
    caller: CallerDep,
    decision: Annotated[Line, Form(max_length=16)],
) -> Response:
    data = valid(DecisionIn, {"decision": decision})
    row = services.decide_subscription(uow, caller, subscription_id, data.decision)
    message = i18n.gettext(DECIDED[data.decision]) % {"id": row.public_id}
    return done(request, uow, "/exports/subscriptions", message)


@pages.post("/subscriptions/{subscription_id}/end")
def end_subscription(
    request: Request, subscription_id: SubscriptionId, uow: UowDep, caller: CallerDep
) -> Response:
    row = services.end_subscription(uow, caller, subscription_id)
    message = i18n.gettext("Subscription %(id)s is ended.") % {"id": row.public_id}
    return done(request, uow, "/exports/subscriptions", message)


# --- API ---------------------------------------------------------------------------------


def _committed(uow: UnitOfWork, answer: Answer) -> Answer:
    """The answer, built before the commit (it reads rows the commit would expire)."""
    uow.commit()
    return answer


@api.get("/rules", summary="The doors by which data leaves, and the rules every door applies")
def api_rules(uow: UowDep, caller: CallerDep) -> RulesOut:
    return services.rules(uow, caller)


@api.get("/third-parties", summary="Active third parties data may go to")
def api_third_parties(uow: UowDep, caller: CallerDep) -> list[ThirdPartyOut]:
    return _committed(uow, services.list_third_parties(uow, caller))


@api.post(
    "/third-parties",
    status_code=status.HTTP_201_CREATED,
    summary="Register a third party with its legal basis (secretariat)",
)
def api_register_third_party(data: ThirdPartyIn, uow: UowDep, caller: CallerDep) -> ThirdPartyOut:
    row = services.register_third_party(uow, caller, data)
    return _committed(uow, services.third_party_out(caller, row))


@api.post("/third-parties/{third_party_id}/withdraw", summary="Withdraw a third party")
def api_withdraw_third_party(
    third_party_id: ThirdPartyId, uow: UowDep, caller: CallerDep
) -> ThirdPartyOut:
    row = services.withdraw_third_party(uow, caller, third_party_id)
    return _committed(uow, services.third_party_out(caller, row))


@api.get("/consents", summary="Your agency's consents to third parties (supervisors, DPOs)")
def api_consents(uow: UowDep, caller: CallerDep) -> list[ConsentOut]:
    return _committed(uow, services.list_consents(uow, caller))


@api.post(
    "/consents",
    status_code=status.HTTP_201_CREATED,
    summary="Consent that your agency's data may go to a third party (supervisor)",
)
def api_record_consent(data: ConsentIn, uow: UowDep, caller: CallerDep) -> ConsentOut:
    row = services.record_consent(uow, caller, data)
    return _committed(uow, services.consent_out(uow, row))


@api.post("/consents/{consent_id}/withdraw", summary="Withdraw a consent (supervisor)")
def api_withdraw_consent(consent_id: ConsentId, uow: UowDep, caller: CallerDep) -> ConsentOut:
    row = services.withdraw_consent(uow, caller, consent_id)
    return _committed(uow, services.consent_out(uow, row))


@api.get("/subscriptions", summary="Subscriptions to read more than the daily limit you may see")
def api_subscriptions(uow: UowDep, caller: CallerDep) -> list[SubscriptionOut]:
    return _committed(uow, services.list_subscriptions(uow, caller))


@api.post(
    "/subscriptions",
    status_code=status.HTTP_201_CREATED,
    summary="Ask for a subscription; another supervisor of your agency decides",
)
def api_ask_subscription(data: SubscriptionIn, uow: UowDep, caller: CallerDep) -> SubscriptionOut:
    row = services.ask_subscription(uow, caller, data)
    return _committed(uow, services.subscription_out(uow, caller, row))


@api.post(
    "/subscriptions/{subscription_id}/decision",
    summary="Approve or refuse a subscription (a supervisor who neither asked nor reads)",
)
def api_decide_subscription(
    subscription_id: SubscriptionId, data: DecisionIn, uow: UowDep, caller: CallerDep
) -> SubscriptionOut:
    row = services.decide_subscription(uow, caller, subscription_id, data.decision)
    return _committed(uow, services.subscription_out(uow, caller, row))


@api.post("/subscriptions/{subscription_id}/end", summary="End a subscription or withdraw the ask")
def api_end_subscription(
    subscription_id: SubscriptionId, uow: UowDep, caller: CallerDep
) -> SubscriptionOut:
    row = services.end_subscription(uow, caller, subscription_id)
    return _committed(uow, services.subscription_out(uow, caller, row))
