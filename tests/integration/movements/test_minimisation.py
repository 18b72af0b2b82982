"""Data minimisation: a crossing that hit nothing, and one behind a hit a person
dismissed, are gone after their retention from every place they passed through (the
crossings, the screening service's subjects, keys and screenings, the hits, the audit's
personal values, a manifest's file, its job and its report); a crossing behind a
confirmed hit stays with its hit."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import select, update

from interagency.audit import personal
from interagency.audit.models import AuditPersonal
from interagency.background import run_pending
from interagency.filestore.models import StoredFile
from interagency.jobs.models import Job
from interagency.movements import minimisation
from interagency.movements.models import Crossing, CrossingManifest, FighterAlert
from interagency.records import hits, movement
from interagency.records.models import Hit, HitStatus, Record, Screening
from interagency.records.schemas import HitCheckIn
from interagency.screening.models import Subject, SubjectKey

from ..records.conftest import Records
from .conftest import cross, keep_profile
from .test_manifests import _csv, _send

KEEP_HOURS = 24


def _check(records: Records, reference: str, *, confirmed: bool) -> None:
    with records.container.uow() as uow:
        caller = records.council.caller(uow, "kz_liaison")
        how = "Compared with the passport at the booth: " + ("same" if confirmed else "not him")
        hits.check(uow, caller, reference, HitCheckIn(confirmed=confirmed, how=how))
        uow.commit()


def _traces(records: Records) -> dict[str, object]:
    """Every row a crossing leaves, by table."""
    with records.container.uow() as uow:
        crossings = set(uow.session.scalars(select(Crossing.public_id)))
        subjects = set(
            uow.session.scalars(select(Subject.id).where(Subject.kind == "border-crossing"))
        )
        keys = set(uow.session.scalars(select(SubjectKey.subject_id)))
        screenings = set(uow.session.scalars(select(Screening.subject_id)))
        found = uow.session.execute(select(Hit.reference, Hit.status)).all()
        opened = [
            personal.open_json(uow.session, row.seq, row.sealed_under_agency_id, row.data_sealed)
            for row in uow.session.scalars(select(AuditPersonal))
        ]
    return {
        "crossings": crossings,
        "subjects": subjects,
        "keys": keys & subjects,
        "screenings": screenings & subjects,
        "hits": {(reference, status) for reference, status in found},
        "audit_personal": json.dumps(opened, ensure_ascii=False).lower(),
    }


def test_crossings_without_a_confirmed_hit_are_gone_after_their_retention(
    records: Records,
) -> None:
    keep_profile(records)
    nothing = cross(records, surname="OMAROV", given_name="ALI", document_number="K7777777",
                    birth_date="1979-09-09")  # fmt: skip
    dismissed = cross(records, occurred_at=datetime.now(UTC) - timedelta(minutes=30))
    confirmed = cross(records, occurred_at=datetime.now(UTC) - timedelta(minutes=20))
    assert nothing.hits == []
    _check(records, dismissed.hits[0].reference, confirmed=False)
    _check(records, confirmed.hits[0].reference, confirmed=True)
    before = _traces(records)
    assert before["crossings"] == {nothing.reference, dismissed.reference, confirmed.reference}
    assert len(before["subjects"]) == 3  # type: ignore[arg-type]
    with records.container.uow() as uow:
        # Within the retention nothing goes.
        assert minimisation.sweep(uow, records.council.caller(uow, "ru_dpo"), KEEP_HOURS) == 0
        uow.commit()
    later = datetime.now(UTC) + timedelta(hours=KEEP_HOURS, minutes=5)
    with time_machine.travel(later, tick=False), records.container.uow() as uow:
        assert minimisation.sweep(uow, records.council.caller(uow, "ru_dpo"), KEEP_HOURS) == 2
        uow.commit()
    after = _traces(records)
    assert after["crossings"] == {confirmed.reference}
    assert len(after["subjects"]) == 1  # type: ignore[arg-type]
    # Crossings are found by nothing: they never had keys.
    assert before["keys"] == after["keys"] == set()
    assert after["screenings"] == after["subjects"]
    assert after["hits"] == {(confirmed.hits[0].reference, HitStatus.CONFIRMED.value)}
    for word in ("omarov", "k7777777", "huseynov", "c01234567", "not him"):
        assert word not in after["audit_personal"]


def test_a_confirmed_crossing_goes_when_its_hit_expires(records: Records) -> None:
    keep_profile(records)
    confirmed = cross(records)
    reference = confirmed.hits[0].reference
    _check(records, reference, confirmed=True)
    later = datetime.now(UTC) + timedelta(hours=KEEP_HOURS + 1)
    with time_machine.travel(later, tick=False), records.container.uow() as uow:
        caller = records.council.caller(uow, "ru_dpo")
        assert minimisation.sweep(uow, caller, KEEP_HOURS) == 0
        # The profile's review date passed: the daily sweep of hits expires the hit.
        uow.session.execute(update(Record).values(review_due=date.today() - timedelta(days=1)))
        assert movement.sweep(uow, caller) == [reference]
        uow.commit()
    with time_machine.travel(later, tick=False), records.container.uow() as uow:
        assert minimisation.sweep(uow, records.council.caller(uow, "ru_dpo"), KEEP_HOURS) == 1
        uow.commit()
    after = _traces(records)
    assert (after["crossings"], after["subjects"], after["hits"]) == (set(), set(), set())
    with records.container.uow() as uow:
        assert uow.session.scalar(select(FighterAlert)) is None


def test_a_manifests_rows_leave_no_trace_but_counts(records: Records) -> None:
    """The uploaded file, the job and the report: the places a manifest's rows pass."""
    keep_profile(records)
    root = records.container.file_store.root
    before = {p for p in root.rglob("*") if p.is_file()}
    manifest_id = _send(records, _csv(travellers=3))
    assert {p for p in root.rglob("*") if p.is_file()} - before  # the file, while it waits
    run_pending(records.container)
    with records.container.uow() as uow:
        manifest = uow.session.get(CrossingManifest, manifest_id)
        assert manifest is not None
        report = json.dumps([manifest.problems, manifest.refusal], ensure_ascii=False)
        jobs = uow.session.execute(select(Job.__table__)).all()
        files = uow.session.scalars(select(StoredFile.id)).all()
        assert manifest.stored_file_id is None
    assert files == []
    assert {p for p in root.rglob("*") if p.is_file()} - before == set()
    seen = (report + json.dumps([[str(v) for v in row] for row in jobs])).lower()
    for word in ("testov", "n0000001", "badrow", "khorgos", "huseynov", "c01234567"):
        assert word not in seen
    # Of the rows, only the one that met a profile was stored; its hit is a person's to
    # check, and dismissed it goes with the sweep like any crossing.
    with records.container.uow() as uow:
        reference = uow.session.scalar(select(Hit.reference))
    assert reference is not None
    _check(records, reference, confirmed=False)
    later = datetime.now(UTC) + timedelta(hours=KEEP_HOURS + 1)
    with time_machine.travel(later, tick=False), records.container.uow() as uow:
        assert minimisation.sweep(uow, records.council.caller(uow, "ru_dpo"), KEEP_HOURS) == 1
        uow.commit()
    after = _traces(records)
    assert (after["crossings"], after["subjects"], after["hits"]) == (set(), set(), set())
