"""Use cases of the export gate's own rows: the secretariat registers the third parties data
may go to, an agency's supervisors record its consents, and a subscription to read more
than the daily limit is asked for by one person and decided by another, a supervisor.

Every function takes the unit of work and the caller, decides with the table in
`egress.policy` (refusals through `identity.guard`, which carry their audit event),
audits what it did and flushes; the caller commits. Contract:

- `rules(uow, caller)` -> the doors and the marking rules, in the reader's language.
- `list_third_parties(uow, caller)` -> the active ones, by name; the legal basis only for
  those the table lets read it. `register_third_party` and `withdraw_third_party` (the
  secretariat) return the row; withdrawing one twice is a `Conflict`.
- `list_consents(uow, caller)` -> the caller's agency's consents, active first.
  `record_consent` (for one's own agency only) and `withdraw_consent` return the row;
  a consent recorded twice or withdrawn twice is a `Conflict`.
- `list_subscriptions(uow, caller)` -> those the caller may see (`SubscriptionOut`).
  `ask_subscription`, `decide_subscription` and `end_subscription` return the row; a
  decision on a subscription no longer waiting, or the end of one that is over, is a
  `Conflict`.

A row the caller may not see is answered as a missing one (`NotFound`); a role that can
never do the action is refused before any row is looked up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Final

from sqlalchemy import exists, or_, select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.egress import policy, third_parties
from interagency.egress.doors import DOORS, Door
from interagency.egress.limits import daily_limit
from interagency.egress.models import (
    Consent,
    Subscription,
    SubscriptionReach,
    SubscriptionStatus,
    ThirdParty,
)
from interagency.egress.policy import RULES, Action, Subject
from interagency.egress.schemas import (
    ConsentIn,
    ConsentOut,
    DoorOut,
    ObjectKind,
    RuleOut,
    RulesOut,
    SubscriptionIn,
    SubscriptionOut,
    ThirdPartyIn,
    ThirdPartyOut,
    Verdict,
)
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import gettext, lazy
from interagency.identity import guard, login
from interagency.identity.models import Agency, User
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller

# The audit's names for the gate's rows (`identity.audit_access.name_kind` maps them).
THIRD_PARTY: Final = "third-party"
CONSENT: Final = "consent"
SUBSCRIPTION: Final = "subscription"
# Subscriptions end within a year: leave to read in bulk is looked at again at least yearly.
LONGEST_SUBSCRIPTION: Final = timedelta(days=365)


def _taking_part(caller: Caller, action: Action, kind: str | None = None) -> Principal:
    """The principal, if some row could let them do `action`; else an audited refusal,
    before any row is looked up."""
    principal = caller.principal
    decision = principal is not None and policy.takes_part(principal, action)
    return guard.check(caller, decision, action, kind)


def _record(
    uow: UnitOfWork,
    caller: Caller,
    action: str,
    kind: str,
    key: int | None,
    detail: dict[str, object],
    personal: dict[str, object] | None = None,
) -> None:
    audit.record(
        uow,
        caller.event(action, object_kind=kind, object_ref=key, detail=detail, personal=personal),
    )


# --- doors and rules ---------------------------------------------------------------------


def rules(uow: UnitOfWork, caller: Caller) -> RulesOut:
    """What may leave, by which door and under which rule: open to every signed-in user."""
    _taking_part(caller, Action.VIEW_RULES)
    doors = [
        DoorOut(door=spec.door, leaves=spec.leaves, formats=sorted(spec.formats),
                summary=gettext(spec.summary))
        for spec in DOORS.values()
    ]  # fmt: skip
    table = [
        RuleOut(
            leaves=sorted(rule.leaves),
            destinations=sorted(rule.destinations),
            tlp=sorted(rule.tlp),
            outcome=rule.outcome.value,
            why=gettext(rule.why),
        )
        for rule in RULES
    ]
    return RulesOut(doors=doors, rules=table, daily_limit=daily_limit(uow.session))


# --- third parties -----------------------------------------------------------------------


def list_third_parties(uow: UnitOfWork, caller: Caller) -> list[ThirdPartyOut]:
    principal = _taking_part(caller, Action.LIST_THIRD_PARTIES, THIRD_PARTY)
    shows_basis = policy.allowed(principal, Action.READ_LEGAL_BASIS)
    rows = uow.session.scalars(
        select(ThirdParty).where(ThirdParty.withdrawn_at.is_(None)).order_by(ThirdParty.name)
    ).all()
    found = [_party_out(row, shows_basis) for row in rows]
    _record(uow, caller, "egress:third-party:list", THIRD_PARTY, None,
            {"ids": [row.public_id for row in rows]})  # fmt: skip
    return found


def _party_out(row: ThirdParty, shows_basis: bool) -> ThirdPartyOut:
    return ThirdPartyOut(
        id=row.public_id,
        name=row.name,
        country=row.country,
        legal_basis=row.legal_basis if shows_basis else None,
        entered_at=row.entered_at,
        withdrawn_at=row.withdrawn_at,
    )


def register_third_party(uow: UnitOfWork, caller: Caller, data: ThirdPartyIn) -> ThirdParty:
    principal = guard.check(
        caller,
        caller.principal is not None
        and policy.allowed(caller.principal, Action.REGISTER_THIRD_PARTY),
        Action.REGISTER_THIRD_PARTY,
        THIRD_PARTY,
    )
    name = data.name.strip()
    twin = uow.session.scalar(
        select(ThirdParty.public_id).where(
            ThirdParty.name == name,
            ThirdParty.country == data.country,
            ThirdParty.withdrawn_at.is_(None),
        )
    )
    if twin is not None:
        raise Conflict(lazy("{name} is registered already, as {id}."), name=name, id=twin)
    row = ThirdParty(name=name, country=data.country, entered_by_id=principal.user_id)
    row.legal_basis = data.legal_basis.strip()
    uow.session.add(row)
    uow.session.flush()
    _record(uow, caller, "egress:third-party:register", THIRD_PARTY, row.id,
            {"third_party": row.public_id, "name": name, "country": row.country})  # fmt: skip
    return row


def withdraw_third_party(uow: UnitOfWork, caller: Caller, key: int) -> ThirdParty:
    """Nothing leaves for it any more; the row stays, as the exports to it name it."""
    guard.check(
        caller,
        caller.principal is not None
        and policy.allowed(caller.principal, Action.WITHDRAW_THIRD_PARTY),
        Action.WITHDRAW_THIRD_PARTY,
        THIRD_PARTY,
        key,
    )
    row = uow.session.get(ThirdParty, key, with_for_update=True)
    if row is None:
        raise NotFound(lazy("There is no such third party."))
    if row.withdrawn_at is not None:
        raise Conflict(lazy("{name} was withdrawn already."), name=row.name)
    row.withdrawn_at = utcnow()
    uow.session.flush()
    _record(uow, caller, "egress:third-party:withdraw", THIRD_PARTY, row.id,
            {"third_party": row.public_id})  # fmt: skip
    return row


def _active_party(uow: UnitOfWork, public_id: str) -> ThirdParty:
    row = third_parties.active(uow, public_id)
    if row is None:
        raise InvalidInput(
            lazy("No registered third party has the id {id}: choose one from the list."),
            for_field="third_party",
            id=public_id,
        )
    return row


# --- consents ----------------------------------------------------------------------------


def list_consents(uow: UnitOfWork, caller: Caller) -> list[ConsentOut]:
    principal = _taking_part(caller, Action.LIST_CONSENTS, CONSENT)
    own = Subject(agency_id=principal.agency_id)
    guard.check(caller, policy.allowed(principal, Action.LIST_CONSENTS, own),
                Action.LIST_CONSENTS, CONSENT)  # fmt: skip
    rows = uow.session.scalars(
        select(Consent)
        .where(Consent.owner_agency_id == principal.agency_id)
        .order_by(Consent.withdrawn_at.is_not(None), Consent.granted_at.desc(), Consent.id)
    ).all()
    found = [_consent_out(uow, row) for row in rows]
    _record(uow, caller, "egress:consent:list", CONSENT, None,
            {"ids": [row.public_id for row in rows]})  # fmt: skip
    return found


def _consent_out(uow: UnitOfWork, row: Consent) -> ConsentOut:
    party = uow.session.get(ThirdParty, row.third_party_id)
    assert party is not None  # (a foreign key)
    return ConsentOut(
        id=row.public_id,
        agency=_codes(uow, [row.owner_agency_id])[0],
        third_party=party.public_id,
        third_party_name=party.name,
        object_kind=ObjectKind(row.object_kind),
        object_ref=row.object_ref,
        granted_by=_login(uow, row.granted_by_id),
        granted_at=row.granted_at,
        withdrawn_at=row.withdrawn_at,
    )


def record_consent(uow: UnitOfWork, caller: Caller, data: ConsentIn) -> Consent:
    """The caller's agency consents that its objects of one kind (or one object) may go to
    one third party. The gate reads it at the moment such an object leaves."""
    principal = _taking_part(caller, Action.RECORD_CONSENT, CONSENT)
    agency_id = _agency_named(uow, data.agency) if data.agency else principal.agency_id
    guard.check(caller, policy.allowed(principal, Action.RECORD_CONSENT,
                                       Subject(agency_id=agency_id)),
                Action.RECORD_CONSENT, CONSENT)  # fmt: skip
    party = _active_party(uow, data.third_party)
    twin = uow.session.scalar(
        select(Consent.public_id).where(
            Consent.owner_agency_id == agency_id,
            Consent.third_party_id == party.id,
            Consent.object_kind == data.object_kind.value,
            Consent.object_ref.is_(None)
            if data.object_ref is None
            else Consent.object_ref == data.object_ref,
            Consent.withdrawn_at.is_(None),
        )
    )
    if twin is not None:
        raise Conflict(lazy("This consent is recorded already, as {id}."), id=twin)
    row = Consent(
        owner_agency_id=agency_id,
        third_party_id=party.id,
        object_kind=data.object_kind.value,
        object_ref=data.object_ref,
        granted_by_id=principal.user_id,
    )
    uow.session.add(row)
    uow.session.flush()
    _record(uow, caller, "egress:consent:record", CONSENT, row.id,
            {"consent": row.public_id, "third_party": party.public_id,
             "object_kind": row.object_kind, "object_ref": row.object_ref})  # fmt: skip
    return row


def _agency_named(uow: UnitOfWork, code: str) -> int:
    found = uow.session.scalar(select(Agency.id).where(Agency.code == code))
    if found is None:
        raise InvalidInput(lazy("No agency has the code {code}."), code=code)
    return found


def withdraw_consent(uow: UnitOfWork, caller: Caller, key: int) -> Consent:
    principal = _taking_part(caller, Action.WITHDRAW_CONSENT, CONSENT)
    row = uow.session.get(Consent, key, with_for_update=True)
    missing = NotFound(lazy("There is no such consent."))
    if row is None:
        raise missing
    subject = Subject(agency_id=row.owner_agency_id)
    if not policy.allowed(principal, Action.LIST_CONSENTS, subject):
        raise guard.hidden(caller, Action.WITHDRAW_CONSENT.value, CONSENT, key, missing)
    guard.check(caller, policy.allowed(principal, Action.WITHDRAW_CONSENT, subject),
                Action.WITHDRAW_CONSENT, CONSENT, key)  # fmt: skip
    if row.withdrawn_at is not None:
        raise Conflict(lazy("The consent was withdrawn already."))
    row.withdrawn_at = utcnow()
    row.withdrawn_by_id = principal.user_id
    uow.session.flush()
    _record(uow, caller, "egress:consent:withdraw", CONSENT, row.id,
            {"consent": row.public_id})  # fmt: skip
    return row


# --- subscriptions -----------------------------------------------------------------------


def list_subscriptions(uow: UnitOfWork, caller: Caller) -> list[SubscriptionOut]:
    """The reading agency's subscriptions for its supervisors and DPOs, those one asked
    for, and, for a DPO, every subscription that has read their agency's data."""
    principal = _taking_part(caller, Action.LIST_SUBSCRIPTIONS, SUBSCRIPTION)
    reached_mine = exists().where(
        SubscriptionReach.subscription_id == Subscription.id,
        SubscriptionReach.agency_id == principal.agency_id,
    )
    candidates = uow.session.scalars(
        select(Subscription)
        .where(
            or_(
                Subscription.agency_id == principal.agency_id,
                Subscription.asked_by_id == principal.user_id,
                reached_mine,
            )
        )
        .order_by(Subscription.asked_at.desc(), Subscription.id.desc())
    ).all()
    reach = _reach(uow, [row.id for row in candidates])
    shown = [
        row
        for row in candidates
        if policy.allowed(principal, Action.LIST_SUBSCRIPTIONS, _subject(row, reach))
    ]
    found = [_subscription_out(uow, principal, row, reach) for row in shown]
    _record(uow, caller, "egress:subscription:list", SUBSCRIPTION, None,
            {"ids": [row.public_id for row in shown]})  # fmt: skip
    return found


