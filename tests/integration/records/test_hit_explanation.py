"""The hit page tells the owning agency, in Russian and in English, why the engine
proposes the pair: what each field's comparison found and how far it counts, with the
weight beside the words. The searching agency sees none of it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from interagency.bootstrap import Container
from interagency.records.models import Hit
from interagency.web.app import create_app
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, Records, person
from tests.support.identity import Council, sign_in

# The RU record has the sex, the KZ one does not; both have the whole birth date 14.03.1985.
WORDS = {
    "en": [
        "Date of birth",
        "same birth date",
        "counts strongly for the match",
        "sex not known on one side or both",
        "counts neither for nor against",
        "+1 doubles the odds of a match",
    ],
    "ru": [
        "Дата рождения",
        "та же дата рождения",
        "сильно в пользу совпадения",
        "пол не указан в одной или обеих записях",
        "ни за, ни против",
        "+1 удваивает шансы совпадения",
    ],
}
# What the engine stores and no officer should have to read.
ENGINE_LABELS = ["Exact match on dob", "sex is NULL", "dob_y"]


def _client(container: Container, council: Council, login: str) -> TestClient:
    client = TestClient(create_app(container))
    assert sign_in(client, council, login).status_code == 303
    return client


def _page(client: TestClient, reference: str, language: str) -> str:
    page = client.get(f"/records/hits/{reference}", headers={"Accept-Language": language})
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    return page.text


def _explanation(html: str) -> str:
    table = re.search(r'<table class="table" id="explanation">.*?</table>', html, re.S)
    assert table, "the page has no explanation"
    return table.group(0)


def _hit(records: Records) -> str:
    records.save("ru_liaison", person(RASHAD_RU))
    searched = records.save("kz_liaison", person(RASHAD_LATIN))
    assert len(searched.screening.hits) == 1
    return searched.screening.hits[0].reference


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_owner_reads_why_in_words_with_the_weights(
    container: Container, council: Council, records: Records, language: str
) -> None:
    reference = _hit(records)
    html = _page(_client(container, council, "ru_liaison"), reference, language)
    table = _explanation(html)
    for words in WORDS[language]:
        assert words in html, words
    for engine_label in ENGINE_LABELS:
        assert engine_label not in table
    # The sex, missing on one side, weighs nothing; each other weight shows with its sign.
    assert "(0.0)" in table
    assert re.search(r"\(\+\d+\.\d\)", table)


def test_the_searching_agency_sees_no_explanation(
    container: Container, council: Council, records: Records
) -> None:
    reference = _hit(records)
    searcher = _client(container, council, "kz_liaison")
    for language in ("en", "ru"):
        html = _page(searcher, reference, language)
        assert 'id="explanation"' not in html
        for words in WORDS[language]:
            assert words not in html, words


def test_a_stored_level_the_words_do_not_know_shows_as_stored(
    container: Container, council: Council, records: Records
) -> None:
    reference = _hit(records)
    older = [
        {"field": "surname", "level": "a level of an older engine", "weight": 2.345},
        {"field": "eye_colour", "level": "same colour"},
    ]
    with container.uow() as uow:
        uow.session.execute(update(Hit).where(Hit.reference == reference).values(explanation=older))
        uow.commit()
    table = _explanation(_page(_client(container, council, "ru_liaison"), reference, "en"))
    assert "a level of an older engine" in table
    assert "counts for the match (+2.3)" in table
    assert "eye_colour" in table
    assert "not weighed" in table
