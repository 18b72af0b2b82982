"""The lessons-learned library: the council's exchange of best practice on securing major
events.

A lesson is written by the host of an event or an agency taking part in it, linked to
the event and tagged with the event's type and with threat categories; its title and
text are sealed under the author's agency's key and their words kept in the vault's
blind index (`SealedText(searchable=True)`), so the library searches them without any
plaintext in the database. It is shared with every member agency or with the agencies
its author chose; it is read only by those, its author's agency and the secretariat, and
anybody else is answered as if it did not exist (`policy`). Every read, search and
writing is audited.

A search word matches a word of the same stem in Russian or in English (Snowball
stemming of the blind index), in a title or a text: "досмотр" finds "досмотра" and
"screening" finds "screened". Title and text are also indexed across scripts
(`SealedText(across_scripts=latin_spelling)`: an option of the column, which lessons
alone take, so that no other searchable text's index changes): a name or place written
with a capital letter in one script is found by its spelling in another, through the
linkage engine's transliteration ("Tashkent" and "Toshkent" find "в Ташкенте", "Баку"
finds "Bakı", "Караганда" finds "Қарағанды", "Ереван" finds "Երևան"). These terms are
keyed hashes like the others; lessons stored before them get them from `index_all`
(`interagency events index-lessons`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import or_, select

from interagency import audit
from interagency.db import UnitOfWork
from interagency.errors import InvalidInput, NotFound
from interagency.events import access, policy
from interagency.events.models import (
    EventKind,
    Lesson,
    LessonShare,
    LessonThreat,
    ThreatCategory,
)
from interagency.events.schemas import LessonIn
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.models import AgencyKind
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.vault.columns import index_again, matching

LESSON = "event-lesson"
MAX_QUERY = 200
_WORD = re.compile(r"[^\W_]+")
_MISSING = lazy("There is no such lesson.")
_SEARCHED = (Lesson.title, Lesson.text)


def _relations(principal: Principal, lesson: Lesson) -> frozenset[policy.Relation]:
    return policy.lesson_relations(
        principal,
        lesson.author_agency_id,
        lesson.shared_with_all,
        [share.agency_id for share in lesson.shares],
    )


def readable(principal: Principal | None, lesson: Lesson) -> bool:
    return principal is not None and policy.allowed(
        principal, policy.Action.READ_LESSON, _relations(principal, lesson)
    )


def write_lesson(uow: UnitOfWork, caller: Caller, event_id: int, data: LessonIn) -> Lesson:
    event, principal = access.gate(uow, caller, policy.Action.WRITE_LESSON, event_id)
    chosen: list[int] = []
    if not data.shared_with_all:
        for code in dict.fromkeys(data.agencies):
            agency = access.member_agency(uow, code, "agencies")
            if agency.id != principal.agency_id:
                chosen.append(agency.id)
        if not chosen:
            raise InvalidInput(
                lazy("Name at least one other member agency, or share the lesson with all."),
                for_field="agencies",
            )
    lesson = Lesson(
        event=event,
        event_kind=event.kind,
        title=data.title.strip(),
        text=data.text.strip(),
        shared_with_all=data.shared_with_all,
        author_agency_id=principal.agency_id,
        author_id=principal.user_id,
    )
    lesson.threats = [LessonThreat(category=c.value) for c in sorted(set(data.threats))]
    lesson.shares = [LessonShare(agency_id=agency_id) for agency_id in sorted(chosen)]
    uow.session.add(lesson)
    uow.session.flush()
    detail = {
        "event": event.id,
        "shared_with_all": lesson.shared_with_all,
        "shared_with": sorted(chosen),
        "threats": [t.category for t in lesson.threats],
    }
    access.record(uow, caller, "events:lesson:write", lesson.id, detail, LESSON)
    return lesson


def get_lesson(uow: UnitOfWork, caller: Caller, lesson_id: int) -> Lesson:
    """The lesson, if the caller may read it; one they may not is answered as a missing
    one (and the refusal audited)."""
    lesson = uow.session.get(Lesson, lesson_id)
    action = policy.Action.READ_LESSON.value
    if lesson is None or not readable(caller.principal, lesson):
        raise guard.hidden(caller, action, LESSON, lesson_id, NotFound(_MISSING))
    access.record(uow, caller, "events:lesson:read", lesson.id, {"event": lesson.event_id}, LESSON)
    return lesson


def _candidates(
    uow: UnitOfWork,
    principal: Principal,
    kind: EventKind | None,
    threat: ThreatCategory | None,
    event_id: int | None,
) -> list[Lesson]:
    """The lessons shared with the principal's agency (or written by it; every lesson
    for the secretariat) through the filters, newest first, each checked by the table."""
    query = select(Lesson).order_by(Lesson.id.desc())
    if principal.agency_kind is not AgencyKind.SECRETARIAT:
        shared = select(LessonShare.lesson_id).where(LessonShare.agency_id == principal.agency_id)
        query = query.where(
            or_(
                Lesson.author_agency_id == principal.agency_id,
                Lesson.shared_with_all.is_(True),
                Lesson.id.in_(shared),
            )
        )
    if kind is not None:
        query = query.where(Lesson.event_kind == kind.value)
    if threat is not None:
        tagged = select(LessonThreat.lesson_id).where(LessonThreat.category == threat.value)
        query = query.where(Lesson.id.in_(tagged))
    if event_id is not None:
        query = query.where(Lesson.event_id == event_id)
    return [lesson for lesson in uow.session.scalars(query) if readable(principal, lesson)]


def _matching(uow: UnitOfWork, lessons: Iterable[Lesson], text: str) -> set[str]:
    """Public ids of `lessons` whose title or text holds every indexed word of `text`
    (each searched under the index key of each author's agency among them). Function
    words and one-letter words are passed over; a query of nothing else matches all."""
    authors = sorted({lesson.author_agency_id for lesson in lessons})
    found = {lesson.public_id for lesson in lessons}
    for word in dict.fromkeys(_WORD.findall(text)):
        with_word: set[str] = set()
        indexed = False
        for agency_id in authors:
            for column in _SEARCHED:
                ids = matching(
                    uow.session,
                    f"{Lesson.__tablename__}.{column.name}",
                    agency_id,
                    word,
                    across_scripts=column.across_scripts,
                )
                if ids is not None:
                    indexed = True
                    with_word |= ids
        if indexed:
            found &= with_word
    return found


def library(
    uow: UnitOfWork,
    caller: Caller,
    text: str = "",
    kind: EventKind | None = None,
    threat: ThreatCategory | None = None,
    event_id: int | None = None,
) -> list[Lesson]:
    """The lessons the caller may read, through the filters and the search, newest first
    (audited with the lessons shown; the query as personal data)."""
    who = caller.principal
    decision = who is not None and policy.may(who, policy.Action.VIEW_LIBRARY)
    principal = guard.check(caller, decision, policy.Action.VIEW_LIBRARY, LESSON)
    text = text.strip()
    if len(text) > MAX_QUERY:
        raise InvalidInput(
            lazy("Search for at most {most} characters."), most=MAX_QUERY, for_field="q"
        )
    shown = _candidates(uow, principal, kind, threat, event_id)
    if text and shown:
        found = _matching(uow, shown, text)
        shown = [lesson for lesson in shown if lesson.public_id in found]
    detail = {
        "ids": [lesson.id for lesson in shown],
        "kind": kind.value if kind else None,
        "threat": threat.value if threat else None,
        "event": event_id,
    }
    personal = {"query": text} if text else None
    audit.record(
        uow,
        caller.event("events:lesson:list", object_kind=LESSON, detail=detail, personal=personal),
    )
    return shown


def index_all(uow: UnitOfWork) -> int:
    """Writes the blind index of every lesson's title and text again from the sealed
    values (once after the upgrade that brought the search across scripts; lessons
    written since are indexed as written); the number of lessons."""
    stored = list(uow.session.scalars(select(Lesson).order_by(Lesson.id)))
    index_again(uow.session, stored)
    return len(stored)