def _reach(uow: UnitOfWork, keys: Sequence[int]) -> dict[int, frozenset[int]]:
    """For each subscription, the agencies whose data it has read."""
    found: dict[int, set[int]] = {key: set() for key in keys}
    if keys:
        rows = uow.session.execute(
            select(SubscriptionReach.subscription_id, SubscriptionReach.agency_id).where(
                SubscriptionReach.subscription_id.in_(keys)
            )
        )
        for subscription_id, agency_id in rows:
            found[subscription_id].add(agency_id)
    return {key: frozenset(agencies) for key, agencies in found.items()}


def _subject(row: Subscription, reach: dict[int, frozenset[int]]) -> Subject:
    return Subject(
        agency_id=row.agency_id,
        asked_by=row.asked_by_id,
        reader=row.reader_user_id,
        reached=reach.get(row.id, frozenset()),
    )


def _subscription_out(
    uow: UnitOfWork, principal: Principal, row: Subscription, reach: dict[int, frozenset[int]]
) -> SubscriptionOut:
    subject = _subject(row, reach)
    # Who reads and who asked are the reading agency's business; other agencies' DPOs see
    # which agency reads their data, how much and why.
    within = principal.agency_id == row.agency_id
    party = uow.session.get(ThirdParty, row.third_party_id) if row.third_party_id else None
    return SubscriptionOut(
        id=row.public_id,
        agency=_codes(uow, [row.agency_id])[0],
        reader=_login(uow, row.reader_user_id) if within else None,
        door=Door(row.door),
        daily_limit=row.daily_limit,
        purpose=row.purpose,
        valid_until=row.valid_until,
        third_party=party.public_id if party else None,
        third_party_name=party.name if party else None,
        status=row.status,
        asked_by=_login(uow, row.asked_by_id) if within else None,
        asked_at=row.asked_at,
        decided_at=row.decided_at,
        reached=sorted(_codes(uow, subject.reached)),
        may_decide=row.status == SubscriptionStatus.PENDING.value
        and policy.allowed(principal, Action.DECIDE_SUBSCRIPTION, subject),
        may_end=row.status in _LIVE and policy.allowed(principal, Action.END_SUBSCRIPTION, subject),
    )


