"""Cross-checking many records of one agency at once, for bulk uploads.

Persons go through the batch engine (`matching.batch.link` on DuckDB): it finds the
candidate pairs among hundreds of thousands of records far faster than one screening a
record. Each pair it proposes is then scored as interactive screening scores it
(`comparison.rescore`), so a record gets the same hits whether it came in a form or in
a file. Documents, vehicles, phones and organisations are looked up by their normalised
identifiers. The safeguards are the same as for one record (`policy.may_pair`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd
from sqlalchemy import select, update

from interagency.db import UnitOfWork, utcnow
from interagency.identity.principals import Caller
from interagency.matching.batch import EngineLimits, link
from interagency.matching.features import person_features
from interagency.matching.screen.index import keys_from_row
from interagency.records import comparison, pairing, screened
from interagency.records.models import Hit, Record, RecordKind, Screening
from interagency.records.particulars import Particulars, PersonParticulars
from interagency.records.policy import Safeguards, found_side_allows, matchable, may_pair
from interagency.records.sealing import open_particulars
from interagency.screening import service as screening
from interagency.screening import subjects
from interagency.vault import Vault

Progress = Callable[[str], None]
_CHUNK: Final = 5000


@dataclass
class Plan:
    """What one batch cross-check compares, read and opened in one short transaction."""

    kind: RecordKind
    searching_ids: list[int]
    guards: dict[int, Safeguards]  # the searching records'
    found_guards: dict[int, Safeguards]  # the other agencies' records that may be found
    queries: dict[int, Particulars]
    found: dict[int, Particulars]


def crosscheck_records(
    uow: UnitOfWork,
    caller: Caller,
    vault: Vault,
    record_ids: Sequence[int],
    progress: Progress | None = None,
    *,
    workers: int = 1,
    limits: EngineLimits | None = None,
) -> list[Hit]:
    """Screens the records (one agency's, one kind) against every other agency's records
    the safeguards allow, records the hits and tells both sides. The caller commits.

    `plan`, `compare` and `record_hits` are the same steps for a caller that runs each in
    its own transaction, so that no write lock is held while the engine works."""
    step = progress or (lambda _: None)
    planned = plan(uow, vault, record_ids, step)
    if planned is None:
        return []
    return record_hits(uow, caller, planned, compare(planned, step, workers, limits), step)


def plan(
    uow: UnitOfWork, vault: Vault, record_ids: Sequence[int], progress: Progress | None = None
) -> Plan | None:
    """Reads the records and the other agencies' records they may meet, and opens them.
    None when there are no records."""
    step = progress or (lambda _: None)
    today = utcnow().date()
    searching = _load(uow, record_ids)
    if not searching:
        return None
    kind = RecordKind(searching[0].kind)
    pairing.lock_screening(uow, kind.value)
    agency_id = searching[0].owner_agency_id
    state_id = pairing.states_of(uow, [agency_id])[agency_id]
    guards = {r.id: pairing.safeguards_of(r, state_id) for r in searching}
    queries = [r for r in searching if matchable(guards[r.id], today)]
    step(f"reading the records of other agencies ({len(queries)} to check)")
    candidates = _candidates(uow, kind, agency_id, today)
    states = pairing.states_of(uow, {c.owner_agency_id for c in candidates})
    found_guards = {c.id: pairing.safeguards_of(c, states[c.owner_agency_id]) for c in candidates}
    # What depends on the found record alone is judged once, not once a pair.
    allowed = [
        c
        for c in candidates
        if found_side_allows(
            found_guards[c.id],
            searching_agency_id=agency_id,
            searching_state_id=state_id,
            today=today,
        )
    ]
    step(f"opening {len(allowed)} records that may be compared")
    return Plan(
        kind=kind,
        searching_ids=[r.id for r in searching],
        guards=guards,
        found_guards={c.id: found_guards[c.id] for c in allowed},
        queries=_open(uow, vault, queries),
        found=_open(uow, vault, allowed),
    )


def compare(
    planned: Plan,
    progress: Progress | None = None,
    workers: int = 1,
    limits: EngineLimits | None = None,
) -> list[tuple[int, comparison.Match]]:
    """The pairs that are hits, as (searching record id, match); no database is used."""
    (progress or (lambda _: None))("comparing")
    if planned.kind is RecordKind.PERSON:
        return _person_pairs(planned.queries, planned.found, workers, limits)
    return _identifier_pairs(planned.queries, planned.found)


def record_hits(
    uow: UnitOfWork,
    caller: Caller,
    planned: Plan,
    pairs: list[tuple[int, comparison.Match]],
    progress: Progress | None = None,
    *,
    alert_probing: bool = True,
) -> list[Hit]:
    """Records the hits of `pairs` and tells both sides. A caller that records one batch's
    hits in several parts passes `alert_probing=False` and alerts once at the end
    (`screening.service.check_near_identical`), or each part would alert again."""
    step = progress or (lambda _: None)
    today = utcnow().date()
    now = utcnow()
    step(f"recording the hits of {len(pairs)} pairs")
    # The plan was read in an earlier transaction: the safeguards are judged again here,
    # under the screening lock, on the records as they are now.
    pairing.lock_screening(uow, planned.kind.value)
    held = screened.subjects_of(uow, list({i for i, _ in pairs} | {m.found_id for _, m in pairs}))
    guards = subjects.safeguards_of(uow, held.values())
    existing = screening.existing_hits_of(uow, [held[i].id for i in {i for i, _ in pairs}])
    hits: list[Hit] = []
    for query_id, match in pairs:
        searching, found = held[query_id], held[match.found_id]
        mine, theirs = guards.get(searching.id), guards.get(found.id)
        if mine is None or theirs is None or not may_pair(mine, theirs, today):
            continue  # e.g. a refugee's record never meets the state they fled
        known = existing.get((searching.id, found.id))
        hits.append(
            screening.store_hit(uow, caller, known, searching, found, (mine, theirs), match, now)
        )
    if hits and alert_probing:
        agency_id = hits[0].searching_agency_id
        screening.check_near_identical(uow, caller, agency_id, (h.found_subject_id for h in hits))
    for start in range(0, len(planned.searching_ids), _CHUNK):
        chunk = planned.searching_ids[start : start + _CHUNK]
        # Not matched against the objects in the session: that costs a pass over
        # every loaded record for each chunk, and none of them is read again here.
        uow.session.execute(
            update(Record).where(Record.id.in_(chunk)).values(screen_pending=False),
            execution_options={"synchronize_session": False},
        )
    counts = Counter(h.searching_record_id for h in hits)
    searched = screened.subjects_of(uow, list(planned.queries))
    uow.session.add_all(
        Screening(
            subject_id=searched[record_id].id,
            record_id=record_id,
            screened_at=now,
            hits_found=counts[record_id],
        )
        for record_id in planned.queries
    )
    uow.session.flush()
    step(f"{len(hits)} hits recorded")
    return hits


def _load(uow: UnitOfWork, record_ids: Sequence[int]) -> list[Record]:
    records: list[Record] = []
    for start in range(0, len(record_ids), _CHUNK):
        chunk = list(record_ids[start : start + _CHUNK])
        records.extend(uow.session.scalars(select(Record).where(Record.id.in_(chunk))))
    kinds = {(r.kind, r.owner_agency_id) for r in records}
    if len(kinds) > 1:
        raise ValueError("a batch cross-check takes records of one kind and one agency")
    return sorted(records, key=lambda r: r.id)


def _candidates(uow: UnitOfWork, kind: RecordKind, agency_id: int, today: object) -> list[Record]:
    return list(
        uow.session.scalars(
            select(Record).where(
                Record.kind == kind.value,
                Record.owner_agency_id != agency_id,
                Record.erased_at.is_(None),
                Record.particulars_sealed.is_not(None),
                Record.review_due >= today,
            )
        )
    )


def _open(uow: UnitOfWork, vault: Vault, records: list[Record]) -> dict[int, Particulars]:
    opened = {r.id: open_particulars(uow, vault, r) for r in records}
    return {i: p for i, p in opened.items() if p is not None}


def _person_pairs(
    queries: dict[int, Particulars],
    found: dict[int, Particulars],
    workers: int,
    limits: EngineLimits | None,
) -> list[tuple[int, comparison.Match]]:
    people_a = {i: p for i, p in queries.items() if isinstance(p, PersonParticulars)}
    people_b = {i: p for i, p in found.items() if isinstance(p, PersonParticulars)}
    if not people_a or not people_b:
        return []
    a = person_features(_frame(people_a), workers)
    b = person_features(_frame(people_b), workers)
    plain = comparison.model_without_term_frequencies()
    proposed = link(
        a, b, model=plain, threshold=comparison.POSSIBLE_FROM, limits=limits, keep_prior=True
    ).pairs
    keys_a = {k.unique_id: k for k in map(keys_from_row, a.to_dict("records"))}
    keys_b = {k.unique_id: k for k in map(keys_from_row, b.to_dict("records"))}
    pairs: list[tuple[int, comparison.Match]] = []
    for a_id, b_id in zip(proposed["a_id"], proposed["b_id"], strict=True):
        match = comparison.rescore(keys_a[str(a_id)], keys_b[str(b_id)])
        if match is not None:
            pairs.append((int(a_id), match))
    return pairs


def _frame(people: dict[int, PersonParticulars]) -> pd.DataFrame:
    return pd.DataFrame(
        [person.as_person_row(str(i)) for i, person in people.items()], dtype="string"
    )


def _identifier_pairs(
    queries: dict[int, Particulars], found: dict[int, Particulars]
) -> list[tuple[int, comparison.Match]]:
    index: dict[tuple[str, str], set[int]] = defaultdict(set)
    for record_id, particulars in found.items():
        for name, key in particulars.match_keys().items():
            index[(name, key)].add(record_id)
    pairs: list[tuple[int, comparison.Match]] = []
    for query_id, particulars in queries.items():
        sharing = {i for item in particulars.match_keys().items() for i in index.get(item, ())}
        candidates = {i: found[i] for i in sharing}
        pairs.extend((query_id, m) for m in comparison.identifier_matches(particulars, candidates))
    return pairs
