"""The auditor's search and CSV export, and signing at shutdown."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from interagency.audit import (
    AuditEntryView,
    AuditEvent,
    AuditFilter,
    erase_personal_data,
    export_csv,
    record,
    search_entries,
)
from interagency.audit.models import AuditCheckpoint
from interagency.bootstrap import Container
from interagency.errors import InvalidInput
from interagency.web.app import create_app
from tests.integration.audit.chain_helpers import agency_ids


class EveryThing:
    """A reader who may know everything: what the trail holds, as the services give it."""

    def may_open(self, sealed_under_agency_id: int) -> bool:
        return True

    def project(self, view: AuditEntryView) -> AuditEntryView:
        return view


ALL = EveryThing()


def seed(container: Container) -> list[int]:
    """Four entries; returns the agencies their actors belong to."""
    agencies = agency_ids(container)
    events = [
        AuditEvent(action="auth:login:ok", actor_login="ana", actor_agency_id=agencies[0]),
        AuditEvent(action="auth:login:failed", outcome="failed", actor_login="ana"),
        AuditEvent(
            action="identity:user:read",
            actor_login="bek",
            actor_agency_id=agencies[1],
            object_kind="user",
            object_ref="17",
            detail={"ids": [17]},
            personal={"name": "Ivanov"},
        ),
        AuditEvent(action="auth_x:other", actor_login='=HYPERLINK("http://x")'),
    ]
    with container.uow() as uow:
        for event in events:
            record(uow, event)
        uow.commit()
    return agencies


def seqs(container: Container, filters: AuditFilter) -> list[int]:
    with container.uow() as uow:
        return [view.seq for view in search_entries(uow, filters, limit=50, offset=0, reader=ALL)]


def test_filters_combine_and_results_come_newest_first(audit_container: Container) -> None:
    agencies = seed(audit_container)
    assert seqs(audit_container, AuditFilter()) == [4, 3, 2, 1]
    assert seqs(audit_container, AuditFilter(action_prefix="auth:")) == [2, 1]
    # The prefix is literal: "_" is no wildcard.
    assert seqs(audit_container, AuditFilter(action_prefix="auth_")) == [4]
    assert seqs(audit_container, AuditFilter(actor_login="ana", outcome="failed")) == [2]
    assert seqs(audit_container, AuditFilter(actor_agency_id=agencies[1])) == [3]
    assert seqs(audit_container, AuditFilter(object_kind="user", object_ref="17")) == [3]
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert seqs(audit_container, AuditFilter(time_from=later)) == []
    assert seqs(audit_container, AuditFilter(time_to=later)) == [4, 3, 2, 1]


def test_a_view_carries_detail_and_personal_data_until_erased(audit_container: Container) -> None:
    seed(audit_container)
    with audit_container.uow() as uow:
        (view,) = search_entries(uow, AuditFilter(object_ref="17"), limit=1, offset=0, reader=ALL)
        assert view.detail == {"ids": [17]}
        assert view.personal == {"name": "Ivanov"}
        assert not view.personal_erased
        erase_personal_data(uow, 3, "request 1")
        (view,) = search_entries(uow, AuditFilter(object_ref="17"), limit=1, offset=0, reader=ALL)
        assert view.personal is None
        assert view.personal_erased


def test_paging_is_bounded(audit_container: Container) -> None:
    seed(audit_container)
    with audit_container.uow() as uow:
        page = search_entries(uow, AuditFilter(), limit=2, offset=1, reader=ALL)
        assert [view.seq for view in page] == [3, 2]
        with pytest.raises(InvalidInput):
            search_entries(uow, AuditFilter(), limit=100_000, offset=0, reader=ALL)


def test_the_export_is_csv_with_formulas_neutralised(audit_container: Container) -> None:
    seed(audit_container)
    with audit_container.uow() as uow:
        text_of = "".join(export_csv(uow, AuditFilter(), ALL))
    rows = list(csv.reader(text_of.splitlines()))
    assert rows[0][:3] == ["seq", "at", "action"]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4"]
    assert rows[3][10] == '{"name":"Ivanov"}'
    assert rows[4][4] == '\'=HYPERLINK("http://x")'


def test_a_server_signs_the_head_when_it_stops(audit_container: Container) -> None:
    seed(audit_container)
    with TestClient(create_app(audit_container)):
        pass  # the app starts and stops: its lifespan runs
    with audit_container.uow() as uow:
        assert list(uow.session.scalars(select(AuditCheckpoint.seq))) == [4]