_LIVE: Final = (SubscriptionStatus.PENDING.value, SubscriptionStatus.APPROVED.value)


def _codes(uow: UnitOfWork, agency_ids: Iterable[int]) -> list[str]:
    codes = []
    for agency_id in agency_ids:
        agency = uow.session.get(Agency, agency_id)
        assert agency is not None  # (a foreign key)
        codes.append(agency.code)
    return codes


def _login(uow: UnitOfWork, user_id: int) -> str:
    user = uow.session.get(User, user_id)
    assert user is not None  # (a foreign key)
    return user.login


def ask_subscription(uow: UnitOfWork, caller: Caller, data: SubscriptionIn) -> Subscription:
    """A person asks for leave for a reader of their own agency (themselves or one of its
    service accounts) to read more than the daily limit through one bulk door."""
    principal = _taking_part(caller, Action.ASK_SUBSCRIPTION, SUBSCRIPTION)
    _asker_is_a_person(uow, caller, principal)
    reader = _reader_of_agency(uow, caller, principal, data.reader)
    subject = Subject(agency_id=reader.agency_id, asked_by=principal.user_id, reader=reader.id)
    guard.check(caller, policy.allowed(principal, Action.ASK_SUBSCRIPTION, subject),
                Action.ASK_SUBSCRIPTION, SUBSCRIPTION)  # fmt: skip
    if reader.id != principal.user_id and not reader.is_service:
        raise InvalidInput(
            lazy(
                "A subscription is for yourself or for a service account of your agency; "
                "{login} is neither."
            ),
            for_field="reader",
            login=reader.login,
        )
    _check_terms(uow, data)
    party = _active_party(uow, data.third_party) if data.third_party else None
    waiting = uow.session.scalar(
        select(Subscription.public_id).where(
            Subscription.reader_user_id == reader.id,
            Subscription.door == data.door.value,
            Subscription.status == SubscriptionStatus.PENDING.value,
        )
    )
    if waiting is not None:
        raise Conflict(
            lazy("Subscription {id} for this reader and door still waits for a decision."),
            id=waiting,
        )
    row = Subscription(
        agency_id=reader.agency_id,
        reader_user_id=reader.id,
        door=data.door.value,
        daily_limit=data.daily_limit,
        third_party_id=party.id if party else None,
        valid_until=data.valid_until,
        status=SubscriptionStatus.PENDING.value,
        asked_by_id=principal.user_id,
    )
    row.purpose = data.purpose.strip()
    uow.session.add(row)
    uow.session.flush()
    _record(
        uow, caller, "egress:subscription:ask", SUBSCRIPTION, row.id,
        {"subscription": row.public_id, "reader": reader.id, "door": row.door,
         "daily_limit": row.daily_limit, "valid_until": row.valid_until.isoformat(),
         "third_party": party.public_id if party else None},
        # The purpose may name people: kept aside, erasable.
        personal={"purpose": row.purpose},
    )  # fmt: skip
    return row


