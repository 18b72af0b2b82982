"""The daily upkeep (`records.maintenance.rescreen`): what it counts, and that a second
run changes nothing more than the first (it runs on a schedule, and may run twice)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from interagency.audit.models import AuditEntry
from interagency.db import utcnow
from interagency.identity.models import Notification
from interagency.identity.principals import operator
from interagency.records import services
from interagency.records.maintenance import RescreenOutcome, rescreen
from interagency.records.models import Hit, Record, Screening
from interagency.records.schemas import RecordUpdate
from interagency.screening.service import SCREENINGS_PER_DAY
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, Records, person

OLEG_RU = {"surname": "Петров", "given_name": "Олег", "birth_date": "02.07.1979", "sex": "M"}
OLEG_LATIN = {"surname": "Petrov", "given_name": "Oleg", "birth_date": "1979-07-02"}
RASHAD_AGAIN = {"surname": "Guseinov", "given_name": "Rashad", "birth_date": "1985-03-14"}
NOBODY = {"surname": "Ivanova", "given_name": "Zarina", "birth_date": "2001-11-30"}


def edit_until_deferred(records: Records, record_id: int) -> None:
    """The KZ liaison changes the record until its daily screenings are used up."""
    for version in range(1, SCREENINGS_PER_DAY + 1):
        with records.container.uow() as uow:
            data = RecordUpdate.model_validate(
                {**person(RASHAD_LATIN).model_dump(), "version": version}
            )
            caller = records.council.caller(uow, "kz_liaison")
            services.update(uow, caller, records.context(), record_id, data)
            uow.commit()


def left_waiting(records: Records, *particulars: dict[str, str]) -> list[int]:
    """KZ records whose cross-check has not run yet, as an upload whose batch cross-check
    was cut short leaves them."""
    ids = [records.save("kz_liaison", person(p)).record.id for p in particulars]
    with records.container.uow() as uow:
        uow.session.execute(update(Record).where(Record.id.in_(ids)).values(screen_pending=True))
        uow.commit()
    return ids


def counts(records: Records) -> dict[str, int]:
    with records.container.uow() as uow:
        return {
            model.__name__: uow.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Hit, Screening, Notification, AuditEntry)
        }


def waiting(records: Records) -> set[int]:
    with records.container.uow() as uow:
        return set(uow.session.scalars(select(Record.id).where(Record.screen_pending.is_(True))))


def run(records: Records) -> tuple[RescreenOutcome, list[tuple[int, int]]]:
    reports: list[tuple[int, int]] = []
    outcome = rescreen(
        records.container.uow,
        records.container.vault,
        operator(),
        lambda done, total: reports.append((done, total)),
    )
    return outcome, reports


def test_rescreen_counts_what_it_did_and_a_second_run_changes_nothing(records: Records) -> None:
    # Entered before the RU record they match, so no hit of theirs exists yet.
    uploaded = left_waiting(records, RASHAD_AGAIN, NOBODY)
    records.save("ru_liaison", person(RASHAD_RU))
    probe = records.save("kz_liaison", person(RASHAD_LATIN))
    edit_until_deferred(records, probe.record.id)
    # A hit whose RU record then passes its review date: the sweep expires it.
    lapsing = records.save("ru_liaison", person(OLEG_RU))
    assert len(records.save("kz_liaison", person(OLEG_LATIN)).screening.hits) == 1
    with records.container.uow() as uow:
        uow.session.execute(
            update(Record)
            .where(Record.id == lapsing.record.id)
            .values(review_due=utcnow().date() - timedelta(days=1))
        )
        uow.commit()
    assert waiting(records) == {probe.record.id, *uploaded}
    hits_before = records.hit_count()
    dpo_alerts = records.notices("ru_dpo")

    first, reports = run(records)

    assert first == RescreenOutcome(expired=1, waited=3, screened=2, hits=1, still_waiting=1)
    assert reports == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert records.hit_count() == hits_before + 1  # Guseinov's record found the RU one
    assert waiting(records) == {probe.record.id}  # still over its daily limit
    # The DPOs were told of the probing edits once, when the change was deferred.
    assert records.notices("ru_dpo") == dpo_alerts
    after_first = counts(records)

    second, reports = run(records)

    assert second == RescreenOutcome(expired=0, waited=1, screened=0, hits=0, still_waiting=1)
    assert reports == [(0, 1), (1, 1)]
    assert counts(records) == after_first
    assert waiting(records) == {probe.record.id}


def test_a_record_screened_since_the_list_was_read_is_not_screened_again(
    records: Records,
) -> None:
    [uploaded] = left_waiting(records, RASHAD_AGAIN)
    records.save("ru_liaison", person(RASHAD_RU))

    def screened_meanwhile(done: int, total: int) -> None:
        # Another run (or the upload's own cross-check) finishes first.
        if done == 0:
            with records.container.uow() as uow:
                uow.session.execute(
                    update(Record).where(Record.id == uploaded).values(screen_pending=False)
                )
                uow.commit()

    before = counts(records)
    outcome = rescreen(
        records.container.uow, records.container.vault, operator(), screened_meanwhile
    )

    assert outcome == RescreenOutcome(expired=0, waited=1, screened=0, hits=0, still_waiting=0)
    assert counts(records) == before
