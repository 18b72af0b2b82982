"""The lessons-learned library searched across scripts: a place or a name written in one
script (Russian or Kazakh Cyrillic, Latin of any standard, Armenian, Georgian) is found by
its spelling in another, both ways; an unrelated word finds nothing; the forms of a word
still meet; the index holds only keyed hashes; lessons stored before the index had these
terms are found once `index_all` (`interagency events index-lessons`) has run."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select
from typer.testing import CliRunner

from interagency.bootstrap import Container
from interagency.cli import app
from interagency.db import UnitOfWork
from interagency.events import cli as events_cli
from interagency.events import dossier, lessons
from interagency.events.models import Lesson, ThreatCategory
from interagency.events.schemas import DelegationIn, LessonIn
from interagency.identity.principals import Caller
from interagency.vault.models import SealedTerm
from tests.integration.events.conftest import act, hosted
from tests.support.audit_trail import audit_actions
from tests.support.identity import Council


def lesson(title: str, text: str) -> LessonIn:
    return LessonIn(
        title=title, text=text, threats=[ThreatCategory.CROWD_VIOLENCE], shared_with_all=True
    )


# (author, lesson): one place in each script
TASHKENT = (
    "ru_liaison",
    lesson("Досмотр багажа в Ташкенте", "Кинологи у каждого входа сократили очередь вдвое."),
)
ALMATY = (
    "kz_liaison",
    lesson("Crowd flow in Almaty and Bakı", "The reserve gates of the arena opened late."),
)
GATES = (
    "kz_liaison",
    lesson("Reserve gates", "Keep the back gate closed until the final whistle."),
)
KARAGANDA = ("kz_liaison", lesson("Учения в Қарағанды", "Совместные учения на стадионе «Шахтёр»."))
YEREVAN = ("ru_liaison", lesson("Երևան", "Անվտանգության ստուգում"))
TBILISI = ("ru_liaison", lesson("თბილისი", "დინამო არენა"))
ALL = (TASHKENT, ALMATY, GATES, KARAGANDA, YEREVAN, TBILISI)  # fmt: skip


def _library(container: Container, council: Council) -> dict[str, int]:
    """An event hosted by RU-SVC with KZ-SVC taking part, and its lessons (title -> id)."""
    event_id = hosted(container, council, kind="sports_competition")
    kz = DelegationIn(agency="KZ-SVC")
    act(container, council, "ru_liaison",
        lambda uow, c: dossier.add_participant(uow, c, event_id, kz))  # fmt: skip
    written: dict[str, int] = {}
    for login, data in ALL:
        written[data.title] = act(
            container,
            council,
            login,
            lambda uow, c, d=data: lessons.write_lesson(uow, c, event_id, d).id,
        )
    return written


def _found(
    container: Container, council: Council, query: str, login: str = "kz_liaison"
) -> set[str]:
    def titles(uow: UnitOfWork, caller: Caller) -> set[str]:
        return {x.title for x in lessons.library(uow, caller, query)}

    return act(container, council, login, titles)


def _title(entry: tuple[str, LessonIn]) -> str:
    return entry[1].title


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # a Latin query finds a Cyrillic name, in another case too (в Ташкенте)
        ("Tashkent", TASHKENT),
        ("Toshkent", TASHKENT),
        ("tashkent", TASHKENT),
        # a Cyrillic query finds a Latin name, of any standard (Bakı is Azerbaijani)
        ("Алматы", ALMATY),
        ("Баку", ALMATY),
        ("Baku", ALMATY),
        # Russian and Kazakh Cyrillic spell the city apart
        ("Караганда", KARAGANDA),
        ("Karaganda", KARAGANDA),
        # Armenian and Georgian
        ("Ереван", YEREVAN),
        ("Yerevan", YEREVAN),
        ("Тбилиси", TBILISI),
        ("Tbilisi", TBILISI),
        ("Dinamo", TBILISI),
    ],
)
def test_a_place_is_found_in_another_script(
    container: Container, council: Council, query: str, expected: tuple[str, LessonIn]
) -> None:
    _library(container, council)
    assert _found(container, council, query) == {_title(expected)}


def test_unrelated_words_find_nothing_and_the_forms_of_a_word_still_meet(
    container: Container, council: Council
) -> None:
    _library(container, council)
    for unrelated in ("Москва", "Samarkand", "Бишкек", "Kazan", "вертолёт"):
        assert _found(container, council, unrelated) == set(), unrelated
    # "back" is written in lower case: no name, so Баку does not find it (ALMATY has Bakı)
    assert _found(container, council, "Баку") == {_title(ALMATY)}
    # the stems, as before
    assert _found(container, council, "досмотра") == {_title(TASHKENT)}
    assert _found(container, council, "кинолог") == {_title(TASHKENT)}
    assert _found(container, council, "учениях") == {_title(KARAGANDA)}
    assert _found(container, council, "gate") == {_title(ALMATY), _title(GATES)}
    # every word of a query must be found, in its own script or another
    assert _found(container, council, "Tashkent кинологи") == {_title(TASHKENT)}
    assert _found(container, council, "Tashkent gates") == set()


def test_the_index_holds_only_keyed_hashes(container: Container, council: Council) -> None:
    written = _library(container, council)
    with container.uow() as uow:
        stored = uow.session.get(Lesson, written[_title(TASHKENT)])
        assert stored is not None
        terms = set(
            uow.session.scalars(
                select(SealedTerm.term).where(SealedTerm.public_id == stored.public_id)
            )
        )
        stems_only = container.vault.index_terms(
            uow.session, stored.author_agency_id, stored.title
        ) | container.vault.index_terms(uow.session, stored.author_agency_id, stored.text)
        sealed = stored.title_sealed + stored.text_sealed
    assert terms > stems_only  # the names' cross-script terms besides the stems
    assert all(re.fullmatch(r"[0-9a-f]{32}", term) for term in terms)
    for clear in ("ташкент", "tashkent", "t.shk.nt", "досмотр"):
        assert clear not in " ".join(terms)
        assert clear.encode() not in sealed


def _as_an_earlier_release_indexed(uow: UnitOfWork, container: Container) -> None:
    """Every lesson's terms replaced by its stems alone, as before this release."""
    for stored in uow.session.scalars(select(Lesson)):
        for column in ("title", "text"):
            source = f"{Lesson.__tablename__}.{column}"
            uow.session.execute(
                delete(SealedTerm).where(
                    SealedTerm.source == source, SealedTerm.public_id == stored.public_id
                )
            )
            text = getattr(stored, column)
            for term in container.vault.index_terms(uow.session, stored.author_agency_id, text):
                uow.session.add(
                    SealedTerm(
                        agency_id=stored.author_agency_id,
                        source=source,
                        public_id=stored.public_id,
                        term=term,
                    )
                )