def _asker_is_a_person(uow: UnitOfWork, caller: Caller, principal: Principal) -> None:
    """A system never asks for more for itself: a person of its agency answers for it."""
    asker = uow.session.get(User, principal.user_id)
    if asker is None or asker.is_service:
        raise guard.refuse(
            caller,
            Action.ASK_SUBSCRIPTION.value,
            SUBSCRIPTION,
            message=lazy("A person asks for a subscription; a service account cannot."),
        )


def _reader_of_agency(uow: UnitOfWork, caller: Caller, principal: Principal, name: str) -> User:
    """The enabled account with this login in the caller's agency; any other login gets one
    answer, so that nobody learns another agency's logins."""
    missing = NotFound(lazy("No user of your agency has the login {login}."), login=name)
    user = login.find_user(uow, name)
    if user is None or user.pending or user.disabled_at is not None:
        raise missing
    if user.agency_id != principal.agency_id:
        raise guard.hidden(caller, Action.ASK_SUBSCRIPTION.value, "user", user.id, missing)
    return user


def _check_terms(uow: UnitOfWork, data: SubscriptionIn) -> None:
    limit = daily_limit(uow.session)
    if data.daily_limit <= limit:
        raise InvalidInput(
            lazy(
                "Up to {limit} objects a day are read without a subscription: ask for more "
                "than {limit}, or for none."
            ),
            for_field="daily_limit",
            limit=limit,
        )
    today = utcnow().date()
    last = today + LONGEST_SUBSCRIPTION
    if not today <= data.valid_until <= last:
        raise InvalidInput(
            lazy("A subscription runs until a day from {first} to {last}: choose one of them."),
            for_field="valid_until",
            first=today.isoformat(),
            last=last.isoformat(),
        )


