"""The kinds of subject the screening service knows, each registered once by the feature
that holds its subjects.

A kind says why its subjects are screened, what they may be screened against, how the
hits on them are marked, and how long a subject that hit nothing is kept; its `Holder`
answers for the subjects' own rows: their safeguards, their particulars (opened only
for the candidates of a screening), their references and who is told of their hits.
Everything else, the rules included, is the service's, the same for every kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from interagency.db import UnitOfWork
from interagency.identity.principals import Caller
from interagency.markings import HandlingCode, Tlp
from interagency.records.models import Hit
from interagency.records.particulars import Particulars
from interagency.records.policy import Safeguards
from interagency.screening.models import Screened
from interagency.vault import Vault


class Holder(Protocol):
    """What the feature that holds a kind's subjects answers for them, by `ref`."""

    def safeguards(
        self, uow: UnitOfWork, refs: Sequence[int], *, fresh: bool = False
    ) -> Mapping[int, Safeguards]:
        """The safeguards of each subject that exists; `fresh` reads the rows again from
        the database (under the screening lock, after another transaction committed)."""
        ...

    def particulars(
        self, uow: UnitOfWork, vault: Vault, refs: Sequence[int]
    ) -> Mapping[int, Particulars]:
        """The subjects' particulars, opened (audited by the caller); those erased are left
        out."""
        ...

    def references(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, str]:
        """How the holding agency names each subject on its pages (never a name)."""
        ...

    def told(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, frozenset[int]]:
        """The users of the holding agency to tell of a hit on each subject."""
        ...

    def forget(self, uow: UnitOfWork, refs: Sequence[int]) -> None:
        """Deletes the subjects' own rows: their retention ended without a hit."""
        ...


@dataclass(frozen=True)
class SubjectKind:
    name: str  # stored in `Subject.kind`; never renamed
    purpose: str  # why its subjects are screened, as the data protection officer reads it
    screened_against: frozenset[str]  # the kinds its subjects are compared with
    holder: Holder
    # How a hit on a subject of this kind is marked when it leaves through the export gate.
    tlp: Tlp = Tlp.AMBER_STRICT
    handling: HandlingCode = HandlingCode.H2
    # How long after its last screening a subject that hit nothing is deleted; None: the
    # holding feature keeps it under its own review dates (records are), or sweeps it under
    # its own setting (`service.sweep_retention`'s `retention`: border crossings).
    retention: timedelta | None = None
    # How the audit trail names a subject of the kind, and its screenings.
    object_kind: str = "subject"
    screen_action: str = "screening:screen"
    # Its refs are rows of `records`: its hits also carry the record's id, which the
    # records' own pages and the requests for details read.
    record_rows: bool = False
    # Who checks a hit of a subject of this kind on another: the side holding the found
    # subject's full data (records), or the searching side, which holds the subject
    # screened and compares it with what the engine says agreed (a border crossing: the
    # officer has the traveller and the document). The other side sees only the
    # reference, the band and the date.
    checked_by_searcher: bool = False
    # The searching side learns of a hit only once the holder confirmed it (an
    # accreditation's host): until then the hit does not exist for it.
    searcher_waits_for_check: bool = False
    # Called in the checking transaction when a person confirmed such a hit.
    on_confirmed: Callable[[UnitOfWork, Caller, Hit], object] | None = None
    # Narrows, at every screening, the candidates its subjects meet beyond the kinds they
    # are screened against: given the subjects screened and the candidates found for each
    # (by subject id), the ids of those each may meet, by subject id (an accreditation
    # applicant meets only the records opted in for its event). Given the candidates, it
    # reads only what concerns them, however many subjects the narrowing allows. None:
    # every candidate of those kinds.
    candidates_within: (
        Callable[
            [UnitOfWork, Sequence[Screened], Mapping[int, Sequence[Screened]]],
            Mapping[int, frozenset[int]],
        ]
        | None
    ) = None


_KINDS: dict[str, SubjectKind] = {}


def register(kind: SubjectKind) -> SubjectKind:
    """Adds a kind; registering another kind under a name taken is a programming error."""
    known = _KINDS.get(kind.name)
    if known is not None and known != kind:
        raise ValueError(f"subject kind {kind.name!r} is registered already")
    unknown = kind.screened_against - {*_KINDS, kind.name}
    if unknown:
        raise ValueError(f"{kind.name!r} is screened against unknown kinds: {sorted(unknown)}")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Removes a kind (a test's own stand-in, when the test ends)."""
    _KINDS.pop(name, None)


def _registered() -> dict[str, SubjectKind]:
    # Each feature registers its kinds when imported; `kinds` imports them all, here
    # rather than at the top because they import this module.
    from interagency.screening import kinds  # noqa: F401

    return _KINDS


def kind_of(name: str) -> SubjectKind:
    """Raises LookupError for a kind nobody registered (a row left by removed code)."""
    try:
        return _registered()[name]
    except KeyError:
        raise LookupError(f"no subject kind {name!r} is registered") from None


def kinds() -> tuple[SubjectKind, ...]:
    return tuple(_registered().values())
