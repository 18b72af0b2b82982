"""The council's demo: what the issue asks for, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from interagency.bootstrap import Container
from interagency.council import demo, programmes
from interagency.council.models import Document, Meeting, Programme
from interagency.demo import load_demo


def test_the_council_demo_loads_once_with_what_the_council_needs(container: Container) -> None:
    first = load_demo(container)
    assert first.added["council meetings, documents, programmes, reports"] == 7
    with container.uow() as uow:
        held = uow.session.scalar(select(Meeting).where(Meeting.number == 44))
        assert held is not None
        assert held.status == "held"
        assert len(held.items) == 13
        assert held.minutes
        assert [d.number for d in held.decisions] == ["44/1", "44/2", "44/3"]
        statuses = dict(
            uow.session.execute(select(Document.kind, Document.status)).all()  # type: ignore[arg-type]
        )
        assert statuses == {"agreement": "adopted", "assessment": "under_review", "report": "draft"}
        old = uow.session.scalar(select(Programme).where(Programme.code == "CT-2014-2016"))
        assert old is not None
        assert old.status == "finished"
        results = programmes.summarise(old)
        assert [p.year for p in results.by_period] == [2014, 2015, 2016]
        assert results.done == 3
        current = uow.session.scalar(select(Programme).where(Programme.code == "CT-2025-2027"))
        assert current is not None
        assert current.status == "active"
        held.title = "Edited in the demo"
        uow.commit()

    second = load_demo(container)
    assert second.added["council meetings, documents, programmes, reports"] == 0
    with container.uow() as uow:
        assert demo.load(uow) == 0
        assert uow.session.scalar(select(func.count()).select_from(Meeting)) == 2
        kept = uow.session.scalar(select(Meeting).where(Meeting.number == 44))
        assert kept is not None
        assert kept.title == "Edited in the demo"