def decide_subscription(
    uow: UnitOfWork, caller: Caller, key: int, verdict: Verdict
) -> Subscription:
    """A supervisor of the reading agency, neither the asker nor the reader, approves or
    refuses. An approval holds only while what was asked for still can be: a date not
    passed, a third party not withdrawn."""
    principal = _taking_part(caller, Action.DECIDE_SUBSCRIPTION, SUBSCRIPTION)
    row, subject = _visible_subscription(uow, caller, principal, key, Action.DECIDE_SUBSCRIPTION)
    if not policy.allowed(principal, Action.DECIDE_SUBSCRIPTION, subject):
        raise guard.refuse(caller, Action.DECIDE_SUBSCRIPTION.value, SUBSCRIPTION, key,
                           message=_why_not_decider(principal, subject))  # fmt: skip
    if row.status != SubscriptionStatus.PENDING.value:
        raise Conflict(lazy("The subscription was decided already."))
    if verdict is Verdict.APPROVE:
        _still_possible(uow, row)
    row.status = (
        SubscriptionStatus.APPROVED if verdict is Verdict.APPROVE else SubscriptionStatus.REFUSED
    ).value
    row.decided_by_id = principal.user_id
    row.decided_at = utcnow()
    uow.session.flush()
    _record(uow, caller, f"egress:subscription:{verdict.value}", SUBSCRIPTION, row.id,
            {"subscription": row.public_id, "asked_by": row.asked_by_id,
             "reader": row.reader_user_id})  # fmt: skip
    return row