def test_lessons_stored_before_are_found_once_indexed_again(
    container: Container, council: Council
) -> None:
    _library(container, council)
    with container.uow() as uow:
        _as_an_earlier_release_indexed(uow, container)
        uow.commit()
    assert _found(container, council, "Tashkent") == set()
    assert _found(container, council, "досмотра") == {_title(TASHKENT)}
    with container.uow() as uow:
        assert lessons.index_all(uow) == len(ALL)
        uow.commit()
    assert _found(container, council, "Tashkent") == {_title(TASHKENT)}
    assert _found(container, council, "Алматы") == {_title(ALMATY)}
    assert _found(container, council, "досмотра") == {_title(TASHKENT)}


def test_the_operators_command_indexes_the_lessons_again(
    container: Container, council: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    _library(container, council)
    with container.uow() as uow:
        _as_an_earlier_release_indexed(uow, container)
        uow.commit()
    # The command on this platform (it would build its own from the settings).
    monkeypatch.setattr(events_cli, "container_or_exit", lambda: container)
    result = CliRunner().invoke(app, ["events", "index-lessons"])
    assert result.exit_code == 0, result.output
    assert f"{len(ALL)} lessons indexed" in result.output
    assert _found(container, council, "Tashkent") == {_title(TASHKENT)}
    indexed = audit_actions(container, "events:lesson:reindexed")
    assert [(action, outcome) for action, outcome, _ in indexed] == [
        ("events:lesson:reindexed", "ok")
    ]
    assert (indexed[0][2] or "").startswith("operator:")
