"""The screening service: one subject, of any registered kind, screened against the
subjects other agencies hold, under one set of rules.

1. The safeguards (`records.policy.may_pair`) judge the subject and every candidate under
   the screening lock of what they describe, and the movement gate judges each hit again
   as it is recorded (`records.movement.require_pair`).
2. Candidates come from an equality join on keyed hashes (`subjects.enrol`); only they
   are opened (a person's features, sealed beside its keys), and the engine scores them
   as it scores every pair (`comparison.rescore`): a name alone is never a hit.
3. The searching side learns a hit's reference, the owner and the band; the holder also
   sees the score and what each field contributed (`records.hits.out`). Nothing beyond
   reference and band moves before a person of the holder has confirmed the hit
   (`records.details`).
4. Probing is limited alike for every kind: a subject is screened at most
   `SCREENINGS_PER_DAY` times in 24 hours, and an agency whose subjects keep hitting one
   other agency's subject (`NEAR_IDENTICAL_LIMIT` in 24 hours, single and batch
   screenings counted together) alerts the data protection officers of both.
5. Subjects that hit nothing are deleted on their kind's schedule (`sweep_retention`).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from sqlalchemy import delete, exists, func, or_, select

from interagency import audit
from interagency.db import UnitOfWork, one_of, utcnow
from interagency.identity import notifications
from interagency.identity.models import Role
from interagency.identity.principals import Caller
from interagency.matching.screen.levels import Keys
from interagency.records import comparison, movement, pairing
from interagency.records.models import Hit, HitStatus, Screening
from interagency.records.movement import Movement, moves
from interagency.records.particulars import Particulars, PersonParticulars
from interagency.records.policy import Safeguards, matchable, may_pair
from interagency.screening import keys, registry, subjects
from interagency.screening.memo import Memo
from interagency.screening.models import Screened, Subject, SubjectKey, SubjectRow
from interagency.vault import Vault

SCREENINGS_PER_DAY: Final = 3
NEAR_IDENTICAL_LIMIT: Final = 3
_DAY: Final = timedelta(hours=24)
_CHUNK: Final = 5000


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one screening did: the hits it recorded, or why it did not run."""

    hits: tuple[Hit, ...] = ()
    screened: bool = True
    deferred: bool = False  # the daily limit was reached: the subject waits
    compared: int = 0  # candidates the safeguards let it meet, each opened and scored


def screen(
    uow: UnitOfWork, caller: Caller, vault: Vault, subject: Subject, query: Particulars | None
) -> Outcome:
    """Screens `subject`, whose particulars are `query` (None: erased), and records its
    hits; the caller commits."""
    return screen_many(uow, caller, vault, [(subject, query)])[0]