def _why_not_decider(principal: Principal, subject: Subject) -> str:
    mine = policy.relations(principal, subject)
    if policy.Relation.ASKER in mine:
        return lazy("You asked for this subscription: another supervisor of your agency decides.")
    if policy.Relation.READER in mine:
        return lazy("You would read under this subscription: another supervisor decides.")
    return lazy("A supervisor of the reading agency decides on a subscription.")


def _still_possible(uow: UnitOfWork, row: Subscription) -> None:
    if row.valid_until < utcnow().date():
        raise Conflict(
            lazy("The subscription ran out on {date} before its approval: refuse it."),
            date=row.valid_until.isoformat(),
        )
    if row.third_party_id is not None:
        party = uow.session.get(ThirdParty, row.third_party_id)
        if party is None or party.withdrawn_at is not None:
            raise Conflict(lazy("Its third party is withdrawn: nothing may go there; refuse it."))


def end_subscription(uow: UnitOfWork, caller: Caller, key: int) -> Subscription:
    """The asker or a supervisor of the reading agency ends it (or withdraws the request);
    from then on the daily limit holds again."""
    principal = _taking_part(caller, Action.END_SUBSCRIPTION, SUBSCRIPTION)
    row, subject = _visible_subscription(uow, caller, principal, key, Action.END_SUBSCRIPTION)
    guard.check(caller, policy.allowed(principal, Action.END_SUBSCRIPTION, subject),
                Action.END_SUBSCRIPTION, SUBSCRIPTION, key)  # fmt: skip
    if row.status not in _LIVE:
        raise Conflict(lazy("The subscription is over already."))
    row.status = SubscriptionStatus.ENDED.value
    uow.session.flush()
    _record(uow, caller, "egress:subscription:end", SUBSCRIPTION, row.id,
            {"subscription": row.public_id})  # fmt: skip
    return row


def _visible_subscription(
    uow: UnitOfWork, caller: Caller, principal: Principal, key: int, action: Action
) -> tuple[Subscription, Subject]:
    """The row, locked, and the caller's relations to it; one the caller may not see is
    answered exactly as a missing one."""
    missing = NotFound(lazy("There is no such subscription."))
    row = uow.session.get(Subscription, key, with_for_update=True)
    if row is None:
        raise missing
    subject = _subject(row, _reach(uow, [row.id]))
    if not policy.allowed(principal, Action.LIST_SUBSCRIPTIONS, subject):
        raise guard.hidden(caller, action.value, SUBSCRIPTION, key, missing)
    return row, subject


def ends_by(today: date | None = None) -> date:
    """The last day a subscription asked for today may run to."""
    return (today or utcnow().date()) + LONGEST_SUBSCRIPTION


# --- one row as its caller sees it, after a change -----------------------------------------


def third_party_out(caller: Caller, row: ThirdParty) -> ThirdPartyOut:
    principal = caller.principal
    shows = principal is not None and policy.allowed(principal, Action.READ_LEGAL_BASIS)
    return _party_out(row, shows)


def consent_out(uow: UnitOfWork, row: Consent) -> ConsentOut:
    return _consent_out(uow, row)


def subscription_out(uow: UnitOfWork, caller: Caller, row: Subscription) -> SubscriptionOut:
    principal = caller.principal
    assert principal is not None  # (only a signed-in caller changed it)
    return _subscription_out(uow, principal, row, _reach(uow, [row.id]))
