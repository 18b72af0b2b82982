"""Joint documents through the services: versions, review, positions, adoption, register."""

from __future__ import annotations

from datetime import date

import pytest

from interagency.council import documents, meetings
from interagency.council.schemas import (
    AdoptionIn,
    CommentIn,
    DocumentIn,
    Marking,
    MeetingIn,
    PositionIn,
    VersionIn,
)
from interagency.db import UnitOfWork
from interagency.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.integration.council.conftest import Secretariat
from tests.support.audit_trail import audit_actions

FIRST = "Статья 1. Стороны сотрудничают.\nСтатья 2. Обмен сведениями.\nСтатья 3. Срок действия."
SECOND = (
    "Статья 1. Стороны сотрудничают.\n"
    "Статья 2. Обмен сведениями в срок 10 дней.\n"
    "Статья 3. Срок действия."
)


def draft(title: str = "Соглашение об обмене информацией", tlp: str = "AMBER") -> DocumentIn:
    return DocumentIn(
        kind="agreement",
        title=title,
        parties=["RU-SVC", "KZ-SVC"],
        body=FIRST,
        marking=Marking.model_validate({"tlp": tlp}),
    )


def meeting(uow: UnitOfWork, members: Secretariat, number: int = 45) -> str:
    """A new meeting's public id, as adoption names it."""
    sec = members.caller(uow, "sec_officer")
    row = meetings.create_meeting(
        uow,
        sec,
        MeetingIn(
            number=number,
            title="Заседание",
            held_on=date(2026, 3, 14),
            place="Минск",
            chair="Председатель",
        ),
    )
    return row.public_id