def screen_many(
    uow: UnitOfWork,
    caller: Caller,
    vault: Vault,
    items: Sequence[tuple[Subject, Particulars | None]],
    memo: Memo | None = None,
    *,
    tell_searchers: bool = True,
) -> list[Outcome]:
    """`screen` for many subjects at once (a day's manifest, an accreditation batch): the
    same rules, subject by subject, with their candidates, safeguards and features read in
    a few statements for them all.

    A job's `memo` lends the index of the candidates' keys, and chooses the pairs worth
    judging: those that match on the safeguards and features it remembers (at most
    `memo.seconds` old, as `would_hit` judges). Only they are judged again, on what stands
    now under the screening lock, and only that judgement records a hit. Most candidates
    of a batch hit nothing, and a batch meets a large share of the candidates: read anew
    for every batch, they cost most of a job's time.

    `tell_searchers=False`: the searching side is not told of each new hit, because the
    caller tells it of them all at once (a manifest's end). Outcomes in the order of
    `items`; the caller commits."""
    if not items:
        return []
    for matches_as in sorted({subject.matches_as for subject, _ in items}):
        pairing.lock_screening(uow, matches_as)
    now = utcnow()
    today = now.date()
    mine = subjects.safeguards_of(uow, [subject for subject, _ in items])
    done = _screenings_since(uow, [subject.id for subject, _ in items], now - _DAY)
    outcomes: dict[int, Outcome] = {}
    ready: list[tuple[int, Subject, Particulars]] = []
    for index, (subject, query) in enumerate(items):
        guards = mine.get(subject.id)
        if query is None or guards is None or not matchable(guards, today):
            outcomes[index] = Outcome(screened=False)
        elif done.get(subject.id, 0) >= SCREENINGS_PER_DAY:
            _alert_edit_probing(uow, caller, subject)
            outcomes[index] = Outcome(screened=False, deferred=True)
        else:
            ready.append((index, subject, query))
    asked = [_Asked.of(s, q, mine[s.id]) for _, s, q in ready]
    kept = memo or Memo(seconds=0)
    found = _candidates_of(uow, vault, [(a.subject, a.query, a.features) for a in asked], kept)
    chosen = None
    if kept.seconds > 0:
        chosen, _ = _judge(uow, vault, asked, found, today, kept, remembered=True)
        found = {i: [meets[m.found_id] for m in matches] for i, (meets, matches) in chosen.items()}
    meetings, theirs = _judge(uow, vault, asked, found, today, kept)
    # What the audit counts as compared: the candidates let meet and scored (with a memo,
    # those its choice was made among).
    compared = {i: len(meets) for i, (meets, _) in (chosen or meetings).items()}
    known = existing_hits_of(uow, [subject.id for _, subject, _ in ready])
    fresh: dict[int, list[int]] = defaultdict(list)
    for index, subject, _ in ready:
        meets, matches = meetings[subject.id]
        hits = tuple(
            store_hit(uow, caller, known.get((subject.id, m.found_id)), subject,
                      meets[m.found_id], (mine[subject.id], theirs[m.found_id]), m, now,
                      tell_searchers=tell_searchers)
            for m in matches
        )  # fmt: skip
        fresh[subject.owner_agency_id].extend(
            m.found_id for m in matches if (subject.id, m.found_id) not in known
        )
        _record_screening(uow, caller, subject, hits, compared[subject.id], now)
        outcomes[index] = Outcome(hits=hits, compared=compared[subject.id])
    for agency_id, found_ids in sorted(fresh.items()):
        if found_ids:
            check_near_identical(uow, caller, agency_id, found_ids)
    return [outcomes[index] for index in range(len(items))]


@dataclass(frozen=True, slots=True)
class Probe:
    """A subject not stored yet, as `would_hit` judges it: its kind, its holder, what its
    particulars describe, its safeguards and its particulars."""

    kind: str
    owner_agency_id: int
    matches_as: str
    guards: Safeguards
    query: Particulars


def would_hit(
    uow: UnitOfWork, vault: Vault, probes: Sequence[Probe], memo: Memo | None = None
) -> list[bool]:
    """Whether each probe would hit anything now, under the rules of `screen`: the same
    candidates, safeguards and comparison, recording nothing. A feature screens those
    that would, once stored (where the service records their hits and judges them again,
    under the screening lock), and never stores the rest: a day's manifest keeps only the
    rows that meet a profile. The caller audits the screening of the rest.

    It takes no screening lock: it records nothing, so it has no screening to keep apart,
    and the parts of a manifest, each in its own transaction, must not wait for each
    other's choice (under the lock, two processes screened a day's file no faster than one).

    A job that asks batch after batch passes its `memo`: the candidates' safeguards and
    features are then those read at most `memo.seconds` ago (the choice of the rows to
    store; their hits are judged on what stands when they are recorded)."""
    if not probes:
        return []
    today = utcnow().date()
    # Unsaved rows, named by negative ids that no stored subject has.
    unsaved = [
        _Asked.of(SubjectRow(-n, p.kind, 0, p.owner_agency_id, p.matches_as), p.query, p.guards)
        for n, p in enumerate(probes, start=1)
        if matchable(p.guards, today)
    ]
    kept = memo or Memo(seconds=0)
    found = _candidates_of(uow, vault, [(a.subject, a.query, a.features) for a in unsaved], kept)
    meetings, _ = _judge(uow, vault, unsaved, found, today, kept, remembered=True)
    return [bool(meetings[-n][1]) if -n in meetings else False for n in range(1, len(probes) + 1)]


