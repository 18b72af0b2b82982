"""What may leave, by how it leaves, where it goes and how it is marked: one table, read
top to bottom, deny by default. Below it, the table of who keeps the gate's own rows
(third parties, consents, subscriptions).

The gate applies this table on top of the feature's own policy (which says whether this
reader may export this object at all, and whether the provider's consent is needed), of
the records' safeguards and of the handling code's conditions; the first rule whose
columns all match decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from interagency.egress.doors import Leaves
from interagency.egress.models import DestinationKind
from interagency.i18n import lazy
from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import Principal
from interagency.markings import Tlp


class Outcome(StrEnum):
    DENY = "deny"
    # As the feature's policy says (its ALLOW, or its consent rule with a recorded consent).
    FEATURE = "feature"
    # Only the owning agency itself sends its data there.
    OWNER_ONLY = "owner_only"
    # The owner's recorded consent for this destination, unless the reader is the owner.
    OWNER_CONSENT = "owner_consent"


ALL_TLP = frozenset(Tlp)
ALL_LEAVES = frozenset(Leaves)
ALL_DESTINATIONS = frozenset(DestinationKind)
NOT_SHARED_ONWARD = frozenset({Tlp.RED, Tlp.AMBER_STRICT})


@dataclass(frozen=True)
class Rule:
    leaves: frozenset[Leaves]
    destinations: frozenset[DestinationKind]
    tlp: frozenset[Tlp]
    outcome: Outcome
    why: str


def _rule(
    leaves: frozenset[Leaves] | Leaves,
    destinations: frozenset[DestinationKind] | DestinationKind,
    tlp: frozenset[Tlp],
    outcome: Outcome,
    why: str,
) -> Rule:
    ways = leaves if isinstance(leaves, frozenset) else frozenset({leaves})
    places = destinations if isinstance(destinations, frozenset) else frozenset({destinations})
    return Rule(ways, places, tlp, outcome, why)


RULES: tuple[Rule, ...] = (
    _rule(Leaves.COPY, ALL_DESTINATIONS, frozenset({Tlp.RED}), Outcome.DENY,
          lazy("RED is never copied out of the platform")),
    _rule(ALL_LEAVES, DestinationKind.THIRD_PARTY, NOT_SHARED_ONWARD, Outcome.DENY,
          lazy("RED and AMBER+STRICT stay inside the agencies the originator chose")),
    _rule(frozenset({Leaves.COPY, Leaves.BULK_READ}), DestinationKind.THIRD_PARTY, ALL_TLP,
          Outcome.OWNER_CONSENT,
          lazy("another agency's data goes to a third party only with that agency's consent "
               "for that destination, and only on the legal basis the secretariat entered")),
    _rule(Leaves.CROSSING, DestinationKind.AGENCY, ALL_TLP, Outcome.OWNER_ONLY,
          lazy("only the owning agency sends its data to another agency")),
    _rule(frozenset({Leaves.COPY, Leaves.ORIGINAL, Leaves.BULK_READ}), DestinationKind.READER,
          ALL_TLP, Outcome.FEATURE,
          lazy("for the reader's own agency, what the feature's policy allows this reader")),
)  # fmt: skip


def rule_for(leaves: Leaves, destination: DestinationKind, tlp: Tlp) -> Rule | None:
    """The first rule covering this combination, or None (which means deny)."""
    for rule in RULES:
        if leaves in rule.leaves and destination in rule.destinations and tlp in rule.tlp:
            return rule
    return None


# --- who keeps the gate's own tables ------------------------------------------------------
#
# Third parties, consents and subscriptions: one table of roles and relations, read like
# the council's (a permission is a role *and* a relation to the row), deny by default.


class Action(StrEnum):
    VIEW_RULES = "egress:rules:view"  # the doors and the marking table above
    LIST_THIRD_PARTIES = "egress:third-party:list"
    READ_LEGAL_BASIS = "egress:third-party:legal-basis"
    REGISTER_THIRD_PARTY = "egress:third-party:register"
    WITHDRAW_THIRD_PARTY = "egress:third-party:withdraw"
    LIST_CONSENTS = "egress:consent:list"
    RECORD_CONSENT = "egress:consent:record"
    WITHDRAW_CONSENT = "egress:consent:withdraw"
    LIST_SUBSCRIPTIONS = "egress:subscription:list"
    ASK_SUBSCRIPTION = "egress:subscription:ask"
    DECIDE_SUBSCRIPTION = "egress:subscription:decide"
    END_SUBSCRIPTION = "egress:subscription:end"


class Relation(StrEnum):
    SIGNED_IN = "signed-in"  # anyone with an account: the rules hold for all of them
    SECRETARIAT = "secretariat"  # works for the council's secretariat
    OWN_AGENCY = "own-agency"  # the consent's owner, or the subscription's reading agency
    ASKER = "asker"  # asked for the subscription
    READER = "reader"  # reads under the subscription
    REACHED = "reached"  # the subscription has read data of the user's agency


@dataclass(frozen=True)
class Subject:
    """What the table needs to know of a row: whose it is and who stands where to it."""

    agency_id: int | None = None
    asked_by: int | None = None
    reader: int | None = None
    reached: frozenset[int] = frozenset()


NOTHING: Final = Subject()

# Those who work with the agencies' content (and so read, export and ask for more).
CONTENT_ROLES: Final = frozenset(
    {Role.LIAISON_OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.SECRETARIAT}
)


def _grant(roles: Iterable[Role], relation: Relation) -> frozenset[tuple[Role, Relation]]:
    return frozenset((role, relation) for role in roles)


_SUPERVISORS_OWN = _grant([Role.SUPERVISOR], Relation.OWN_AGENCY)
_SECRETARIAT = _grant([Role.SECRETARIAT], Relation.SECRETARIAT)

PERMISSIONS: Final[dict[Action, frozenset[tuple[Role, Relation]]]] = {
    # What may leave and how is no secret from anyone who may take something out.
    Action.VIEW_RULES: _grant(Role, Relation.SIGNED_IN),
    Action.LIST_THIRD_PARTIES: _grant(CONTENT_ROLES | {Role.DATA_PROTECTION_OFFICER},
                                      Relation.SIGNED_IN),
    # The legal basis is judged by those who lead and protect an agency, and by its author.
    Action.READ_LEGAL_BASIS: _grant({Role.SECRETARIAT, Role.SUPERVISOR,
                                     Role.DATA_PROTECTION_OFFICER}, Relation.SIGNED_IN),
    # A destination outside the council is the council's decision, entered by its secretariat.
    Action.REGISTER_THIRD_PARTY: _SECRETARIAT,
    Action.WITHDRAW_THIRD_PARTY: _SECRETARIAT,
    # A consent binds the owning agency: its supervisor gives it, its DPO watches it.
    Action.LIST_CONSENTS: _grant({Role.SUPERVISOR, Role.DATA_PROTECTION_OFFICER},
                                 Relation.OWN_AGENCY),
    Action.RECORD_CONSENT: _SUPERVISORS_OWN,
    Action.WITHDRAW_CONSENT: _SUPERVISORS_OWN,
    # A subscription is seen by the reading agency's supervisors and DPOs, by its asker,
    # and by the DPOs of every agency whose data it has read.
    Action.LIST_SUBSCRIPTIONS: _grant({Role.SUPERVISOR, Role.DATA_PROTECTION_OFFICER},
                                      Relation.OWN_AGENCY)
    | _grant(CONTENT_ROLES, Relation.ASKER)
    | _grant([Role.DATA_PROTECTION_OFFICER], Relation.REACHED),
    Action.ASK_SUBSCRIPTION: _grant(CONTENT_ROLES, Relation.OWN_AGENCY),
    Action.DECIDE_SUBSCRIPTION: _SUPERVISORS_OWN,
    Action.END_SUBSCRIPTION: _grant(CONTENT_ROLES, Relation.ASKER) | _SUPERVISORS_OWN,
}  # fmt: skip

# Relations that take an action away whatever the roles grant.
BARRED: Final[dict[Action, frozenset[Relation]]] = {
    # Four eyes: neither the one who asked nor the one who will read approves.
    Action.DECIDE_SUBSCRIPTION: frozenset({Relation.ASKER, Relation.READER}),
}


def relations(principal: Principal, subject: Subject = NOTHING) -> frozenset[Relation]:
    """The principal's relations to the row `subject` describes."""
    found = {Relation.SIGNED_IN}
    if principal.agency_kind is AgencyKind.SECRETARIAT:
        found.add(Relation.SECRETARIAT)
    if subject.agency_id is not None and subject.agency_id == principal.agency_id:
        found.add(Relation.OWN_AGENCY)
    if subject.asked_by is not None and subject.asked_by == principal.user_id:
        found.add(Relation.ASKER)
    if subject.reader is not None and subject.reader == principal.user_id:
        found.add(Relation.READER)
    if principal.agency_id in subject.reached:
        found.add(Relation.REACHED)
    return frozenset(found)


def allowed(principal: Principal, action: Action, subject: Subject = NOTHING) -> bool:
    """True when one of the principal's roles, in one of their relations, is listed for the
    action and none of their relations bars it."""
    mine = relations(principal, subject)
    if mine & BARRED.get(action, frozenset()):
        return False
    granted = PERMISSIONS.get(action, frozenset())
    return any((role, relation) in granted for role in principal.roles for relation in mine)


def takes_part(principal: Principal, action: Action) -> bool:
    """Whether some row could let the principal do `action`: checked before a row is looked
    up, so that nobody without the role learns which rows exist."""
    return any(role in principal.roles for role, _ in PERMISSIONS.get(action, frozenset()))
