"""Who sees and does what on a thread: one table, read top to bottom, deny by default.

A decision depends on the thread's TLP and handling code, on the user's relations to the
thread (a user can hold several: the author is also in the originating agency) and on
the user's roles. The first rule whose columns all match decides; nothing matches means
no. The same table drives the checks on one thread (`decide`) and the SQL filter that
lists threads (`visibility.py`), so the inbox, search and counts cannot disagree with
what opening a thread allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from interagency.identity.models import Role
from interagency.markings import HandlingCode, Tlp


class Relation(StrEnum):
    AUTHOR = "author"  # wrote the thread's first message
    ORIGINATOR_DESK = "originator_desk"  # works at the desk the thread was sent from
    ORIGINATOR_AGENCY = "originator_agency"  # works at the agency that sent it
    NAMED_RECIPIENT = "named_recipient"  # a desk of theirs, or they themselves, are addressed
    RECIPIENT_AGENCY = "recipient_agency"  # works at an agency the thread was sent to
    INSPECTING = "inspecting"  # a DPO inside a time-limited inspection of this thread


class Action(StrEnum):
    READ_METADATA = "exchange:thread:metadata"
    READ_CONTENT = "exchange:thread:read"
    REPLY = "exchange:thread:reply"
    ACKNOWLEDGE = "exchange:thread:acknowledge"
    CLOSE = "exchange:thread:close"
    ADD_RECIPIENT = "exchange:thread:add-recipient"
    REQUEST_DISSEMINATION = "exchange:dissemination:request"
    REQUEST_EXPORT_CONSENT = "exchange:export-consent:request"
    DECIDE_DISSEMINATION = "exchange:dissemination:decide"
    EXPORT = "exchange:thread:export"
    INSPECT = "exchange:thread:inspect"


class Effect(StrEnum):
    ALLOW = "allow"
    # Allowed once the originator has recorded consent (an approved export request).
    WITH_CONSENT = "with_consent"
    DENY = "deny"


ALL_TLP = frozenset(Tlp)
NOT_RED = ALL_TLP - {Tlp.RED}
SHAREABLE = NOT_RED - {Tlp.AMBER_STRICT}
ALL_HANDLING = frozenset(HandlingCode)
ORIGINATOR = frozenset({Relation.AUTHOR, Relation.ORIGINATOR_DESK, Relation.ORIGINATOR_AGENCY})
# On a RED thread only the people the originator names, and the sending desk, are in.
ORIGINATOR_RED = frozenset({Relation.AUTHOR, Relation.ORIGINATOR_DESK})
RECIPIENT = frozenset({Relation.NAMED_RECIPIENT, Relation.RECIPIENT_AGENCY})
ON_THREAD = ORIGINATOR | RECIPIENT
# Roles that do the exchange itself; administrators, auditors, DPOs and reviewers do not.
CONTENT_ROLES = frozenset({Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.SECRETARIAT})
SENDERS = CONTENT_ROLES
DECIDERS = frozenset({Role.LIAISON_OFFICER, Role.SUPERVISOR, Role.SECRETARIAT})
OVERSIGHT_ROLES = frozenset({Role.AUDITOR, Role.DATA_PROTECTION_OFFICER})


@dataclass(frozen=True)
class Rule:
    action: Action
    tlp: frozenset[Tlp]
    handling: frozenset[HandlingCode]
    relations: frozenset[Relation]
    roles: frozenset[Role]
    effect: Effect
    why: str


def _rule(
    action: Action,
    relations: frozenset[Relation],
    roles: frozenset[Role],
    effect: Effect = Effect.ALLOW,
    *,
    tlp: frozenset[Tlp] = ALL_TLP,
    handling: frozenset[HandlingCode] = ALL_HANDLING,
    why: str,
) -> Rule:
    return Rule(action, tlp, handling, relations, roles, effect, why)


RULES: tuple[Rule, ...] = (
    # Metadata: reference, markings, agencies, status and times; never subject or body.
    _rule(Action.READ_METADATA, ORIGINATOR_RED | {Relation.NAMED_RECIPIENT}, CONTENT_ROLES,
          why="among those who do the exchange, a RED thread is for the people it names"),
    _rule(Action.READ_METADATA, ON_THREAD, CONTENT_ROLES, tlp=NOT_RED,
          why="an agency on the thread may know what it exchanges"),
    _rule(Action.READ_METADATA, ON_THREAD | {Relation.INSPECTING}, OVERSIGHT_ROLES,
          why="auditors and DPOs of an agency on the thread work from its metadata, RED "
          "included: a DPO must find a thread to inspect it"),
    # Content.
    _rule(Action.READ_CONTENT, ORIGINATOR_RED | {Relation.NAMED_RECIPIENT}, CONTENT_ROLES,
          why="RED reaches only the sending desk and the desks or users it names"),
    _rule(Action.READ_CONTENT, ON_THREAD, CONTENT_ROLES, tlp=NOT_RED,
          why="below RED the originating and receiving agencies see the thread"),
    _rule(Action.READ_CONTENT, frozenset({Relation.INSPECTING}),
          frozenset({Role.DATA_PROTECTION_OFFICER}),
          why="a DPO of an agency on the thread inspects on their own authority, for a time"),
    _rule(Action.REPLY, ORIGINATOR_RED | {Relation.NAMED_RECIPIENT}, CONTENT_ROLES,
          why="who may read a RED thread may answer on it"),
    _rule(Action.REPLY, ON_THREAD, CONTENT_ROLES, tlp=NOT_RED,
          why="who may read the thread may answer on it"),
    _rule(Action.ACKNOWLEDGE, frozenset({Relation.NAMED_RECIPIENT}), CONTENT_ROLES,
          why="the addressed desk confirms receipt"),
    _rule(Action.ACKNOWLEDGE, RECIPIENT, CONTENT_ROLES, tlp=NOT_RED,
          why="below RED anyone at the receiving agency confirms receipt"),
    _rule(Action.CLOSE, ORIGINATOR_RED, DECIDERS,
          why="the sender closes what it opened"),
    _rule(Action.CLOSE, ORIGINATOR, DECIDERS, tlp=NOT_RED,
          why="the sending agency closes what it opened"),
    # Sharing onward: the originator decides, always.
    _rule(Action.ADD_RECIPIENT, ORIGINATOR_RED, DECIDERS,
          why="the originator names who else receives RED"),
    _rule(Action.ADD_RECIPIENT, ORIGINATOR, DECIDERS, tlp=NOT_RED,
          why="the originating agency may address more recipients"),
    _rule(Action.REQUEST_DISSEMINATION, RECIPIENT, CONTENT_ROLES, tlp=SHAREABLE,
          why="a recipient asks the originator before anyone else learns of it; "
          "AMBER+STRICT and RED stay inside the agencies the originator chose"),
    _rule(Action.REQUEST_EXPORT_CONSENT, RECIPIENT, CONTENT_ROLES, tlp=NOT_RED,
          why="a recipient asks the provider's consent before taking the thread out as a file"),
    _rule(Action.DECIDE_DISSEMINATION, ORIGINATOR_RED, DECIDERS,
          why="the sending desk decides on its RED thread"),
    _rule(Action.DECIDE_DISSEMINATION, ORIGINATOR, DECIDERS, tlp=NOT_RED,
          why="the originating agency decides on onward dissemination and export"),
    # Export: RED never leaves; the provider may export its own; others need consent
    # for anything above H0.
    _rule(Action.EXPORT, frozenset(Relation), frozenset(Role), Effect.DENY,
          tlp=frozenset({Tlp.RED}), why="RED is never exported"),
    _rule(Action.EXPORT, ON_THREAD, CONTENT_ROLES, handling=frozenset({HandlingCode.H0}),
          why="H0 may be exported by anyone who may read it"),
    _rule(Action.EXPORT, ORIGINATOR, CONTENT_ROLES,
          why="the provider may export its own information"),
    _rule(Action.EXPORT, RECIPIENT, CONTENT_ROLES, Effect.WITH_CONSENT,
          why="H1 and above leave the platform only with the provider's recorded consent"),
    # A DPO's inspection: any agency on the thread, any marking; the originator is told.
    _rule(Action.INSPECT, frozenset({Relation.ORIGINATOR_AGENCY, Relation.RECIPIENT_AGENCY}),
          frozenset({Role.DATA_PROTECTION_OFFICER}),
          why="a DPO of an agency on the thread may look into it on their own authority"),
)  # fmt: skip


def rule_for(
    action: Action, tlp: Tlp, handling: HandlingCode, relation: Relation, role: Role
) -> Rule | None:
    """The first rule covering this one combination, or None (which means deny)."""
    for rule in RULES:
        if (
            rule.action is action
            and tlp in rule.tlp
            and handling in rule.handling
            and relation in rule.relations
            and role in rule.roles
        ):
            return rule
    return None


def effect_of(
    action: Action,
    tlp: Tlp,
    handling: HandlingCode,
    relations: Iterable[Relation],
    roles: Iterable[Role],
) -> Effect:
    """The most permissive effect any of the user's relation and role pairs earns."""
    best = Effect.DENY
    for relation in relations:
        for role in roles:
            rule = rule_for(action, tlp, handling, relation, role)
            if rule is None or rule.effect is Effect.DENY:
                continue
            if rule.effect is Effect.ALLOW:
                return Effect.ALLOW
            best = Effect.WITH_CONSENT
    return best