@dataclass(frozen=True, slots=True)
class _Asked:
    """A subject being screened, as the service judges it: with its safeguards, and a
    person's features computed once for the lookup and every comparison."""

    subject: Screened
    query: Particulars
    guards: Safeguards
    features: Keys | None

    @classmethod
    def of(cls, subject: Screened, query: Particulars, guards: Safeguards) -> _Asked:
        if isinstance(query, PersonParticulars):
            return cls(subject, query, guards, keys.features_of(query))
        return cls(subject, query, guards, None)


def _judge(
    uow: UnitOfWork,
    vault: Vault,
    ready: Sequence[_Asked],
    found: Mapping[int, Sequence[Screened]],
    today: date,
    memo: Memo,
    *,
    remembered: bool = False,
) -> tuple[dict[int, tuple[dict[int, Screened], list[comparison.Match]]], dict[int, Safeguards]]:
    """For each subject (by id): the candidates `found` for it that the safeguards let it
    meet, and the engine's matches among them; and the candidates' safeguards. Only the
    candidates let meet are opened (their sealed features, `subjects.compared`).
    `remembered`: their safeguards and features may be the memo's, else they are read
    now."""
    pool = {c.id: c for cs in found.values() for c in cs}.values()
    theirs = memo.safeguards(uow, pool) if remembered else subjects.safeguards_of(uow, pool)
    allowed = {
        a.subject.id: {
            c.id: c
            for c in found[a.subject.id]
            if c.id in theirs and may_pair(a.guards, theirs[c.id], today)
        }
        for a in ready
    }
    meeting = {c.id: c for a in allowed.values() for c in a.values()}.values()
    if remembered:
        held = memo.compared(uow, vault, meeting)
    else:
        held = subjects.compared(uow, vault, meeting)
    meetings = {
        a.subject.id: (
            allowed[a.subject.id],
            compare(a.query, {i: held[i] for i in allowed[a.subject.id] if i in held}, a.features),
        )
        for a in ready
    }
    return meetings, theirs


def _record_screening(
    uow: UnitOfWork,
    caller: Caller,
    subject: Subject,
    hits: Sequence[Hit],
    compared: int,
    now: datetime,
) -> None:
    kind = registry.kind_of(subject.kind)
    subject.screened_at = now
    uow.session.add(
        Screening(
            subject_id=subject.id,
            record_id=subject.ref if kind.record_rows else None,
            screened_at=now,
            hits_found=len(hits),
        )
    )
    # Not flushed here: a manifest's screenings are written together at its commit.
    audit.record(
        uow,
        caller.event(
            kind.screen_action,
            object_kind=kind.object_kind,
            object_ref=subject.ref,
            detail={"hits": [h.reference for h in hits], "compared": compared},
        ),
    )


def candidates(
    uow: UnitOfWork, vault: Vault, subject: Screened, query: Particulars
) -> list[Screened]:
    """Other agencies' subjects of the kinds `subject` is screened against that share a
    candidate key with it: found by their keyed hashes, nothing opened."""
    return _candidates_of(uow, vault, [(subject, query, None)])[subject.id]


