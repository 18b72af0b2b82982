"""Migration 0020 fills the inbox table for the threads already stored, by the same rules
as the application: the rows it writes in SQL are the rows posting wrote."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from interagency import migrations
from interagency.db import UnitOfWork
from interagency.exchange import inspection, services
from interagency.exchange.models import InboxEntry
from interagency.exchange.schemas import InspectionIn, RecipientIn
from interagency.markings import Tlp
from tests.support.databases import FreshDatabase, own_settings, platform_at
from tests.support.exchange import SIDES, Address, Exchange, build_exchange
from tests.support.identity import build_council


def _rows(uow: UnitOfWork) -> Counter[tuple[object, ...]]:
    columns = [c for c in InboxEntry.__table__.columns if c.key != "id"]
    return Counter(tuple(row) for row in uow.session.execute(select(*columns)))


def test_migration_0020_derives_the_rows_posting_wrote(
    fresh_database: FreshDatabase, tmp_path: Path
) -> None:
    with fresh_database() as url:
        migrations.upgrade(url)
        settings = own_settings(url, tmp_path)
        with platform_at(settings) as container:
            with container.uow() as uow:
                council = build_council(uow, container)
                users = build_exchange(uow, council, container)
                uow.commit()
            context = services.Context(container.vault, "Europe/Moscow", "https://i.test")
            # (the grid's agency ids are not needed by what this test does)
            grid = Exchange(council, container, context, {}, users)
            named = [Address("B", desk="CT"), Address("C", user="c_ct_analyst")]
            red = grid.send("a_ct_liaison_officer", named, tlp=Tlp.RED, from_desk="CT")
            later = grid.send("a_border_analyst", [Address("B")])
            closed = grid.send("b_ct_liaison_officer", [Address("A", desk="BORDER")])
            with container.uow() as uow:
                services.acknowledge(uow, grid.caller(uow, "b_ct_analyst"), context, later.id, None)
                services.add_recipient(
                    uow, grid.caller(uow, "a_border_liaison_officer"), context, later.id,
                    RecipientIn(agency=SIDES["C"], desk="BORDER"), None,
                )  # fmt: skip
                services.close(
                    uow, grid.caller(uow, "b_ct_liaison_officer"), context, closed.id, None
                )
                inspection.open_inspection(
                    uow, grid.caller(uow, "b_border_dpo"), context, red.id,
                    InspectionIn(reason="Проверка соблюдения правил обработки", minutes=30),
                )  # fmt: skip
                uow.commit()
            with container.uow() as uow:
                written = _rows(uow)

        migrations.downgrade(url, "0019")
        migrations.upgrade(url, "0020")
        with platform_at(settings) as container, container.uow() as uow:
            derived = _rows(uow)
    assert len(written) >= 15
    assert {row[2] for row in written} >= {"author", "named_recipient", "inspecting"}
    assert derived == written
