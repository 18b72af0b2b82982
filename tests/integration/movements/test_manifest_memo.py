"""What a manifest's job keeps from batch to batch (`screening.memo.Memo`): a profile made
or blocked meanwhile reaches the choice of rows once the memo's time has passed, a hit is
never recorded on what the memo remembers, and those who check the hits are told of them
once, when the manifest ends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from interagency.background import run_pending
from interagency.identity.models import Notification, User
from interagency.movements import crossings, manifests
from interagency.movements.models import Crossing, FighterProfile
from interagency.movements.schemas import CrossingIn
from interagency.movements.screened import CROSSINGS
from interagency.records.models import Hit
from interagency.screening.memo import MEMO_SECONDS, Memo
from interagency.screening.models import Subject
from tests.integration.movements.conftest import crossing_in, keep_profile
from tests.integration.movements.test_manifests import _csv, _send
from tests.integration.records.conftest import Records

ALIYA_RU = {"surname": "Сапарова", "given_name": "Алия", "birth_date": "02.07.1990", "sex": "F"}
ALIYA_PASSPORT = {
    "surname": "SAPAROVA",
    "given_name": "ALIYA",
    "birth_date": "1990-07-02",
    "sex": "F",
    "document_number": "N7654321",
    "document_country": "KAZ",
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _batch(records: Records, manifest_id: int, memo: Memo, rows: dict[int, CrossingIn]) -> int:
    """One batch of the manifest's rows screened as its job screens them; the hits."""
    with records.container.uow() as uow:
        caller = records.council.caller(uow, "kz_liaison")
        principal = crossings.require_submitter(caller)
        found = manifests._screen_rows(
            uow, caller, records.container.vault, principal, manifest_id, rows, memo
        )
        uow.commit()
    return found


def _hits_of_rows(records: Records, manifest_id: int) -> dict[int, int]:
    """Hits by the manifest's row number, for the rows stored."""
    with records.container.uow() as uow:
        stored = uow.session.execute(
            select(Crossing.manifest_row, Crossing.id).where(Crossing.manifest_id == manifest_id)
        ).all()
        found: dict[int, int] = {}
        for row, crossing_id in stored:
            found[row] = len(
                uow.session.scalars(
                    select(Hit.id)
                    .join(Subject, Subject.id == Hit.searching_subject_id)
                    .where(Subject.kind == CROSSINGS.name, Subject.ref == crossing_id)
                ).all()
            )
    return found


def test_a_blocked_profile_gets_no_hit_from_what_the_memo_remembers(records: Records) -> None:
    record = keep_profile(records)
    manifest_id = _send(records, _csv(travellers=0))
    clock = Clock()
    memo = Memo(clock=clock)
    assert _batch(records, manifest_id, memo, {2: crossing_in()}) == 1
    # The profile no longer names a listed group: the review board has not cleared it,
    # so it may not be matched at other states' borders.
    with records.container.uow() as uow:
        uow.session.execute(
            update(FighterProfile)
            .where(FighterProfile.record_id == record.id)
            .values(un_group=None)
        )
        uow.commit()
    # Within the memo's time the row is still chosen (the memo says it would hit), but
    # the hit is judged on what stands now: none is recorded.
    assert _batch(records, manifest_id, memo, {3: crossing_in()}) == 0
    # Once the time has passed, the row is not even kept.
    clock.now += MEMO_SECONDS
    assert _batch(records, manifest_id, memo, {4: crossing_in()}) == 0
    assert _hits_of_rows(records, manifest_id) == {2: 1, 3: 0}


def test_a_profile_kept_meanwhile_is_found_once_the_memo_reads_again(records: Records) -> None:
    keep_profile(records)
    manifest_id = _send(records, _csv(travellers=0))
    clock = Clock()
    memo = Memo(clock=clock)
    aliya = crossing_in(**ALIYA_PASSPORT)
    assert _batch(records, manifest_id, memo, {2: aliya}) == 0
    keep_profile(records, particulars=ALIYA_RU)
    assert _batch(records, manifest_id, memo, {3: crossing_in(**ALIYA_PASSPORT)}) == 0
    clock.now += MEMO_SECONDS
    assert _batch(records, manifest_id, memo, {4: crossing_in(**ALIYA_PASSPORT)}) == 1
    assert _hits_of_rows(records, manifest_id) == {4: 1}


def test_those_who_check_the_hits_are_told_once_a_manifest(records: Records) -> None:
    keep_profile(records)
    manifest_id = _send(records, _csv())
    assert run_pending(records.container) >= 1
    with records.container.uow() as uow:
        logins = dict(uow.session.execute(select(User.id, User.login)).all())
        told: list[tuple[str, str, dict[str, Any]]] = [
            (logins[n.user_id], n.kind, n.params)
            for n in uow.session.scalars(select(Notification))
            if n.kind in {"records:hit", "movements:manifest-hits"}
        ]
        reference = uow.session.scalar(
            select(manifests.CrossingManifest.public_id).where(
                manifests.CrossingManifest.id == manifest_id
            )
        )
    # No notice a hit: one for the manifest, to the liaison officer who sent it (and the
    # agency's other checkers), naming the manifest and how many hits it found.
    assert not [kind for _, kind, _ in told if kind == "records:hit"]
    assert ("kz_liaison", "movements:manifest-hits", {"reference": reference, "hits": 1}) in told
    assert len({login for login, _, _ in told}) == len(told)