def _candidates_of(
    uow: UnitOfWork,
    vault: Vault,
    items: Sequence[tuple[Screened, Particulars, Keys | None]],
    memo: Memo | None = None,
) -> dict[int, list[Screened]]:
    """`candidates` of each subject, by its id, from one lookup of all their keys (a
    person's features given where they were computed already), or from the `memo`'s
    index of them."""
    wanted = {
        subject.id: vault.matching_terms(
            uow.session, keys.lookup_texts(subject.matches_as, query, features)
        )
        for subject, query, features in items
    }
    kinds = sorted(
        {k for subject, _, _ in items for k in registry.kind_of(subject.kind).screened_against}
    )
    index = memo.index(uow, kinds) if memo is not None and kinds else None
    if index is not None:
        holding, pool = index.holding, index.pool
    else:
        holding, pool = _lookup(uow, sorted(set().union(*wanted.values())), kinds)
    found: dict[int, list[Screened]] = {}
    for subject, _, _ in items:
        against = registry.kind_of(subject.kind).screened_against
        ids = {i for term in wanted[subject.id] for i in holding.get(term, ())}
        found[subject.id] = [
            pool[i]
            for i in sorted(ids)
            if pool[i].kind in against
            and pool[i].matches_as == subject.matches_as
            and pool[i].owner_agency_id != subject.owner_agency_id
        ]
    for name, group in subjects.by_kind(subject for subject, _, _ in items).items():
        within = registry.kind_of(name).candidates_within
        if within is not None:
            allowed = within(uow, group, {subject.id: found[subject.id] for subject in group})
            for subject in group:
                meets = allowed.get(subject.id, frozenset())
                found[subject.id] = [c for c in found[subject.id] if c.id in meets]
    return found


def _lookup(
    uow: UnitOfWork, terms: Sequence[str], kinds: Sequence[str]
) -> tuple[dict[str, list[int]], dict[int, Screened]]:
    """The subjects of `kinds` found under each of `terms`, and those subjects (plain
    rows: a batch's lookup finds tens of thousands)."""
    holding: dict[str, list[int]] = defaultdict(list)
    pool: dict[int, Screened] = {}
    for start in range(0, len(terms) if kinds else 0, _CHUNK):
        rows = uow.session.execute(
            select(SubjectKey.term, *SubjectRow.columns())
            .join(Subject, Subject.id == SubjectKey.subject_id)
            .where(
                one_of(uow.session, SubjectKey.term, terms[start : start + _CHUNK]),
                Subject.kind.in_(kinds),
            )
        )
        for term, *values in rows:
            held = pool.get(values[0]) or SubjectRow(*values)
            holding[term].append(held.id)
            pool[held.id] = held
    return holding, pool


def compare(
    query: Particulars,
    found: Mapping[int, Keys | Particulars],
    features: Keys | None = None,
) -> list[comparison.Match]:
    """The engine's matches among the candidates, by subject id as `subjects.compared`
    gives them, most probable first: persons scored pair by pair as the batch engine's
    pairs are rescored. `features` are the query's, when computed already."""
    if not isinstance(query, PersonParticulars):
        return comparison.identifier_matches(
            query, {i: c for i, c in found.items() if not isinstance(c, Keys)}
        )
    wanted = features or keys.features_of(query)
    matches = [
        match
        for candidate in found.values()
        if isinstance(candidate, Keys) and (match := comparison.rescore(wanted, candidate))
    ]
    return sorted(matches, key=lambda m: (-m.probability, m.found_id))


def _screenings_since(
    uow: UnitOfWork, subject_ids: Sequence[int], since: datetime
) -> dict[int, int]:
    """How many times each subject was screened since `since` (none: left out)."""
    counted: dict[int, int] = {}
    ordered = sorted(set(subject_ids))
    for start in range(0, len(ordered), _CHUNK):
        rows = uow.session.execute(
            select(Screening.subject_id, func.count())
            .where(
                one_of(uow.session, Screening.subject_id, ordered[start : start + _CHUNK]),
                Screening.screened_at > since,
            )
            .group_by(Screening.subject_id)
        )
        counted.update((subject_id, int(count)) for subject_id, count in rows)
    return counted


def existing_hits_of(uow: UnitOfWork, searching_ids: Sequence[int]) -> dict[tuple[int, int], Hit]:
    """The hits these subjects found before, by (searching, found) subject id."""
    found: dict[tuple[int, int], Hit] = {}
    ordered = sorted(set(searching_ids))
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        rows = uow.session.scalars(
            select(Hit).where(one_of(uow.session, Hit.searching_subject_id, chunk))
        )
        found.update(((h.searching_subject_id, h.found_subject_id), h) for h in rows)
    return found


