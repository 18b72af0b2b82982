"""Border crossings screened against fighters' profiles: one agency's crossing hits
another's cleared profile; the border officer checks it; the holder is alerted only once
it is confirmed; each side sees only its part. The profile's own safeguards (the review
board unless a UN 1267 group is named, minors as a protected category) and the refugee
rule hold on every screening."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import select

from interagency.errors import Conflict, Forbidden, NotFound
from interagency.exchange.models import Message, Thread
from interagency.exchange.sealing import open_body
from interagency.exchange.web_context import exchange_context
from interagency.identity.principals import Caller
from interagency.movements import alerts, counts, profiles, release
from interagency.movements.models import FighterAlert, FighterProfile
from interagency.records import details, hits, protection, services
from interagency.records.models import Neutrality, Record
from interagency.records.schemas import HitCheckIn, NeutralityIn, ReasonIn, VersionedReasonIn

from ..records.conftest import Records
from .conftest import cross, keep_profile


def _check(records: Records, login: str, reference: str, *, confirmed: bool) -> None:
    with records.container.uow() as uow:
        caller = records.council.caller(uow, login)
        hits.check(
            uow,
            caller,
            reference,
            HitCheckIn(
                confirmed=confirmed,
                how="Compared the passport at the booth with the engine's agreeing fields.",
            ),
        )
        uow.commit()


def test_a_crossing_hits_a_listed_groups_profile_and_each_side_sees_its_part(
    records: Records,
) -> None:
    record = keep_profile(records)
    out = cross(records)
    assert [(h.owner_agency, h.band in ("strong", "possible")) for h in out.hits] == [
        ("RU-SVC", True)
    ]
    reference = out.hits[0].reference
    with records.container.uow() as uow:
        border = hits.view(uow, records.council.caller(uow, "kz_liaison"), reference)
        holder = hits.view(uow, records.council.caller(uow, "ru_liaison"), reference)
        uow.commit()
    # The border officer compares the traveller with what agreed: score and explanation.
    assert border.side == "searcher"
    assert border.record_id == out.reference
    assert border.score is not None
    assert border.explanation
    # The holder: its own record, the reference, the band and the date; nothing else yet.
    assert holder.record_id == record.public_id
    assert (holder.score, holder.explanation) == (None, None)
    assert ("records:hit-on-yours", {"reference": reference}) not in records.notices("ru_liaison")
    # Only the submitting side checks: the holder cannot, nor can it be alerted before.
    with records.container.uow() as uow:
        caller = records.council.caller(uow, "ru_liaison")
        with pytest.raises(Forbidden):
            hits.check(uow, caller, reference, HitCheckIn(confirmed=True, how="Looks like him."))
    assert [a for a, _ in records.notices("ru_liaison") if a == "movements:alert"] == []
    _check(records, "kz_liaison", reference, confirmed=True)
    alert_notes = [p for k, p in records.notices("ru_liaison") if k == "movements:alert"]
    assert [p["reference"] for p in alert_notes] == [reference]
    with records.container.uow() as uow:
        board = profiles.board(
            uow, records.council.caller(uow, "ru_liaison"), records.container.vault
        )
        uow.commit()
    assert [(a.reference, a.direction, a.taken_up, a.overdue) for a in board.alerts] == [
        (reference, "entry", False, False)
    ]
    assert board.alerts[0].record_id == record.public_id
    # KZ holds no profile: its board is empty, and the alert is not its to take up.
    with records.container.uow() as uow, pytest.raises(NotFound):
        alerts.take_up(uow, records.council.caller(uow, "kz_liaison"), reference)
    with records.container.uow() as uow:
        alerts.take_up(uow, records.council.caller(uow, "ru_liaison"), reference)
        uow.commit()
    with records.container.uow() as uow:
        alert = uow.session.scalar(select(FighterAlert))
        assert alert is not None
        assert alert.taken_up_at is not None


def test_a_profile_without_a_listed_group_waits_for_the_review_board(records: Records) -> None:
    record = keep_profile(records, un_group=None)
    with records.container.uow() as uow:
        stored = uow.session.get(Record, record.id)
        assert stored is not None
        assert stored.neutrality == Neutrality.PENDING.value
        shown = profiles.of_record(
            uow, records.council.caller(uow, "ru_liaison"), records.container.vault, record.id
        )
        uow.commit()
    assert shown is not None
    assert (shown.screened, shown.waiting_for) == (False, "neutrality-review")
    assert cross(records).hits == []
    with records.container.uow() as uow:
        caller = records.council.caller(uow, "board_reviewer")
        services.decide_neutrality(
            uow,
            caller,
            records.context(),
            record.id,
            NeutralityIn(cleared=True, reason="Dated acts of violence."),
        )
        uow.commit()
    assert len(cross(records).hits) == 1


def test_a_minors_profile_is_matched_only_with_an_approved_necessity(records: Records) -> None:
    keep_profile(records, record_fields={"is_minor": True})
    assert cross(records).hits == []


def test_a_refugee_is_never_screened_against_the_state_fled(records: Records) -> None:
    keep_profile(records)
    assert cross(records, protection="refugee", protection_from="RU").hits == []
    assert cross(records, protection="asylum_seeker", protection_from="RUS").hits == []
    # The same traveller without protection hits: it was the safeguard that stopped it.
    assert len(cross(records).hits) == 1


def test_a_profile_not_shared_with_the_agency_is_not_screened(records: Records) -> None:
    keep_profile(records, record_fields={"hit_agencies": ["RU-SVC"]})
    assert cross(records).hits == []


def test_a_name_alone_is_no_hit(records: Records) -> None:
    keep_profile(records)
    out = cross(records, birth_date="1990-01-01", document_number="N99887766")
    assert out.hits == []


def test_a_dismissed_hit_alerts_nobody(records: Records) -> None:
    keep_profile(records)
    reference = cross(records).hits[0].reference
    _check(records, "kz_liaison", reference, confirmed=False)
    assert [k for k, _ in records.notices("ru_liaison") if k == "movements:alert"] == []
    with records.container.uow() as uow:
        assert uow.session.scalar(select(FighterAlert)) is None


def test_counts_are_shown_only_from_five(records: Records) -> None:
    for n in range(5):
        keep_profile(
            records,
            "ru_liaison",
            {"surname": f"Иванов{n}", "birth_date": f"19{70 + n}-01-01"},
            departed_on=date(2019, 4, 2 + n),
        )
    keep_profile(
        records,
        "ru_liaison",
        {"surname": "Петров", "birth_date": "1980-01-01"},
        status="returned",
        departed_on=date(2018, 1, 1),
        returned_on=date(2020, 2, 3),
    )
    with records.container.uow() as uow:
        rows = counts.monthly(uow, records.council.caller(uow, "sec_officer"))
        uow.commit()
    by_cell = {(r.state, r.month): (r.departures, r.returns) for r in rows}
    assert by_cell[("RUS", "2019-04")] == (5, None)
    assert by_cell[("RUS", "2020-02")] == (None, None)
    assert by_cell[("RUS", "2018-01")] == (None, None)


def test_a_minors_profile_hits_once_another_supervisor_approved_the_necessity(
    records: Records,
) -> None:
    record = keep_profile(records, record_fields={"is_minor": True})
    with records.container.uow() as uow:
        stored = uow.session.get(Record, record.id)
        assert stored is not None
        services.request_necessity(
            uow,
            records.council.caller(uow, "ru_supervisor"),
            record.id,
            VersionedReasonIn(
                version=stored.version,
                reason="Returning minor at risk; the family asked us to find him.",
            ),
        )
        uow.commit()
    with records.container.uow() as uow:
        caller = records.council.caller(uow, "ru_supervisor2")
        services.approve_necessity(
            uow,
            caller,
            records.context(),
            record.id,
            ReasonIn(reason="Necessary to protect the child."),
        )
        uow.commit()
    assert len(cross(records).hits) == 1


def test_a_border_systems_service_account_submits_but_never_checks(records: Records) -> None:
    keep_profile(records)
    reference = cross(records).hits[0].reference
    with records.container.uow() as uow:
        person = records.council.principal(uow, "kz_liaison")
        system = Caller(dataclasses.replace(person, person=False), "192.0.2.20")
        with pytest.raises(Forbidden):
            hits.check(uow, system, reference, HitCheckIn(confirmed=True, how="Automated."))


def test_the_crossings_place_reaches_the_holder_only_under_four_eyes(records: Records) -> None:
    keep_profile(records)
    reference = (
        cross(records, crossing_point="Zhibek Zholy", carrier="KTZ", service="T-14")
        .hits[0]
        .reference
    )
    # Not before the border officer confirmed the hit.
    with records.container.uow() as uow, pytest.raises(NotFound):
        release.propose(uow, records.council.caller(uow, "kz_liaison"), reference)
    _check(records, "kz_liaison", reference, confirmed=True)
    with records.container.uow() as uow:
        release.propose(uow, records.council.caller(uow, "kz_supervisor"), reference)
        uow.commit()
    context = exchange_context(records.container)
    # The one who proposed does not approve; the holder cannot release what it does not hold.
    for login, refusal in (("kz_supervisor", Forbidden), ("ru_supervisor", NotFound)):
        with records.container.uow() as uow, pytest.raises(refusal):
            release.approve(uow, records.council.caller(uow, login), context, reference)
    with records.container.uow() as uow:
        caller = records.council.caller(uow, "kz_liaison")
        release.propose(uow, caller, reference)
        uow.commit()
    with records.container.uow() as uow:
        alert = release.approve(
            uow, records.council.caller(uow, "kz_supervisor"), context, reference
        )
        uow.commit()
        thread = uow.session.get(Thread, alert.release_thread_id)
        assert thread is not None
        recipients = {r.agency_id for r in thread.recipients}
        message = uow.session.scalar(select(Message).where(Message.thread_id == thread.id))
        assert message is not None
        body = open_body(uow, records.container.vault, message)
    assert recipients == {records.council.agencies["RU-SVC"]}
    assert "Zhibek Zholy" in body
    assert "KTZ T-14" in body
    assert "HUSEYNOV" not in body  # the traveller's particulars are not the place and route


def test_the_profiles_details_reach_the_border_agency_through_the_records_release(
    records: Records,
) -> None:
    record = keep_profile(records)
    reference = cross(records).hits[0].reference
    context = exchange_context(records.container)
    with records.container.uow() as uow:
        details.request(
            uow,
            records.council.caller(uow, "kz_liaison"),
            context,
            reference,
            "The traveller is in secondary inspection at Nur Zholy now.",
        )
        uow.commit()
    # The holder releases nothing before a person at the border confirmed the hit.
    with records.container.uow() as uow, pytest.raises(Conflict):
        details.propose(uow, records.council.caller(uow, "ru_liaison"), reference, "Release.")
    _check(records, "kz_liaison", reference, confirmed=True)
    with records.container.uow() as uow:
        details.propose(uow, records.council.caller(uow, "ru_liaison"), reference, "Release.")
        uow.commit()
    with records.container.uow() as uow:
        out = details.approve(uow, records.council.caller(uow, "ru_supervisor"), context, reference)
        uow.commit()
    assert out.details_status == "released"
    assert out.record_id == record.public_id


def test_an_erased_profiles_basis_is_erased_with_its_record(records: Records) -> None:
    record = keep_profile(records)
    with records.container.uow() as uow:
        caller = records.council.caller(uow, "ru_dpo")
        protection.request_erasure(uow, caller, record.id, "The person asked; no basis left.")
        uow.commit()
    with records.container.uow() as uow:
        protection.approve_erasure(uow, records.council.caller(uow, "ru_supervisor"), record.id)
        uow.commit()
    with records.container.uow() as uow:
        profile = uow.session.scalar(select(FighterProfile))
        assert profile is not None
        assert profile.basis == "[erased]"
    assert cross(records).hits == []