def may(
    action: Action,
    tlp: Tlp,
    handling: HandlingCode,
    relations: Iterable[Relation],
    roles: Iterable[Role],
) -> bool:
    return effect_of(action, tlp, handling, relations, roles) is Effect.ALLOW


# Whether a thread may be listed or opened does not depend on its handling code (that
# governs use and onward sharing), which lets the inbox filter on TLP alone in SQL.
LISTING_ACTIONS = frozenset({Action.READ_METADATA, Action.READ_CONTENT})


def allowed_tlps(action: Action, relation: Relation, roles: Iterable[Role]) -> frozenset[Tlp]:
    """The TLP levels at which this relation earns `action` for one of these roles."""
    if action not in LISTING_ACTIONS:
        raise ValueError(f"{action} depends on the handling code; decide it thread by thread")
    role_list = list(roles)
    return frozenset(
        tlp for tlp in Tlp if may(action, tlp, HandlingCode.H0, (relation,), role_list)
    )


# The roles to which some rule grants anything through an inspection: for anyone else,
# whether an inspection runs changes no decision, and need not be read.
INSPECTING_ROLES = frozenset(
    role
    for rule in RULES
    if Relation.INSPECTING in rule.relations and rule.effect is not Effect.DENY
    for role in rule.roles
)


# Thread-independent permissions.
def may_send(roles: Iterable[Role]) -> bool:
    return not SENDERS.isdisjoint(roles)