@moves(Movement.HIT_SHOWN)
def store_hit(
    uow: UnitOfWork,
    caller: Caller,
    existing: Hit | None,
    searching: Subject,
    found: Screened,
    guards: tuple[Safeguards, Safeguards],
    match: comparison.Match,
    now: datetime,
    *,
    tell_searchers: bool = True,
) -> Hit:
    """`existing` brought up to date, or a new hit announced to both sides. The caller
    holds the screening lock, read both subjects' safeguards (`guards`, searching side
    first) after taking it, and checks new hits for probing. A hit withdrawn or expired
    earlier, and found again now that the safeguards allow it, is open again."""
    movement.require_pair(caller, searching, *guards)
    if existing is not None:
        existing.withdrawn_at = existing.expired_at = existing.withdrawn_by_agency_id = None
    searching_kind = registry.kind_of(searching.kind)
    found_kind = registry.kind_of(found.kind)
    hit = existing or Hit(
        reference=f"HIT-{secrets.token_hex(5).upper()}",
        searching_subject_id=searching.id,
        found_subject_id=found.id,
        searching_record_id=searching.ref if searching_kind.record_rows else None,
        found_record_id=found.ref if found_kind.record_rows else None,
        searching_agency_id=searching.owner_agency_id,
        owner_agency_id=found.owner_agency_id,
        status=HitStatus.NEW.value,
        created_at=now,
    )
    hit.band = match.band.value
    hit.score = match.probability
    hit.explanation = list(match.explanation)
    hit.updated_at = now
    if existing is None:
        uow.session.add(hit)
        _announce(uow, caller, searching, found, hit, tell_searchers=tell_searchers)
    return hit


def _announce(
    uow: UnitOfWork,
    caller: Caller,
    searching: Subject,
    found: Screened,
    hit: Hit,
    *,
    tell_searchers: bool = True,
) -> None:
    """Both sides learn of the hit by its reference; neither notice names its content."""
    searching_kind = registry.kind_of(searching.kind)
    link = f"/records/hits/{hit.reference}"
    if tell_searchers:
        searchers = set(searching_kind.holder.told(uow, [searching.ref]).get(searching.ref, ()))
        if caller.principal is not None and caller.principal.agency_id == searching.owner_agency_id:
            searchers.add(caller.principal.user_id)
        notifications.notify(
            uow, searchers, "records:hit", {"reference": hit.reference, "band": hit.band}, link
        )
    # Where the searching side checks the hit, the holder hears of it once a person there
    # confirmed it (`registry.SubjectKind.on_confirmed`), not of every automated hit.
    if not searching_kind.checked_by_searcher:
        holders = registry.kind_of(found.kind).holder.told(uow, [found.ref]).get(found.ref, ())
        notifications.notify(
            uow, set(holders), "records:hit-on-yours", {"reference": hit.reference}, link
        )
    # The entry is the searching side's: what it may know of the hit, no more. The found
    # subject and the score are the holder's; the hit's row keeps them, by this reference.
    audit.record(
        uow,
        caller.event(
            "records:hit:found",
            object_kind="hit",
            object_ref=hit.reference,
            detail={f"searching_{searching_kind.object_kind}": searching.ref, "band": hit.band},
        ),
    )


