"""Finding the agency's own person records by name, in any script, standard or order.

A name has nothing else to be checked against, so it is scored by the name-only score
(`matching.names_alone`): the probability that the two names are one person's on the
names alone, at even prior odds. Only the searcher's own agency's records are searched:
a name alone never makes a hit on another agency's record (see `records.comparison`),
and a search must not become a way around that rule.

The names are sealed, so the search runs on their blind index (`records.name_index`):
the query's keys find the candidates; only those are opened and scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import func, select

from interagency import audit
from interagency.db import UnitOfWork
from interagency.errors import InvalidInput
from interagency.i18n import lazy
from interagency.identity.principals import Caller
from interagency.matching import name_similarity
from interagency.matching.names.search import search_keys
from interagency.records.models import Record, RecordKind, RecordNameTerm, SubjectCategory
from interagency.records.name_index import name_of
from interagency.records.particulars import PersonParticulars
from interagency.records.policy import Action
from interagency.records.sealing import open_particulars
from interagency.records.services import KIND, require_own
from interagency.vault import Vault

MAX_QUERY: Final = 200
# Names shown, most probable first, and the least probability worth showing: below it
# the names speak clearly against one person (a shared surname alone scores about 0.8).
SHOWN: Final = 50
SHOWN_FROM: Final = 0.2
# Candidates opened and scored, those sharing the most keys with the query first; a
# common surname alone would otherwise open a large share of the records.
CANDIDATES: Final = 2_000


@dataclass(frozen=True, slots=True)
class NameMatch:
    """One of the agency's person records, and how likely its name is the query's."""

    record_id: str  # the record's public reference
    name: str  # as the officer wrote it
    birth_date: str
    subject_category: SubjectCategory
    probability: float


def search(uow: UnitOfWork, caller: Caller, vault: Vault, name: str) -> list[NameMatch]:
    """The agency's person records whose name may be `name`, most probable first. The
    search and the records it shows are audited."""
    principal = require_own(uow, caller, Action.VIEW)
    text = " ".join(name.split())
    keys = search_keys(text) if len(text) <= MAX_QUERY else frozenset()
    if not keys:
        raise InvalidInput(
            lazy(
                "Search for a name of up to {most} characters, with a word of two letters or more."
            ),
            most=MAX_QUERY,
        )
    terms = vault.name_terms(uow.session, principal.agency_id, keys)
    found = [
        match
        for record in _candidates(uow, principal.agency_id, sorted(terms))
        if (match := _scored(uow, vault, record, text)) is not None
    ]
    found.sort(key=lambda m: (-m.probability, m.record_id))
    shown = found[:SHOWN]
    audit.record(
        uow,
        caller.event(
            "records:record:search",
            object_kind=KIND,
            detail={"ids": [m.record_id for m in shown], "candidates": len(found)},
            personal={"query": text},
        ),
    )
    return shown


def _candidates(uow: UnitOfWork, agency_id: int, terms: list[str]) -> Sequence[Record]:
    shared = func.count().label("shared")
    ranked = (
        select(RecordNameTerm.record_id, shared)
        .where(RecordNameTerm.agency_id == agency_id, RecordNameTerm.term.in_(terms))
        .group_by(RecordNameTerm.record_id)
        .order_by(shared.desc(), RecordNameTerm.record_id)
        .limit(CANDIDATES)
    )
    ids = list(uow.session.scalars(select(ranked.subquery().c.record_id)))
    if not ids:
        return []
    return uow.session.scalars(
        select(Record).where(
            Record.id.in_(ids),
            # The index is the agency's own; checked again on the records themselves.
            Record.owner_agency_id == agency_id,
            Record.kind == RecordKind.PERSON.value,
            Record.erased_at.is_(None),
        )
    ).all()


def _scored(uow: UnitOfWork, vault: Vault, record: Record, query: str) -> NameMatch | None:
    person = open_particulars(uow, vault, record)
    if not isinstance(person, PersonParticulars):
        return None
    written = name_of(person)
    probability = name_similarity(query, written)
    if probability < SHOWN_FROM:
        return None
    return NameMatch(
        record.public_id,
        written,
        person.birth_date,
        SubjectCategory(record.subject_category),
        round(probability, 3),
    )
