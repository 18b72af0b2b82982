"""The lessons-learned library: lessons written by those who took part in an event,
shared with all member agencies or with those chosen; read, listed and found by search
only by the agencies they are shared with, their author's agency and the secretariat (to
anyone else a lesson does not exist, not even in a search); searched through the blind
index in any form of a word, Russian or English; filtered by event type and threat;
every read, search and writing audited; the pages in Russian and English."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.errors import Forbidden, InvalidInput, NotFound
from interagency.events import dossier, lessons
from interagency.events.models import EventKind, Lesson, ThreatCategory
from interagency.events.schemas import DelegationIn, LessonIn
from interagency.identity.models import Agency, AgencyKind, Role
from interagency.identity.principals import Caller
from interagency.vault.models import SealedTerm
from interagency.web.app import create_app
from tests.integration.events.conftest import act, hosted
from tests.support.audit_trail import audit_actions
from tests.support.forms import submit as submit_form
from tests.support.identity import Council, add_member, sign_in, submit
from tests.support.refusals import refused

DOGS = LessonIn(
    title="Кинологи на каждой арене",
    text="Досмотр оставленных вещей задерживал вход: держите кинологический расчёт у "
    "каждого входа.",
    threats=[ThreatCategory.EXPLOSIVE_ATTACK],
    shared_with_all=False,
    agencies=["KZ-SVC"],
)
GATES = LessonIn(
    title="Reserve gates",
    text="Open the reserve gates ten minutes before the final whistle; crowds screened "
    "at the outer ring moved faster.",
    threats=[ThreatCategory.CROWD_VIOLENCE],
)


def _third_agency(container: Container, council: Council) -> None:
    """A third member agency (in KZ's state) with a liaison officer, taking no part in the
    event."""
    with container.uow() as uow:
        kz = uow.session.get(Agency, council.agencies["KZ-SVC"])
        assert kz is not None
        agency = Agency(
            code="UZ-SVC",
            kind=AgencyKind.MEMBER_AGENCY.value,
            member_state_id=kz.member_state_id,
            name_ru="UZ",
            name_en="UZ",
        )
        uow.session.add(agency)
        uow.commit()
        council.agencies["UZ-SVC"] = agency.id
    add_member(container, council, "uz_liaison", "UZ-SVC", Role.LIAISON_OFFICER)


def _titles(
    container: Container, council: Council, login: str, text: str = "", **kw: object
) -> list[str]:
    def titles(uow: UnitOfWork, caller: Caller) -> list[str]:
        return [x.title for x in lessons.library(uow, caller, text, **kw)]  # type: ignore[arg-type]

    return act(container, council, login, titles)


def test_a_lesson_is_found_only_by_those_it_is_shared_with(
    container: Container, council: Council
) -> None:
    _third_agency(container, council)
    event_id = hosted(container, council, kind="sports_competition")
    kz = DelegationIn(agency="KZ-SVC")
    act(container, council, "ru_liaison",
        lambda uow, c: dossier.add_participant(uow, c, event_id, kz))  # fmt: skip
    dogs = act(container, council, "ru_liaison",
               lambda uow, c: lessons.write_lesson(uow, c, event_id, DOGS).id)  # fmt: skip
    gates = act(container, council, "kz_liaison",
                lambda uow, c: lessons.write_lesson(uow, c, event_id, GATES).id)  # fmt: skip

    # an agency with no part in the event writes no lesson of it; the secretariat neither
    for login, error in (("uz_liaison", NotFound), ("sec_officer", Forbidden)):
        with container.uow() as uow, pytest.raises(error):
            lessons.write_lesson(uow, council.caller(uow, login), event_id, GATES)
    # sharing with chosen agencies names at least one other member agency
    with container.uow() as uow, pytest.raises(InvalidInput):
        lessons.write_lesson(
            uow, council.caller(uow, "ru_liaison"), event_id,
            DOGS.model_copy(update={"agencies": ["RU-SVC"]}),
        )  # fmt: skip

    # the search, in Russian (another form of the word) and in English
    assert _titles(container, council, "kz_liaison", "досмотра") == [DOGS.title]
    assert _titles(container, council, "ru_supervisor", "кинологический досмотр") == [DOGS.title]
    assert _titles(container, council, "ru_liaison", "screening gate") == [GATES.title]
    assert _titles(container, council, "kz_liaison", "the") == [GATES.title, DOGS.title]
    assert _titles(container, council, "kz_liaison", "вертолёт") == []
    # filters by threat and by event type
    assert _titles(container, council, "kz_liaison", threat=ThreatCategory.CROWD_VIOLENCE) == [
        GATES.title
    ]
    assert _titles(container, council, "sec_officer", kind=EventKind.SUMMIT) == []
    assert _titles(container, council, "sec_officer") == [GATES.title, DOGS.title]

    # UZ-SVC sees the lesson shared with all, and never the one shared with KZ-SVC alone:
    # not by a search for its words, not by its id
    assert _titles(container, council, "uz_liaison") == [GATES.title]
    assert _titles(container, council, "uz_liaison", "досмотр") == []
    assert _titles(container, council, "uz_liaison", "кинологи") == []
    # (answered as a missing lesson, the refusal carried to be audited)
    with container.uow() as uow, refused(NotFound):
        lessons.get_lesson(uow, council.caller(uow, "uz_liaison"), dogs)
    with container.uow() as uow, refused(NotFound):
        lessons.get_lesson(uow, council.caller(uow, "ru_dpo"), gates)
    with container.uow() as uow, refused(Forbidden):
        lessons.library(uow, council.caller(uow, "kz_dpo"))
    read = act(container, council, "uz_liaison",
               lambda uow, c: lessons.get_lesson(uow, c, gates).text)  # fmt: skip
    assert read == GATES.text

    with container.uow() as uow:
        stored = uow.session.get(Lesson, dogs)
        assert stored is not None
        assert "Кинологи".encode() not in stored.title_sealed
        terms = uow.session.scalars(
            select(SealedTerm.term).where(SealedTerm.public_id == stored.public_id)
        )
        assert all(len(t) == 32 for t in terms)  # keyed hashes, not words
    actions = [(a, o) for a, o, _ in audit_actions(container, "events:lesson:")]
    assert actions.count(("events:lesson:write", "ok")) == 2
    assert ("events:lesson:read", "ok") in actions
    assert ("events:lesson:list", "ok") in actions


def test_the_library_pages(container: Container, council: Council) -> None:
    event_id = hosted(container, council)
    with container.uow() as uow:
        event_ref = dossier.get_event(uow, council.caller(uow, "ru_liaison"), event_id).public_id
    report = f"/events/{event_ref}/report"
    ru = TestClient(create_app(container))
    assert sign_in(ru, council, "ru_liaison").status_code == 303
    assert 'href="/lessons"' in ru.get("/events").text  # in the main navigation
    lesson: dict[str, str | list[str]] = {"title": "Резервные ворота", "text": "Открывать заранее.",
              "threats": ["crowd_violence"], "share": "chosen", "agencies": ""}  # fmt: skip
    refused_form = submit_form(ru, report, f"/events/{event_ref}/lessons", lesson)
    assert refused_form.status_code == 422
    assert 'id="e-agencies"' in refused_form.text
    saved = submit(ru, report, f"/events/{event_ref}/lessons", **{**lesson, "share": "all"})
    assert saved.status_code == 303, saved.text
    page = saved.headers["location"]
    assert page.startswith("/lessons/")
    assert "Открывать заранее." in ru.get(page).text
    assert f'href="{page}"' in ru.get(report).text
    found = ru.get("/lessons", params={"q": "ворот", "threat": "crowd_violence"},
                   headers={"Accept-Language": "ru"})  # fmt: skip
    assert found.status_code == 200
    assert 'lang="ru"' in found.text
    assert "Резервные ворота" in found.text
    english = ru.get("/lessons", params={"q": "окна"}, headers={"Accept-Language": "en"}).text
    assert "Lessons learned" in english
    assert "Резервные ворота" not in english
    assert ru.get("/lessons", params={"kind": "parade"}).status_code == 422
    dpo = TestClient(create_app(container))
    assert sign_in(dpo, council, "kz_dpo").status_code == 303
    assert dpo.get(page).status_code == 404