def check_near_identical(
    uow: UnitOfWork, caller: Caller, searching_agency_id: int, found_ids: Iterable[int]
) -> None:
    """Many subjects of one agency hitting the same subject in a day look like probing,
    however they were submitted: one alert for each subject hit so, to the DPOs of both
    agencies. `found_ids` are subject ids."""
    uow.session.flush()
    since = utcnow() - _DAY
    ordered = sorted(set(found_ids))
    for start in range(0, len(ordered), _CHUNK):
        probed = uow.session.execute(
            select(
                Hit.owner_agency_id,
                func.min(Hit.reference),
                func.count(func.distinct(Hit.searching_subject_id)),
            )
            .where(
                Hit.found_subject_id.in_(ordered[start : start + _CHUNK]),
                Hit.searching_agency_id == searching_agency_id,
                Hit.created_at > since,
            )
            .group_by(Hit.found_subject_id, Hit.owner_agency_id)
            .having(func.count(func.distinct(Hit.searching_subject_id)) >= NEAR_IDENTICAL_LIMIT)
        ).all()
        for owner_agency_id, reference, records in probed:
            _alert_dpos(
                uow,
                caller,
                "near-identical",
                [searching_agency_id, owner_agency_id],
                {"reference": reference, "records": int(records)},
            )


def _alert_edit_probing(uow: UnitOfWork, caller: Caller, subject: Subject) -> None:
    """The subject's holder and every agency it has hit: both sides of the probing."""
    kind = registry.kind_of(subject.kind)
    hit_owners = uow.session.scalars(
        select(Hit.owner_agency_id).where(Hit.searching_subject_id == subject.id).distinct()
    )
    named = kind.holder.references(uow, [subject.ref]).get(subject.ref, "")
    _alert_dpos(
        uow,
        caller,
        "edits",
        [subject.owner_agency_id, *hit_owners],
        {kind.object_kind: named, "limit": SCREENINGS_PER_DAY},
    )


def _alert_dpos(
    uow: UnitOfWork, caller: Caller, kind: str, agency_ids: list[int], params: dict[str, object]
) -> None:
    dpos = notifications.holders_of(uow, Role.DATA_PROTECTION_OFFICER, set(agency_ids))
    notifications.notify(uow, dpos, f"records:probing-{kind}", dict(params), "/records/dpo")
    audit.record(
        uow,
        caller.event(
            f"records:probing:{kind}",
            object_kind="record",
            detail={**params, "agencies": sorted(set(agency_ids))},
        ),
    )


def sweep_retention(
    uow: UnitOfWork, caller: Caller, retention: Mapping[str, timedelta] | None = None
) -> dict[str, int]:
    """Deletes, with their own rows, the subjects of each kind with a retention (the
    kind's, or the one `retention` sets for it) whose last screening (or enrolment) is
    older than it and that are in no live hit: none but hits a person dismissed, or hits
    that expired (a confirmed hit keeps its subjects until the found subject's review date
    ends it). Those hits go with them, the holder's rows first (they may point to the
    hits). Returns how many subjects, by kind."""
    now = utcnow()
    deleted: dict[str, int] = {}
    for kind in registry.kinds():
        keep = (retention or {}).get(kind.name, kind.retention)
        if keep is None:
            continue
        involved = or_(Hit.searching_subject_id == Subject.id, Hit.found_subject_id == Subject.id)
        stale = uow.session.scalars(
            select(Subject).where(
                Subject.kind == kind.name,
                func.coalesce(Subject.screened_at, Subject.created_at) < now - keep,
                ~exists().where(
                    involved, Hit.status != HitStatus.DISMISSED.value, Hit.expired_at.is_(None)
                ),
            )
        ).all()
        if not stale:
            continue
        ids = [s.id for s in stale]
        kind.holder.forget(uow, [s.ref for s in stale])
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            uow.write(
                delete(Hit).where(
                    or_(Hit.searching_subject_id.in_(chunk), Hit.found_subject_id.in_(chunk))
                )
            )
            uow.write(delete(SubjectKey).where(SubjectKey.subject_id.in_(chunk)))
            uow.write(delete(Screening).where(Screening.subject_id.in_(chunk)))
            uow.write(delete(Subject).where(Subject.id.in_(chunk)))
        deleted[kind.name] = len(ids)
        audit.record(
            uow,
            caller.event(
                "screening:retention:delete",
                object_kind="subject",
                detail={"kind": kind.name, "count": len(ids)},
            ),
        )
    return deleted
