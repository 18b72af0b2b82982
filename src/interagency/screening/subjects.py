"""Subjects: their rows, their keys, and what the safeguards read of them, whatever their
kind (each kind's `Holder` answers for its own rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import InstrumentedAttribute

from interagency.db import UnitOfWork
from interagency.records.particulars import Particulars
from interagency.records.policy import Safeguards
from interagency.screening import keys, registry
from interagency.screening.models import Screened, Subject, SubjectKey
from interagency.screening.registry import SubjectKind
from interagency.vault import Vault

_CHUNK: Final = 5000
_Subject = TypeVar("_Subject", bound=Screened)


@dataclass(frozen=True, slots=True)
class Entry:
    """One of a kind's rows as the service enrols it."""

    ref: int
    owner_agency_id: int
    matches_as: str
    particulars: Particulars | None  # None: erased, found by nothing


def enrol(
    uow: UnitOfWork, vault: Vault, kind: SubjectKind, entries: Sequence[Entry]
) -> dict[int, Subject]:
    """The subjects of the kind's rows by ref, made on first enrolment, and their keys
    rewritten from the particulars given (if anything is screened against the kind).
    Many at once cost three statements."""
    found = of_refs(uow, kind, [e.ref for e in entries])
    changed = [found[e.ref].id for e in entries if e.ref in found]
    made = [
        Subject(
            kind=kind.name, ref=e.ref, owner_agency_id=e.owner_agency_id, matches_as=e.matches_as
        )
        for e in entries
        if e.ref not in found
    ]
    uow.session.add_all(made)
    uow.session.flush()
    found.update((s.ref, s) for s in made)
    for start in range(0, len(changed), _CHUNK):
        chunk = changed[start : start + _CHUNK]
        uow.write(delete(SubjectKey).where(SubjectKey.subject_id.in_(chunk)))
    # A kind nothing is screened against (border crossings) is found by nothing: its
    # subjects get no keys, which would only be one more trace of them.
    searched = any(kind.name in other.screened_against for other in registry.kinds())
    rows = [
        {"term": term, "subject_id": found[e.ref].id}
        for e in entries
        if e.particulars is not None and searched
        for term in sorted(
            vault.matching_terms(uow.session, keys.stored_texts(e.matches_as, e.particulars))
        )
    ]
    if rows:
        uow.write(insert(SubjectKey), rows)
    return found


def forget_keys(uow: UnitOfWork, kind: SubjectKind, ref: int) -> None:
    """After an erasure: the subject stays (hits still point to it), found by nothing."""
    subject = of_refs(uow, kind, [ref]).get(ref)
    if subject is not None:
        uow.write(delete(SubjectKey).where(SubjectKey.subject_id == subject.id))


def of_refs(uow: UnitOfWork, kind: SubjectKind, refs: Sequence[int]) -> dict[int, Subject]:
    found = _chunked(uow, Subject.ref, refs, Subject.kind == kind.name)
    return {s.ref: s for s in found}


def of_ids(uow: UnitOfWork, ids: Iterable[int]) -> list[Subject]:
    return _chunked(uow, Subject.id, ids)


def _chunked(
    uow: UnitOfWork, column: InstrumentedAttribute[int], values: Iterable[int], *where: Any
) -> list[Subject]:
    """The subjects whose `column` is one of `values`, read a bounded list at a time."""
    ordered = sorted(set(values))
    found: list[Subject] = []
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        found.extend(uow.session.scalars(select(Subject).where(column.in_(chunk), *where)))
    return found


def by_kind(subjects: Iterable[_Subject]) -> dict[str, list[_Subject]]:
    grouped: dict[str, list[_Subject]] = defaultdict(list)
    for subject in subjects:
        grouped[subject.kind].append(subject)
    return grouped


def safeguards_of(
    uow: UnitOfWork, subjects: Iterable[Subject], *, fresh: bool = False
) -> dict[int, Safeguards]:
    """What the safeguards read of each subject, by subject id; a subject whose row is
    gone is left out (nothing may pair with it)."""
    found: dict[int, Safeguards] = {}
    for name, group in by_kind(subjects).items():
        held = registry.kind_of(name).holder.safeguards(uow, [s.ref for s in group], fresh=fresh)
        found.update((s.id, held[s.ref]) for s in group if s.ref in held)
    return found


def opened(uow: UnitOfWork, vault: Vault, subjects: Iterable[Subject]) -> dict[int, Particulars]:
    """The subjects' particulars by subject id: the only personal data a screening opens."""
    found: dict[int, Particulars] = {}
    for name, group in by_kind(subjects).items():
        held = registry.kind_of(name).holder.particulars(uow, vault, [s.ref for s in group])
        found.update((s.id, held[s.ref]) for s in group if s.ref in held)
    return found
