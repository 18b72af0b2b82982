"""The events' demo on the demo council's agencies and users alone: a past sports
competition with its plan done, its after-action report final and two lessons, an
upcoming summit with open risks and one overdue task, and the council's template;
loaded once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.demo import DemoSummary, load_agencies, load_users, read_member_states
from interagency.events import demo, planning
from interagency.events.models import AfterActionReport, Event, Lesson, PlanTemplate
from interagency.identity import services as identity
from interagency.vault.columns import matching


def test_the_events_demo_has_a_past_competition_and_a_summit_in_planning(
    container: Container,
) -> None:
    with container.uow() as uow:
        for state in read_member_states():
            identity.ensure_member_state(uow, state)
        load_agencies(uow)
        load_users(uow, container, DemoSummary())
        assert demo.load(uow) == 2
        uow.commit()
    today = date.today()
    with container.uow() as uow:
        events = {e.kind: e for e in uow.session.scalars(select(Event))}
        competition, summit = events["sports_competition"], events["summit"]
        assert competition.ends_on < today < summit.starts_on
        assert len(competition.venues) == len(summit.venues) == 2
        assert planning.tasks(competition)
        assert planning.overdue(competition, today) == []
        assert [t.title for t in planning.overdue(summit, today)] == [
            "Согласовать маршруты кортежей с ГИБДД"
        ]
        open_measures = [m for r in summit.risks for m in r.measures if m.status != "done"]
        assert len(summit.risks) == 4
        assert open_measures
        assert len(summit.shifts) == 2 * 4  # the host and three agencies, two shifts each
        assert uow.session.scalar(select(PlanTemplate.id)) is not None
        report = uow.session.scalar(select(AfterActionReport))
        assert report is not None
        assert (report.event_id, report.final_at is not None) == (competition.id, True)
        assert [i.status for i in competition.incidents] == ["closed", "closed"]
        shared = {x.shared_with_all for x in uow.session.scalars(select(Lesson))}
        assert shared == {True, False}  # one with every member agency, one with those chosen
        # the first lesson, in Russian, names the «Астана Арена»: Latin letters find it too
        first = uow.session.scalars(select(Lesson).where(Lesson.shared_with_all)).one()
        text = Lesson.text
        astana = matching(
            uow.session,
            f"{Lesson.__tablename__}.{text.name}",
            first.author_agency_id,
            "Astana",
            across_scripts=text.across_scripts,
        )
        assert astana == {first.public_id}
        assert demo.load(uow) == 0
