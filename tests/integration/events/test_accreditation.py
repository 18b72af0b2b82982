"""Accreditation screening: the host uploads applicants within its quota, another
supervisor approves each batch, a job screens it through the screening service against
the records agencies taking part opted in (suspects and convicted persons on the offences
the event declares, judged again at screening), the record's owner confirms or dismisses
a hit knowing only a reference and the event, only a confirmed hit reaches the host, the
host decides with a reason and decides again on a contest, and applicants without a hit
are deleted once the batch is decided."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from interagency.background import run_pending
from interagency.bootstrap import Container
from interagency.demo import DemoSummary, load_agencies, load_users, read_member_states
from interagency.errors import Conflict, Forbidden, InvalidInput, NotFound
from interagency.events import accreditation, dossier
from interagency.events import demo as events_demo
from interagency.events.accreditation_models import Applicant, ApplicantBatch, Decision, OptIn
from interagency.events.models import Event
from interagency.events.schemas import DelegationIn
from interagency.identity import services as identity
from interagency.records import hits as record_hits
from interagency.records.models import Hit, Record
from interagency.records.schemas import HitCheckIn
from interagency.screening.models import Subject
from tests.integration.events.conftest import act, hosted
from tests.integration.records.conftest import RASHAD_RU, Records, person
from tests.integration.records.conftest import records as records  # the fixture

# The same man as RASHAD_RU, as his passport writes him, applying as a driver.
RASHAD = {
    "surname": "HUSEYNOV",
    "given_name": "RASHAD",
    "birth_date": "1985-03-14",
    "sex": "M",
    "nationality": "AZE",
    "document_number": "C01234567",
    "role": "contractor",
    "employer": "Kazan Catering Services",
}
ANNA = {
    "surname": "Петрова",
    "given_name": "Анна",
    "birth_date": "02.07.1994",
    "sex": "F",
    "nationality": "RUS",
    "document_number": "4510123456",
    "role": "volunteer",
    "employer": "Волонтёрский центр",
}
OLEG = {
    "surname": "Смирнов",
    "given_name": "Олег",
    "birth_date": "11.11.1979",
    "sex": "M",
    "nationality": "RUS",
    "document_number": "4509765432",
    "role": "media",
    "employer": "Первый канал",
}
# Another man, held by KZ as a witness only.
SERIK = {"surname": "Ахметов", "given_name": "Серик", "birth_date": "05.05.1990", "sex": "M"}
SERIK_ROW = {
    **SERIK,
    "birth_date": "1990-05-05",
    "nationality": "KAZ",
    "document_number": "N1234567",
    "role": "staff",
    "employer": "Арена",
}


@pytest.fixture
def event_id(records: Records) -> int:
    """A summit hosted by RU with KZ taking part, screening for terrorism, quota 5."""
    container, council = records.container, records.council
    event_id = hosted(container, council)
    act(
        container,
        council,
        "ru_liaison",
        lambda uow, caller: dossier.add_participant(
            uow, caller, event_id, DelegationIn(agency="KZ-SVC")
        ),
    )
    act(
        container,
        council,
        "ru_liaison",
        lambda uow, caller: accreditation.set_terms(uow, caller, event_id, 5, ["terrorism"]),
    )
    return event_id


def _opt_in(records: Records, event_id: int, record: Record, login: str = "kz_liaison") -> None:
    act(
        records.container,
        records.council,
        login,
        lambda uow, caller: accreditation.opt_in(
            uow, caller, records.container.vault, event_id, record.public_id
        ),
    )


def _upload(
    records: Records, event_id: int, rows: list[dict[str, str]], login: str = "ru_supervisor"
) -> str:
    batch = act(
        records.container,
        records.council,
        login,
        lambda uow, caller: accreditation.upload(uow, caller, event_id, rows),
    )
    return batch.public_id


def _approve_and_screen(records: Records, event_id: int, batch: str) -> None:
    act(
        records.container,
        records.council,
        "ru_supervisor2",
        lambda uow, caller: accreditation.approve(uow, caller, event_id, batch),
    )
    run_pending(records.container)


def _lines(records: Records, event_id: int, batch: str) -> list[accreditation.ApplicantLine]:
    return act(
        records.container,
        records.council,
        "ru_liaison",
        lambda uow, caller: accreditation.applicants(uow, caller, event_id, batch)[1],
    )


@dataclass(frozen=True)
class _Hit:
    reference: str
    found_record_id: int | None


def _hits(records: Records) -> list[_Hit]:
    with records.container.uow() as uow:
        rows = uow.session.execute(select(Hit.reference, Hit.found_record_id).order_by(Hit.id))
        return [_Hit(reference, found) for reference, found in rows]


def _host_hit_list(records: Records) -> list[str]:
    """The references on the host's list of its agency's hits."""

    def listed(uow: Any, caller: Any) -> list[str]:
        lines = record_hits.page_for_agency(uow, caller, records.container.vault)
        return [line.hit.reference for line in lines]

    return act(records.container, records.council, "ru_liaison", listed)


def _check(records: Records, reference: str, confirmed: bool) -> Any:
    how = "Compared the passport copy and the photograph on file with the record."
    return act(
        records.container,
        records.council,
        "kz_liaison",
        lambda uow, caller: record_hits.check(
            uow, caller, reference, HitCheckIn(confirmed=confirmed, how=how)
        ),
    )


def test_uploads_stay_within_the_quota_and_a_bad_row_refuses_the_whole_batch(
    records: Records, event_id: int
) -> None:
    with pytest.raises(InvalidInput):
        _upload(records, event_id, [ANNA] * 6)
    with pytest.raises(accreditation.BadRows) as refused:
        _upload(records, event_id, [ANNA, {**OLEG, "role": "spy"}, {**RASHAD, "birth_date": ""}])
    assert sorted({p.line for p in refused.value.problems}) == [3, 4]
    assert refused.value.params["lines"] == "3, 4"
    with records.container.uow() as uow:
        assert uow.session.scalar(select(func.count(Applicant.id))) == 0
        assert uow.session.scalar(select(func.count(ApplicantBatch.id))) == 0
    _upload(records, event_id, [ANNA, OLEG, RASHAD])
    with pytest.raises(InvalidInput):
        _upload(records, event_id, [ANNA, OLEG, SERIK_ROW])  # 3 more than the 2 left
    _upload(records, event_id, [SERIK_ROW, OLEG])


def test_a_batch_is_approved_by_another_supervisor_of_the_host(
    records: Records, event_id: int
) -> None:
    batch = _upload(records, event_id, [ANNA])
    for login, error in [("ru_supervisor", Forbidden), ("ru_liaison", Forbidden)]:
        with pytest.raises(error):
            act(
                records.container,
                records.council,
                login,
                lambda uow, caller: accreditation.approve(uow, caller, event_id, batch),
            )
    # KZ takes part: it sees the event, and may not approve its host's batches.
    with pytest.raises(Forbidden):
        act(
            records.container,
            records.council,
            "kz_liaison",
            lambda uow, caller: accreditation.approve(uow, caller, event_id, batch),
        )
    _approve_and_screen(records, event_id, batch)
    with records.container.uow() as uow:
        row = uow.session.scalar(select(ApplicantBatch))
        assert row is not None
        assert row.status == "screened"
        assert row.approved_by_id == records.council.users["ru_supervisor2"]


def test_only_eligible_records_opted_in_for_the_event_are_ever_hit(
    records: Records, event_id: int
) -> None:
    # The same man four times at KZ: a witness, a suspect on drug charges, a suspect on
    # terrorism charges not opted in, and a sensitive-offence suspect.
    witness = records.save("kz_liaison", person(RASHAD_RU, subject_category="witness")).record
    drugs = records.save("kz_liaison", person(RASHAD_RU, offence_category="drug_trafficking"))
    not_opted = records.save("kz_liaison", person(RASHAD_RU)).record
    contact = records.save("kz_liaison", person(SERIK, subject_category="contact")).record
    for record in (witness, drugs.record, contact):
        with pytest.raises(InvalidInput):
            _opt_in(records, event_id, record)
    # Opt-ins written past the service: the screening judges them again and meets none.
    with records.container.uow() as uow:
        for record in (witness, drugs.record, contact):
            uow.session.add(
                OptIn(
                    event_id=event_id,
                    record_id=record.id,
                    agency_id=record.owner_agency_id,
                    opted_by_id=records.council.users["kz_liaison"],
                )
            )
        uow.commit()
    before = len(_hits(records))
    batch = _upload(records, event_id, [RASHAD, SERIK_ROW])
    _approve_and_screen(records, event_id, batch)
    assert len(_hits(records)) == before
    assert not_opted.id not in {h.found_record_id for h in _hits(records)}


def test_a_record_that_became_a_victims_after_opt_in_is_not_hit(
    records: Records, event_id: int
) -> None:
    record = records.save("kz_liaison", person(RASHAD_RU)).record
    _opt_in(records, event_id, record)
    with records.container.uow() as uow:
        uow.write(update(Record).where(Record.id == record.id).values(subject_category="victim"))
        uow.commit()
    batch = _upload(records, event_id, [RASHAD])
    _approve_and_screen(records, event_id, batch)
    assert [h for h in _hits(records) if h.found_record_id == record.id] == []


def test_another_event_does_not_meet_the_records_opted_in_for_this_one(
    records: Records, event_id: int
) -> None:
    record = records.save("kz_liaison", person(RASHAD_RU)).record
    _opt_in(records, event_id, record)
    other = hosted(records.container, records.council, title="Форум в Сочи")
    act(
        records.container,
        records.council,
        "ru_liaison",
        lambda uow, caller: accreditation.set_terms(uow, caller, other, 5, ["terrorism"]),
    )
    batch = _upload(records, other, [RASHAD])
    _approve_and_screen(records, other, batch)
    assert [h for h in _hits(records) if h.found_record_id == record.id] == []


def test_the_owner_checks_knowing_the_event_and_the_host_sees_only_a_confirmed_hit(
    records: Records, event_id: int
) -> None:
    record = records.save("kz_liaison", person(RASHAD_RU)).record
    _opt_in(records, event_id, record)
    batch = _upload(records, event_id, [ANNA, RASHAD])
    _approve_and_screen(records, event_id, batch)
    (hit,) = [h for h in _hits(records) if h.found_record_id == record.id]
    # The host sees no hit while the owner has not confirmed it.
    assert [line.hit_agency for line in _lines(records, event_id, batch)] == [None, None]
    # Nor on the records' hit pages: to the host the hit does not exist yet.
    with pytest.raises(NotFound):
        act(records.container, records.council, "ru_liaison",
            lambda uow, caller: record_hits.view(uow, caller, hit.reference))  # fmt: skip
    assert _host_hit_list(records) == []
    mine = act(
        records.container,
        records.council,
        "kz_liaison",
        lambda uow, caller: accreditation.hits_on_mine(uow, caller, event_id),
    )
    assert [(h.reference, h.record) for h in mine] == [(hit.reference, record.public_id)]
    seen = _check(records, hit.reference, confirmed=True)
    told = repr(seen) + repr(mine) + repr(records.notices("kz_liaison"))
    for secret in ("contractor", "Kazan Catering", "AZE", "C01234567"):
        assert secret not in told
    assert _host_hit_list(records) == [hit.reference]
    lines = _lines(records, event_id, batch)
    assert [(line.name, line.hit_agency) for line in lines] == [
        ("Петрова Анна", None),
        ("HUSEYNOV RASHAD", "KZ-SVC"),
    ]
    assert ("events:accreditation-hit", {"reference": hit.reference}) in records.notices(
        "ru_supervisor"
    )


def test_a_decision_has_a_reason_and_a_contest_is_decided_again(
    records: Records, event_id: int
) -> None:
    record = records.save("kz_liaison", person(RASHAD_RU)).record
    _opt_in(records, event_id, record)
    batch = _upload(records, event_id, [ANNA, RASHAD])
    _approve_and_screen(records, event_id, batch)
    (hit,) = _hits(records)

    def close(uow: Any, caller: Any) -> Any:
        return accreditation.close(uow, caller, event_id, batch)

    with pytest.raises(Conflict):  # the owner has not checked the hit yet
        act(records.container, records.council, "ru_liaison", close)
    _check(records, hit.reference, confirmed=True)
    with pytest.raises(Conflict):  # nobody decided on the applicant with the hit
        act(records.container, records.council, "ru_liaison", close)
    rashad = _lines(records, event_id, batch)[1].public_id

    def decide(decision: Decision, reason: str) -> Any:
        return act(
            records.container,
            records.council,
            "ru_liaison",
            lambda uow, caller: accreditation.decide(
                uow, caller, event_id, rashad, decision, reason
            ),
        )

    with pytest.raises(InvalidInput):
        decide(Decision.REFUSED, " ")
    decide(Decision.REFUSED, "KZ-SVC confirmed a terrorism investigation; refused.")
    act(
        records.container,
        records.council,
        "ru_liaison",
        lambda uow, caller: accreditation.contest(
            uow, caller, event_id, rashad, "The investigation was closed in 2024."
        ),
    )
    line = _lines(records, event_id, batch)[1]
    assert (line.decision, line.contest) == (None, "The investigation was closed in 2024.")
    with pytest.raises(Conflict):
        act(records.container, records.council, "ru_liaison", close)
    decide(Decision.ACCREDITED, "KZ-SVC confirmed the case was closed; accredited.")
    act(records.container, records.council, "ru_liaison", close)
    line = _lines(records, event_id, batch)[0]
    assert (line.name, line.decision, line.hit_agency) == (
        "HUSEYNOV RASHAD",
        "accredited",
        "KZ-SVC",
    )


def test_applicants_without_a_hit_are_deleted_once_the_batch_is_decided(
    records: Records, event_id: int
) -> None:
    rashad = records.save("kz_liaison", person(RASHAD_RU)).record
    serik = records.save("kz_liaison", person(SERIK)).record
    _opt_in(records, event_id, rashad)
    _opt_in(records, event_id, serik)
    batch = _upload(records, event_id, [ANNA, RASHAD, SERIK_ROW, OLEG])
    _approve_and_screen(records, event_id, batch)
    hits = {h.found_record_id: h for h in _hits(records)}
    _check(records, hits[rashad.id].reference, confirmed=True)
    _check(records, hits[serik.id].reference, confirmed=False)  # dismissed: no hit
    rashad_line = _lines(records, event_id, batch)[1].public_id
    act(
        records.container,
        records.council,
        "ru_liaison",
        lambda uow, caller: accreditation.decide(
            uow, caller, event_id, rashad_line, Decision.REFUSED, "Confirmed hit at KZ-SVC."
        ),
    )
    act(
        records.container,
        records.council,
        "ru_liaison",
        lambda uow, caller: accreditation.close(uow, caller, event_id, batch),
    )
    # Read straight from the database: one applicant left, the one behind the hit.
    with records.container.uow() as uow:
        connection = uow.session.connection()
        assert connection.execute(text("SELECT count(*) FROM event_applicants")).scalar() == 1
        kinds = connection.execute(
            text("SELECT count(*) FROM screening_subjects WHERE kind = 'accreditation-applicant'")
        ).scalar()
        assert kinds == 1
        left = connection.execute(text("SELECT reference FROM record_hits")).scalars().all()
        assert left == [hits[rashad.id].reference]
        assert uow.session.scalar(select(ApplicantBatch.cleared)) == 3
        assert (
            uow.session.scalar(
                select(func.count(Subject.id)).where(Subject.kind == "accreditation-applicant")
            )
            == 1
        )


def test_the_demo_summit_has_a_batch_waiting_for_approval(container: Container) -> None:
    with container.uow() as uow:
        for state in read_member_states():
            identity.ensure_member_state(uow, state)
        load_agencies(uow)
        load_users(uow, container, DemoSummary())
        events_demo.load(uow)
        uow.commit()
    with container.uow() as uow:
        batch = uow.session.scalar(select(ApplicantBatch))
        assert batch is not None
        assert (batch.status, batch.size) == ("awaiting_approval", 4)
        summit = uow.session.get(Event, batch.event_id)
        assert summit is not None
        assert summit.kind == "summit"


def test_a_batch_counts_against_the_probing_limits(records: Records, event_id: int) -> None:
    """Three applicants of one batch meeting the same record look like probing: the data
    protection officers of both agencies are alerted, as for any screening."""
    record = records.save("kz_liaison", person(RASHAD_RU)).record
    _opt_in(records, event_id, record)
    variants = [
        RASHAD,
        {**RASHAD, "document_number": "C01234568", "employer": "Другой подрядчик"},
        {**RASHAD, "given_name": "RASHID", "role": "media"},
    ]
    batch = _upload(records, event_id, variants)
    _approve_and_screen(records, event_id, batch)
    assert len([h for h in _hits(records) if h.found_record_id == record.id]) == 3
    for dpo in ("kz_dpo", "ru_dpo"):
        assert "records:probing-near-identical" in {kind for kind, _ in records.notices(dpo)}
