"""Handling codes and TLP 2.0 markings: what every shared item carries, in every feature.

Orders matter: a reply or a copy may never be marked less strictly than what it comes
from, so the handling codes H0 < H1 < H2 and the TLP levels are ranked here, once.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from interagency.vault.columns import SealedText


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


# Evaluation (EU 4x4): how reliable the source is, and how far the information is confirmed.
class SourceGrade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    X = "X"


class InformationGrade(StrEnum):
    ONE = "1"
    TWO = "2"
    THREE = "3"
    FOUR = "4"


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


def one_of(column: str, values: type[StrEnum]) -> str:
    """The SQL of a check that `column` holds one of the enumeration's values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def marking_checks() -> tuple[CheckConstraint, ...]:
    """The checks of a table whose rows carry a marking (`Marked`)."""
    return (
        CheckConstraint(one_of("handling_code", HandlingCode), name="handling_known"),
        CheckConstraint(one_of("tlp", Tlp), name="tlp_known"),
        # H3 means "other restrictions": they must be written down, or nobody can honour them.
        CheckConstraint(
            "handling_code <> 'H3' OR handling_note_sealed IS NOT NULL",
            name="h3_states_restriction",
        ),
    )


class Marked:
    """Columns of a row that carries a marking: handling code (H3 with its restriction in
    words) and TLP distribution. The restriction is free text, sealed like the rest of the
    row's texts: a marked model is also `vault.columns.Sealed`."""

    handling_code: Mapped[str] = mapped_column(String(2))
    handling_note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    handling_note = SealedText[str | None]()
    tlp: Mapped[str] = mapped_column(String(16))
