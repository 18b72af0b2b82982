"""Writers on separate connections never fork the chain: appends are serialised."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select

from interagency import migrations
from interagency.audit import AuditEvent, record, verify_chain
from interagency.audit.models import AuditEntry
from interagency.db import UnitOfWork, make_engine, make_session_factory
from tests.integration.audit.conftest import audit_settings_for
from tests.support.databases import FreshDatabase

WRITERS = 3
ENTRIES_EACH = 40


def write(url: str, writer: int) -> None:
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        for number in range(ENTRIES_EACH):
            with UnitOfWork(factory) as uow:
                record(uow, AuditEvent(action=f"test:writer:{writer}", detail={"n": number}))
                uow.commit()
    finally:
        engine.dispose()


def test_concurrent_appenders_make_one_unforked_chain(
    fresh_database: FreshDatabase, tmp_path: Path
) -> None:
    with fresh_database() as url:
        migrations.upgrade(url)
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            # result() raises a writer's error here, failing the test.
            for future in [pool.submit(write, url, writer) for writer in range(WRITERS)]:
                future.result()
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                count, highest = connection.execute(
                    select(func.count(), func.max(AuditEntry.seq))
                ).one()
                links = connection.scalar(select(func.count(func.distinct(AuditEntry.prev_hash))))
            assert count == highest == WRITERS * ENTRIES_EACH
            assert links == count  # no two entries extend the same head
            report = verify_chain(engine, audit_settings_for(url, tmp_path))
            assert report.valid
            assert report.entries == WRITERS * ENTRIES_EACH
        finally:
            engine.dispose()
