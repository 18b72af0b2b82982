"""Subjects: their rows, their keys, and what the safeguards read of them, whatever their
kind (each kind's `Holder` answers for its own rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import InstrumentedAttribute

from interagency.db import UnitOfWork, one_of
from interagency.matching.screen.levels import Keys
from interagency.records.particulars import Particulars, PersonParticulars
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
    """The subjects of the kind's rows by ref, made on first enrolment, and their keys and
    features rewritten from the particulars given (if anything is screened against the
    kind). Many at once cost a few statements."""
    found = of_refs(uow, kind, [e.ref for e in entries])
    changed = [found[e.ref].id for e in entries if e.ref in found]
    # A kind nothing is screened against (border crossings) is found by nothing: its
    # subjects get no keys and no features, which would only be more traces of them.
    searched = any(kind.name in other.screened_against for other in registry.kinds())
    features = {
        e.ref: keys.features_of(e.particulars)
        for e in entries
        if searched and isinstance(e.particulars, PersonParticulars)
    }
    # Sealed under the holder the subject's row names, which `compared` opens them with.
    holders = {e.ref: found[e.ref].owner_agency_id if e.ref in found else e.owner_agency_id
               for e in entries}  # fmt: skip
    sealed = {
        e.ref: vault.seal_text(
            uow.session,
            holders[e.ref],
            keys.features_text(features[e.ref]),
            context=features_context(kind.name, e.ref),
        )
        for e in entries
        if e.ref in features
    }
    for e in entries:
        if e.ref in found:
            found[e.ref].features_sealed = sealed.get(e.ref)
    made = [
        Subject(
            kind=kind.name,
            ref=e.ref,
            owner_agency_id=e.owner_agency_id,
            matches_as=e.matches_as,
            features_sealed=sealed.get(e.ref),
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
    rows = [
        {"term": term, "subject_id": found[e.ref].id}
        for e in entries
        if e.particulars is not None and searched
        for term in sorted(
            vault.matching_terms(
                uow.session, keys.stored_texts(e.matches_as, e.particulars, features.get(e.ref))
            )
        )
    ]
    if rows:
        uow.write(insert(SubjectKey), rows)
    return found


def features_context(kind: str, ref: int) -> str:
    """Where a subject's sealed features belong: they open for that subject alone."""
    return f"screening:{kind}:{ref}:features"


def forget_keys(uow: UnitOfWork, kind: SubjectKind, ref: int) -> None:
    """After an erasure: the subject stays (hits still point to it), found by nothing and
    compared by nothing."""
    subject = of_refs(uow, kind, [ref]).get(ref)
    if subject is not None:
        uow.write(delete(SubjectKey).where(SubjectKey.subject_id == subject.id))
        subject.features_sealed = None


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
        found.extend(
            uow.session.scalars(select(Subject).where(one_of(uow.session, column, chunk), *where))
        )
    return found


def by_kind(subjects: Iterable[_Subject]) -> dict[str, list[_Subject]]:
    grouped: dict[str, list[_Subject]] = defaultdict(list)
    for subject in subjects:
        grouped[subject.kind].append(subject)
    return grouped


def safeguards_of(
    uow: UnitOfWork, subjects: Iterable[Screened], *, fresh: bool = False
) -> dict[int, Safeguards]:
    """What the safeguards read of each subject, by subject id; a subject whose row is
    gone is left out (nothing may pair with it)."""
    found: dict[int, Safeguards] = {}
    for name, group in by_kind(subjects).items():
        held = registry.kind_of(name).holder.safeguards(uow, [s.ref for s in group], fresh=fresh)
        found.update((s.id, held[s.ref]) for s in group if s.ref in held)
    return found


def compared(
    uow: UnitOfWork, vault: Vault, subjects: Iterable[Screened]
) -> dict[int, Keys | Particulars]:
    """What each subject is compared by, by subject id: a person's features as sealed with
    its keys (or, for one enrolled before they were, analysed from its particulars), the
    particulars of anything else. A subject whose particulars are gone is left out."""
    wanted = {subject.id: subject for subject in subjects}
    found: dict[int, Keys | Particulars] = {}
    persons = sorted(i for i, subject in wanted.items() if subject.matches_as == "person")
    for start in range(0, len(persons), _CHUNK):
        rows = uow.session.execute(
            select(Subject.id, Subject.kind, Subject.ref, Subject.owner_agency_id,
                   Subject.features_sealed)
            .where(one_of(uow.session, Subject.id, persons[start : start + _CHUNK]),
                   Subject.features_sealed.is_not(None))
        )  # fmt: skip
        for subject_id, kind, ref, owner_agency_id, sealed in rows:
            assert sealed is not None  # (read only where it is)
            text = vault.open_text(
                uow.session, owner_agency_id, sealed, context=features_context(kind, ref)
            )
            features = keys.features_from_text(subject_id, text)
            if features is not None:
                found[subject_id] = features
    rest = [subject for subject_id, subject in wanted.items() if subject_id not in found]
    for subject_id, particulars in opened(uow, vault, rest).items():
        if isinstance(particulars, PersonParticulars):
            found[subject_id] = keys.features_of(particulars, subject_id)
        else:
            found[subject_id] = particulars
    return found


def opened(uow: UnitOfWork, vault: Vault, subjects: Iterable[Screened]) -> dict[int, Particulars]:
    """The subjects' particulars by subject id: the only personal data a screening opens."""
    found: dict[int, Particulars] = {}
    for name, group in by_kind(subjects).items():
        held = registry.kind_of(name).holder.particulars(uow, vault, [s.ref for s in group])
        found.update((s.id, held[s.ref]) for s in group if s.ref in held)
    return found
