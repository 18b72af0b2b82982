"""What may leave, by how it leaves, where it goes and how it is marked: one table, read
top to bottom, deny by default.

The gate applies this table on top of the feature's own policy (which says whether this
reader may export this object at all, and whether the provider's consent is needed), of
the records' safeguards and of the handling code's conditions; the first rule whose
columns all match decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from interagency.egress.doors import Leaves
from interagency.egress.models import DestinationKind
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
          "RED is never copied out of the platform"),
    _rule(ALL_LEAVES, DestinationKind.THIRD_PARTY, NOT_SHARED_ONWARD, Outcome.DENY,
          "RED and AMBER+STRICT stay inside the agencies the originator chose"),
    _rule(frozenset({Leaves.COPY, Leaves.BULK_READ}), DestinationKind.THIRD_PARTY, ALL_TLP,
          Outcome.OWNER_CONSENT,
          "another agency's data goes to a third party only with that agency's consent for "
          "that destination, and only on the legal basis the secretariat entered"),
    _rule(Leaves.CROSSING, DestinationKind.AGENCY, ALL_TLP, Outcome.OWNER_ONLY,
          "only the owning agency sends its data to another agency"),
    _rule(frozenset({Leaves.COPY, Leaves.ORIGINAL, Leaves.BULK_READ}), DestinationKind.READER,
          ALL_TLP, Outcome.FEATURE,
          "for the reader's own agency, what the feature's policy allows this reader"),
)  # fmt: skip


def rule_for(leaves: Leaves, destination: DestinationKind, tlp: Tlp) -> Rule | None:
    """The first rule covering this combination, or None (which means deny)."""
    for rule in RULES:
        if leaves in rule.leaves and destination in rule.destinations and tlp in rule.tlp:
            return rule
    return None
