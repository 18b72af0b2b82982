"""Hit/no-hit between agencies, and the safeguards that keep records out of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from interagency.db import utcnow
from interagency.records import hits, services
from interagency.records.models import Hit, Record
from interagency.records.schemas import NeutralityIn, ReasonIn, RecordUpdate, VersionedReasonIn
from interagency.screening.service import NEAR_IDENTICAL_LIMIT, SCREENINGS_PER_DAY
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, Records, person
from tests.support.refusals import refused


def test_the_same_person_in_two_scripts_is_a_hit_that_each_side_sees_differently(
    records: Records,
) -> None:
    held = records.save("ru_liaison", person(RASHAD_RU))
    assert held.screening.hits == ()

    searched = records.save("kz_liaison", person(RASHAD_LATIN))

    assert len(searched.screening.hits) == 1
    reference = searched.screening.hits[0].reference
    with records.container.uow() as uow:
        as_searcher = hits.view(uow, records.council.caller(uow, "kz_liaison"), reference)
        as_owner = hits.view(uow, records.council.caller(uow, "ru_liaison"), reference)
        uow.commit()
    assert as_searcher.side == "searcher"
    assert as_searcher.owner_agency == "RU-SVC"
    assert as_searcher.band in {"strong", "possible"}
    assert as_searcher.score is None
    assert as_searcher.explanation is None
    assert as_searcher.record_id == searched.record.public_id
    assert as_owner.side == "owner"
    assert as_owner.record_id == held.record.public_id
    assert as_owner.score is not None
    assert as_owner.score >= 0.8
    fields = {entry["field"] for entry in as_owner.explanation or []}
    assert {"surname", "given_name", "birth_date"} <= fields
    assert "possible match" in as_searcher.notice
    # Both sides are told, by reference only.
    assert ("records:hit", {"reference": reference, "band": as_searcher.band}) in records.notices(
        "kz_liaison"
    )
    assert ("records:hit-on-yours", {"reference": reference}) in records.notices("ru_liaison")
    assert ("records:hit:found", "ok", "kz_liaison") in records.audit("records:hit:found")


def test_a_name_alone_is_never_a_hit(records: Records) -> None:
    records.save("ru_liaison", person({"surname": "Гусейнов", "given_name": "Рашад"}))
    searched = records.save("kz_liaison", person({"surname": "Huseynov", "given_name": "Rashad"}))
    assert searched.screening.screened
    assert searched.screening.hits == ()


def test_records_of_ones_own_agency_are_not_hits(records: Records) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    again = records.save("ru_analyst", person(RASHAD_LATIN))
    assert again.screening.hits == ()


def test_documents_and_phones_match_on_normalised_numbers(records: Records) -> None:
    records.save(
        "ru_liaison",
        person({"number": "АК 123-4567", "issuing_country": "aze"}, kind="document"),
    )
    records.save("ru_liaison", person({"number": "8 (701) 555-12-34"}, kind="phone"))
    document = records.save(
        "kz_liaison", person({"number": "AK1234567", "issuing_country": "AZE"}, kind="document")
    )
    phone = records.save("kz_liaison", person({"number": "+7 701 555 1234"}, kind="phone"))
    other_phone = records.save("kz_liaison", person({"number": "+7 701 555 1299"}, kind="phone"))
    assert [h.band for h in document.screening.hits] == ["strong"]
    assert [h.band for h in phone.screening.hits] == ["strong"]
    assert other_phone.screening.hits == ()


def test_a_victim_is_matched_only_after_another_supervisor_approves_why(records: Records) -> None:
    records.save("kz_liaison", person(RASHAD_LATIN))
    victim = records.save("ru_liaison", person(RASHAD_RU, subject_category="victim"))
    assert not victim.screening.screened
    assert records.hit_count() == 0
    reason = VersionedReasonIn(
        reason="Identifying the victim of the trafficking ring is strictly necessary", version=1
    )
    with records.container.uow() as uow:
        services.request_necessity(
            uow, records.council.caller(uow, "ru_supervisor"), victim.record.id, reason
        )
        uow.commit()
    # The supervisor who asked may not approve: four eyes.
    with records.container.uow() as uow, refused() as own:
        services.approve_necessity(
            uow,
            records.council.caller(uow, "ru_supervisor"),
            records.context(),
            victim.record.id,
            ReasonIn(reason="I agree with myself on this"),
        )
    with records.container.uow() as uow:
        approved = services.approve_necessity(
            uow,
            records.council.caller(uow, "ru_supervisor2"),
            records.context(),
            victim.record.id,
            ReasonIn(reason="Necessity checked against the case file"),
        )
        uow.commit()
    assert len(approved.screening.hits) == 1
    assert [(e.action, e.actor_login) for e in own] == [
        ("records:necessity:approve", "ru_supervisor")
    ]
    approvals = records.audit("records:necessity:approve")
    assert approvals == [("records:necessity:approve", "ok", "ru_supervisor2")]


def test_witnesses_and_smuggled_migrants_are_never_matched_unapproved(records: Records) -> None:
    records.save("ru_liaison", person(RASHAD_RU, subject_category="witness"))
    migrant = records.save(
        "kz_liaison",
        person(
            RASHAD_LATIN,
            subject_category="victim",
            smuggled_migrant=True,
            offence_category="migrant_smuggling",
            offence_article="Criminal code, art. 322.1",
        ),
    )
    assert records.hit_count() == 0
    assert not migrant.screening.screened


@pytest.mark.parametrize(
    "offence", ["extremism", "separatism", "religious_association", "unauthorised_assembly"]
)
def test_sensitive_offences_wait_for_the_neutrality_review(records: Records, offence: str) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    sensitive = records.save(
        "kz_liaison", person(RASHAD_LATIN, offence_category=offence, offence_article="Art. 1")
    )
    assert sensitive.record.neutrality == "pending"
    assert records.hit_count() == 0
    with records.container.uow() as uow:
        decided = services.decide_neutrality(
            uow,
            records.council.caller(uow, "board_reviewer"),
            records.context(),
            sensitive.record.id,
            NeutralityIn(cleared=True, reason="An ordinary criminal case: bombing plot"),
        )
        uow.commit()
    assert decided.record.neutrality == "cleared"
    assert len(decided.screening.hits) == 1


def test_a_refused_neutrality_review_keeps_the_record_with_its_owner(records: Records) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    sensitive = records.save(
        "kz_liaison",
        person(RASHAD_LATIN, offence_category="insult_defamation", offence_article="Art. 130"),
    )
    with records.container.uow() as uow:
        services.decide_neutrality(
            uow,
            records.council.caller(uow, "board_reviewer"),
            records.context(),
            sensitive.record.id,
            NeutralityIn(cleared=False, reason="Predominantly political: criticism of officials"),
        )
        uow.commit()
    with records.container.uow() as uow:
        update_data = RecordUpdate.model_validate(
            {**person(RASHAD_LATIN).model_dump(), "purpose": "Changed purpose text", "version": 2}
        )
        # Edited into an ordinary offence: no review needed, so it is screened again.
        saved = services.update(
            uow,
            records.council.caller(uow, "kz_liaison"),
            records.context(),
            sensitive.record.id,
            update_data,
        )
        uow.commit()
    assert saved.record.neutrality == "not_required"
    assert len(saved.screening.hits) == 1


def test_a_flagged_record_is_not_matched_until_reviewed(records: Records) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    mine = records.save("kz_liaison", person({"surname": "Other", "birth_date": "1990"}))
    with records.container.uow() as uow:
        flagged = services.flag(
            uow,
            records.council.caller(uow, "kz_liaison"),
            mine.record.id,
            VersionedReasonIn(reason="The requesting state's case looks political", version=1),
        )
        uow.commit()
    assert flagged.neutrality == "pending"
    with records.container.uow() as uow:
        data = RecordUpdate.model_validate({**person(RASHAD_LATIN).model_dump(), "version": 2})
        saved = services.update(
            uow, records.council.caller(uow, "kz_liaison"), records.context(), mine.record.id, data
        )
        uow.commit()
    assert saved.record.neutrality == "pending"
    assert saved.screening.hits == ()


def test_a_refugee_is_never_matched_towards_the_state_they_fled(records: Records) -> None:
    fled = records.save("kz_liaison", person(RASHAD_LATIN, refuge_from="RU"))
    searched = records.save("ru_liaison", person(RASHAD_RU))
    assert searched.screening.hits == ()
    assert fled.screening.hits == ()
    # The same pair without refuge is a hit: the refuge, nothing else, kept them apart.
    control = records.save("kz_liaison", person(RASHAD_LATIN))
    assert len(control.screening.hits) == 1


def test_the_owner_chooses_who_receives_hits(records: Records) -> None:
    records.save("ru_liaison", person(RASHAD_RU, hit_agencies=["RU-SVC"]))
    searched = records.save("kz_liaison", person(RASHAD_LATIN))
    assert searched.screening.hits == ()
    records.save("ru_liaison", person(RASHAD_RU, hit_agencies=["KZ-SVC"]))
    again = records.save("kz_liaison", person(RASHAD_LATIN))
    assert len(again.screening.hits) == 1


def test_records_past_their_review_date_are_not_matched(records: Records) -> None:
    held = records.save("ru_liaison", person(RASHAD_RU))
    with records.container.uow() as uow:
        uow.session.execute(
            update(Record)
            .where(Record.id == held.record.id)
            .values(review_due=utcnow().date() - timedelta(days=1))
        )
        uow.commit()
    searched = records.save("kz_liaison", person(RASHAD_LATIN))
    assert searched.screening.hits == ()


def test_repeated_edits_are_screened_three_times_a_day_then_alert_both_dpos(
    records: Records,
) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    probe = records.save("kz_liaison", person(RASHAD_LATIN))
    assert len(probe.screening.hits) == 1
    outcomes = []
    for version in range(1, SCREENINGS_PER_DAY + 1):
        with records.container.uow() as uow:
            data = RecordUpdate.model_validate(
                {**person(RASHAD_LATIN).model_dump(), "version": version}
            )
            saved = services.update(
                uow,
                records.council.caller(uow, "kz_liaison"),
                records.context(),
                probe.record.id,
                data,
            )
            uow.commit()
        outcomes.append((saved.screening.screened, saved.screening.deferred))
    # One screening at creation, then two more; the third edit waits.
    assert outcomes == [(True, False)] * (SCREENINGS_PER_DAY - 1) + [(False, True)]
    assert saved.record.screen_pending
    assert [kind for kind, _ in records.notices("kz_dpo")] == ["records:probing-edits"]
    assert [kind for kind, _ in records.notices("ru_dpo")] == ["records:probing-edits"]
    assert records.audit("records:probing:edits") == [("records:probing:edits", "ok", "kz_liaison")]


def test_many_near_identical_records_hitting_one_record_alert_both_dpos(records: Records) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    variants = [
        {**RASHAD_LATIN, "surname": spelling}
        for spelling in ("Huseynov", "Guseynov", "Gusejnov", "Husseinov")
    ]
    for particulars in variants[:NEAR_IDENTICAL_LIMIT]:
        records.save("kz_liaison", person(particulars))
    assert records.hit_count() == NEAR_IDENTICAL_LIMIT
    assert "records:probing-near-identical" in {kind for kind, _ in records.notices("kz_dpo")}
    assert "records:probing-near-identical" in {kind for kind, _ in records.notices("ru_dpo")}


def test_a_hit_is_confirmed_only_with_a_note_of_how_and_the_note_stays_on_its_side(
    records: Records,
) -> None:
    """The owner checks: it holds the found record's full data. The searching side has a
    reference and a band, nothing to compare, and may not record a check."""
    records.save("ru_liaison", person(RASHAD_RU))
    reference = records.save("kz_liaison", person(RASHAD_LATIN)).screening.hits[0].reference
    from interagency.records.schemas import HitCheckIn

    with records.container.uow() as uow, refused():
        hits.check(
            uow,
            records.council.caller(uow, "kz_liaison"),
            reference,
            HitCheckIn(confirmed=True, how="It looks like the same name to us"),
        )
    with records.container.uow() as uow:
        checked = hits.check(
            uow,
            records.council.caller(uow, "ru_liaison"),
            reference,
            HitCheckIn(confirmed=True, how="Compared the passport photographs in our file"),
        )
        uow.commit()
    assert checked.status == "confirmed"
    assert checked.check_note is not None
    with records.container.uow() as uow:
        other_side = hits.view(uow, records.council.caller(uow, "kz_liaison"), reference)
        uow.commit()
    assert other_side.status == "confirmed"
    assert other_side.check_note is None
    with records.container.uow() as uow:
        row = uow.session.scalar(select(Hit).where(Hit.reference == reference))
        assert row is not None
        assert row.checked_by_id == records.council.users["ru_liaison"]