def test_a_draft_is_reviewed_approved_and_adopted_into_the_register(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        meeting_id = meeting(uow, members)
        document = documents.create_document(uow, sec, draft())
        documents.add_version(uow, sec, document.id, VersionIn(body=SECOND, note="срок"))
        documents.submit_for_review(uow, sec, document.id)
        ru = members.caller(uow, "ru_supervisor")
        kz = members.caller(uow, "kz_supervisor")
        documents.comment(
            uow, members.caller(uow, "kz_liaison"), document.id, 2, CommentIn(body="Уточнить срок")
        )
        documents.take_position(uow, ru, document.id, PositionIn(stance="approve"))
        documents.take_position(
            uow, kz, document.id, PositionIn(stance="object", reason="Срок мал")
        )
        with pytest.raises(Conflict) as refused:
            documents.adopt(uow, sec, document.id, AdoptionIn(meeting_id=meeting_id))
        assert refused.value.params["agencies"] == "KZ-SVC"
        documents.take_position(uow, kz, document.id, PositionIn(stance="approve"))
        adopted = documents.adopt(uow, sec, document.id, AdoptionIn(meeting_id=meeting_id))
        assert adopted.register_number == "2026/001"
        assert adopted.adopted_on == date(2026, 3, 14)
        assert adopted.status == "adopted"
        with pytest.raises(Conflict):
            documents.add_version(uow, sec, document.id, VersionIn(body="иначе"))
        # The register finds it by a word of its title in another case, by number, by party.
        reader = members.caller(uow, "ru_analyst")
        assert [d.id for d in documents.register(uow, reader, "ОБМЕНЕ")] == [document.id]
        assert [d.id for d in documents.register(uow, reader, "2026/001")] == [document.id]
        assert [d.id for d in documents.register(uow, reader, "kz-svc")] == [document.id]
        assert documents.register(uow, reader, "рекомендации") == []
        uow.commit()
    actions = {
        a
        for a, outcome, _ in audit_actions(members.container, "council:document")
        if outcome == "ok"
    }
    assert {
        "council:document:adopt",
        "council:document:position",
        "council:document:comment",
    } <= actions


def test_a_later_document_supersedes_an_adopted_one(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        meeting_id = meeting(uow, members)
        old, new = (documents.create_document(uow, sec, draft(t)) for t in ("Старое", "Новое"))
        for row in (old, new):
            documents.submit_for_review(uow, sec, row.id)
            for login in ("ru_supervisor", "kz_supervisor"):
                documents.take_position(
                    uow, members.caller(uow, login), row.id, PositionIn(stance="approve")
                )
        documents.adopt(uow, sec, old.id, AdoptionIn(meeting_id=meeting_id))
        documents.adopt(
            uow, sec, new.id, AdoptionIn(meeting_id=meeting_id, supersedes_id=old.public_id)
        )
        assert (old.status, old.superseded_by_id) == ("superseded", new.id)
        assert new.register_number == "2026/002"


def test_a_new_version_asks_the_parties_again(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        document = documents.create_document(uow, sec, draft())
        documents.submit_for_review(uow, sec, document.id)
        documents.take_position(
            uow, members.caller(uow, "ru_supervisor"), document.id, PositionIn(stance="approve")
        )
        kz_id = members.council.agencies["KZ-SVC"]
        ru_id = members.council.agencies["RU-SVC"]
        assert documents.missing_approvals(document) == {kz_id}
        documents.add_version(uow, sec, document.id, VersionIn(body=SECOND))
        assert documents.missing_approvals(document) == {kz_id, ru_id}


def test_the_diff_shows_the_changed_line_only(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        document = documents.create_document(uow, sec, draft())
        documents.add_version(uow, sec, document.id, VersionIn(body=SECOND))
        _doc, lines = documents.diff(uow, sec, document.id, 1, 2)
        changed = [(line.kind, line.text) for line in lines if line.kind != "same"]
        assert changed == [
            ("removed", "Статья 2. Обмен сведениями."),
            ("added", "Статья 2. Обмен сведениями в срок 10 дней."),
        ]
        with pytest.raises(InvalidInput):
            documents.diff(uow, sec, document.id, 1, 5)


def test_who_may_comment_and_take_positions(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        document = documents.create_document(
            uow, sec, draft().model_copy(update={"parties": ["RU-SVC"]})
        )
        documents.submit_for_review(uow, sec, document.id)
        uow.commit()
    refused = [
        # Not a party: KZ-SVC may read an AMBER document but neither comment nor decide.
        (
            "kz_liaison",
            lambda uow, c: documents.comment(uow, c, document.id, 1, CommentIn(body="x")),
        ),
        (
            "kz_supervisor",
            lambda uow, c: documents.take_position(
                uow, c, document.id, PositionIn(stance="approve")
            ),
        ),
        # A party's liaison officer comments, but only its supervisor commits the agency.
        (
            "ru_liaison",
            lambda uow, c: documents.take_position(
                uow, c, document.id, PositionIn(stance="approve")
            ),
        ),
        # The secretariat keeps the pen, but does not speak for agencies.
        (
            "sec_officer",
            lambda uow, c: documents.take_position(
                uow, c, document.id, PositionIn(stance="approve")
            ),
        ),
        (
            "ru_liaison",
            lambda uow, c: documents.adopt(uow, c, document.id, AdoptionIn(meeting_id="a" * 26)),
        ),
    ]
    for login, attempt in refused:
        with members.container.uow() as uow, pytest.raises(Forbidden):
            attempt(uow, members.caller(uow, login))
    # An administrator sees no content: to them the document is not there at all.
    with members.container.uow() as uow, pytest.raises(NotFound):
        documents.get_document(uow, members.caller(uow, "sec_admin"), document.id)
    with members.container.uow() as uow:
        documents.comment(
            uow, members.caller(uow, "ru_liaison"), document.id, 1, CommentIn(body="Согласны")
        )


def test_a_red_document_is_invisible_outside_its_parties(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        red = documents.create_document(
            uow, sec, draft(tlp="RED").model_copy(update={"parties": ["RU-SVC"]})
        )
        uow.commit()
    with members.container.uow() as uow:
        assert [d.id for d in documents.list_documents(uow, members.caller(uow, "ru_analyst"))] == [
            red.id
        ]
        assert documents.list_documents(uow, members.caller(uow, "kz_liaison")) == []
        with pytest.raises(NotFound, match="no such document"):
            documents.get_document(uow, members.caller(uow, "kz_liaison"), red.id)


def test_an_objection_needs_reasons_and_h3_needs_its_restriction() -> None:
    with pytest.raises(ValueError, match="reasons"):
        PositionIn(stance="object", reason="  ")
    with pytest.raises(ValueError, match="H3"):
        Marking.model_validate({"handling_code": "H3"})
    assert Marking.model_validate(
        {"handling_code": "H3", "handling_note": "только для ЦА"}
    ).label == ("H3 · TLP:AMBER · только для ЦА")
