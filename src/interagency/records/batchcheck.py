"""Cross-checking many records of one agency at once, for bulk uploads.

Persons go through the batch engine (`matching.batch.link` on DuckDB): it finds the
candidate pairs among hundreds of thousands of records far faster than one screening a
record. Each pair it proposes is then scored as interactive screening scores it
(`comparison.rescore`), so a record gets the same hits whether it came in a form or in
a file. Documents, vehicles, phones and organisations are looked up by their normalised
identifiers. The safeguards are the same as for one record (`policy.may_pair`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Final

import pandas as pd
from sqlalchemy import select

from interagency.db import UnitOfWork, utcnow
from interagency.identity.principals import Caller
from interagency.matching.batch import EngineLimits, link
from interagency.matching.features import person_features
from interagency.matching.screen.index import keys_from_row
from interagency.records import comparison, crosscheck
from interagency.records.models import Hit, Record, RecordKind, Screening
from interagency.records.particulars import Particulars, PersonParticulars
from interagency.records.policy import found_side_allows, matchable, may_pair
from interagency.records.sealing import open_particulars
from interagency.vault import Vault

Progress = Callable[[str], None]
_CHUNK: Final = 5000


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
    the safeguards allow, records the hits and tells both sides. The caller commits."""
    step = progress or (lambda _: None)
    today = utcnow().date()
    searching = _load(uow, record_ids)
    if not searching:
        return []
    kind = RecordKind(searching[0].kind)
    agency_id = searching[0].owner_agency_id
    state_id = crosscheck.states_of(uow, [agency_id])[agency_id]
    guards = {r.id: crosscheck.safeguards_of(r, state_id) for r in searching}
    queries = [r for r in searching if matchable(guards[r.id], today)]
    step(f"reading the records of other agencies ({len(queries)} to check)")
    candidates = _candidates(uow, kind, agency_id, today)
    states = crosscheck.states_of(uow, {c.owner_agency_id for c in candidates})
    found_guards = {
        c.id: crosscheck.safeguards_of(c, states[c.owner_agency_id]) for c in candidates
    }
    # What depends on the found record alone is judged once, not once a pair.
    allowed = {
        c.id: c
        for c in candidates
        if found_side_allows(
            found_guards[c.id],
            searching_agency_id=agency_id,
            searching_state_id=state_id,
            today=today,
        )
    }
    step(f"opening {len(allowed)} records that may be compared")
    query_particulars = _open(uow, vault, queries)
    found_particulars = _open(uow, vault, list(allowed.values()))
    step("comparing")
    if kind is RecordKind.PERSON:
        pairs = _person_pairs(query_particulars, found_particulars, workers, limits)
    else:
        pairs = _identifier_pairs(query_particulars, found_particulars)
    by_id = {r.id: r for r in queries}
    now = utcnow()
    hits: list[Hit] = []
    step(f"recording the hits of {len(pairs)} pairs")
    for query_id, match in pairs:
        found = allowed[match.found_id]
        if not may_pair(guards[query_id], found_guards[found.id], today):
            continue  # a refugee's record never meets the state they fled
        hit = crosscheck.record_hit(uow, by_id[query_id], found, match, now)
        crosscheck.announce(uow, caller, by_id[query_id], found, hit)
        hits.append(hit)
    for record in searching:
        record.screen_pending = False
    uow.session.add_all(
        Screening(
            record_id=r.id,
            screened_at=now,
            hits_found=sum(1 for h in hits if h.searching_record_id == r.id),
        )
        for r in queries
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
