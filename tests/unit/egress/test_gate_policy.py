"""The gate's table of markings and destinations (`egress.policy.RULES`), read back cell by
cell against what the rules say in words:

- RED is never copied out of the platform;
- RED and AMBER+STRICT never reach a third party;
- another agency's data goes to a third party only with its consent for that destination;
- only the owning agency sends its data across to another agency;
- for the reader's own agency, the feature's own policy decides.

A combination the table does not match is refused; the only ones left unmatched (or
matched only by a rule that denies) are the destinations a way of leaving never offers,
each named below with its reason.
"""

from __future__ import annotations

from itertools import product

import pytest

from interagency.egress import DOORS, DestinationKind, Leaves
from interagency.egress.gate import DESTINATIONS
from interagency.egress.policy import RULES, Outcome, rule_for
from interagency.markings import Tlp

READER = DestinationKind.READER
AGENCY = DestinationKind.AGENCY
THIRD_PARTY = DestinationKind.THIRD_PARTY
DENY = Outcome.DENY
FEATURE = Outcome.FEATURE
OWNER_ONLY = Outcome.OWNER_ONLY
OWNER_CONSENT = Outcome.OWNER_CONSENT


def _by_tlp(default: Outcome, **exceptions: Outcome) -> dict[Tlp, Outcome]:
    found = dict.fromkeys(Tlp, default)
    found.update({Tlp[name]: outcome for name, outcome in exceptions.items()})
    return found


# The outcome of every combination a way of leaving offers, written from the rules above.
EXPECTED: dict[tuple[Leaves, DestinationKind], dict[Tlp, Outcome]] = {
    (Leaves.COPY, READER): _by_tlp(FEATURE, RED=DENY),
    (Leaves.COPY, THIRD_PARTY): _by_tlp(OWNER_CONSENT, RED=DENY, AMBER_STRICT=DENY),
    (Leaves.ORIGINAL, READER): _by_tlp(FEATURE),
    (Leaves.CROSSING, AGENCY): _by_tlp(OWNER_ONLY),
    (Leaves.BULK_READ, READER): _by_tlp(FEATURE),
    (Leaves.BULK_READ, THIRD_PARTY): _by_tlp(OWNER_CONSENT, RED=DENY, AMBER_STRICT=DENY),
}

# Destinations a way of leaving never goes to, and why the table has no row for them.
UNMATCHED: dict[tuple[Leaves, DestinationKind], str] = {
    (Leaves.COPY, AGENCY): "a copy for another agency is a crossing, made by its owner",
    (Leaves.ORIGINAL, AGENCY): "an original is read on the platform by a reader of its thread",
    (Leaves.ORIGINAL, THIRD_PARTY): "an original never leaves the council; a copy does",
    (Leaves.CROSSING, READER): "a crossing goes to another agency, not to the reader's own",
    (Leaves.CROSSING, THIRD_PARTY): "a body outside the council is not on the platform",
    (Leaves.BULK_READ, AGENCY): "a bulk read is the reader's; nothing is read for another agency",
}

COMBINATIONS = list(product(Leaves, DestinationKind, Tlp))


def test_the_two_tables_together_name_every_way_and_destination_once() -> None:
    named = set(EXPECTED) | set(UNMATCHED)
    assert not set(EXPECTED) & set(UNMATCHED)
    assert named == set(product(Leaves, DestinationKind))
    assert all(reason.strip() for reason in UNMATCHED.values())


@pytest.mark.parametrize(
    ("leaves", "destination", "tlp"),
    COMBINATIONS,
    ids=[f"{leaves}-{destination}-{tlp}" for leaves, destination, tlp in COMBINATIONS],
)
def test_every_combination_has_its_rule_or_is_intentionally_unmatched(
    leaves: Leaves, destination: DestinationKind, tlp: Tlp
) -> None:
    rule = rule_for(leaves, destination, tlp)
    if (leaves, destination) in UNMATCHED:
        # A rule that denies for every way (RED to a third party) may cover it too.
        assert rule is None or rule.outcome is DENY, f"{leaves} to {destination} is let out"
        return
    assert rule is not None, f"{leaves} to {destination} of TLP:{tlp} matches no rule"
    assert rule.outcome is EXPECTED[leaves, destination][tlp]


def test_every_rule_says_why() -> None:
    assert RULES
    for rule in RULES:
        assert rule.why.strip(), rule


def test_every_rule_decides_something() -> None:
    """A rule that no combination reaches first (hidden by the ones above it) is dead."""
    deciding = {id(rule_for(leaves, destination, tlp)) for leaves, destination, tlp in COMBINATIONS}
    assert [rule.why for rule in RULES if id(rule) not in deciding] == []


def test_every_way_of_leaving_has_its_destinations_and_they_match_the_table() -> None:
    assert set(DESTINATIONS) == set(Leaves)
    for leaves in Leaves:
        assert DESTINATIONS[leaves], f"{leaves} goes nowhere"
        offered = {destination for (way, destination) in EXPECTED if way is leaves}
        assert DESTINATIONS[leaves] == offered


def test_every_door_leaves_in_a_known_way_with_formats_routes_and_a_summary() -> None:
    for door, spec in DOORS.items():
        assert spec.door is door
        assert spec.leaves in DESTINATIONS
        assert spec.formats, door
        assert spec.routes, door
        assert spec.summary.strip(), door
        for method, path in spec.routes:
            assert method in {"GET", "POST"}, (door, method)
            assert path.startswith("/"), (door, path)
