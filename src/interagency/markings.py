"""Handling codes and TLP 2.0 markings: what every shared item carries, in every feature.

Orders matter: a reply or a copy may never be marked less strictly than what it comes
from, so the handling codes H0 < H1 < H2 and the TLP levels are ranked here, once.
"""

from __future__ import annotations

from enum import StrEnum


class HandlingCode(StrEnum):
    H0 = "H0"  # use only to prevent or combat crime
    H1 = "H1"  # not to be used in judicial proceedings without the provider's permission
    H2 = "H2"  # not to be disseminated without the provider's permission
    H3 = "H3"  # other restrictions, stated in words


class Tlp(StrEnum):
    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"


TLP_ORDER = tuple(Tlp)
# H3 is not above H2: it is another kind of restriction, carried over in words. Its rank
# says only that an item marked H3 keeps H3 (and its text) on everything made from it.
HANDLING_RANK = {HandlingCode.H0: 0, HandlingCode.H1: 1, HandlingCode.H2: 2, HandlingCode.H3: 3}


def tlp_rank(tlp: Tlp) -> int:
    return TLP_ORDER.index(tlp)


def stricter_tlp(a: Tlp, b: Tlp) -> Tlp:
    return a if tlp_rank(a) >= tlp_rank(b) else b


def stricter_handling(a: HandlingCode, b: HandlingCode) -> HandlingCode:
    return a if HANDLING_RANK[a] >= HANDLING_RANK[b] else b
