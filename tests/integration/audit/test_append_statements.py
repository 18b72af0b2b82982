"""An append sends little while it holds the chain's lock, and an append that waited for the
lock extends the head committed while it waited."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, event, select, text

from interagency import migrations
from interagency.audit import AuditEvent, record, verify_chain
from interagency.audit.log import append_all
from interagency.audit.models import AuditEntry, AuditPersonal
from interagency.bootstrap import Container
from interagency.db import UnitOfWork, make_engine, make_session_factory
from tests.integration.audit.chain_helpers import agency_ids
from tests.integration.audit.conftest import audit_settings_for
from tests.support.databases import fresh_postgres_database


def under_the_lock(statements: list[str], dialect: str) -> list[str]:
    """The statements from the one that takes the lock (or, on SQLite, where BEGIN
    IMMEDIATE took it, reads the head) to the end of the append."""
    takes_lock = "pg_advisory_xact_lock" if dialect == "postgresql" else "from audit_entries"
    start = next(i for i, s in enumerate(statements) if takes_lock in s)
    rest = statements[start:]
    return [s for s in rest if "savepoint" not in s]


def test_an_append_sends_only_the_head_and_the_rows_under_the_lock(
    audit_container: Container, connection: Connection
) -> None:
    agency = agency_ids(audit_container)[0]
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()).lower())

    event.listen(connection, "before_cursor_execute", note)
    try:
        with audit_container.uow() as uow:
            record(uow, AuditEvent(action="records:person:list", actor_agency_id=agency))
            record(
                uow,
                AuditEvent(
                    action="records:person:read",
                    actor_agency_id=agency,
                    personal={"name": "Person"},
                ),
            )
            uow.commit()
    finally:
        event.remove(connection, "before_cursor_execute", note)
    locked = under_the_lock(sent, connection.dialect.name)
    if connection.dialect.name == "postgresql":
        # The lock and the head in one message, then both entries with the personal row.
        assert len(locked) == 2
        assert locked[0].startswith("select pg_advisory_xact_lock")
        assert locked[1].startswith("with entry as (insert into audit_entries")
    else:
        assert len(locked) == 3  # the head, the entries, the personal row
    # The sealing key was read before the lock was taken.
    assert not any("agency_data_keys" in s for s in locked)
    personal_seqs = connection.scalars(select(AuditPersonal.seq)).all()
    assert personal_seqs == [2]
    report = verify_chain(connection, audit_container.settings)
    assert report.valid
    assert report.entries == 2


def wait_until_someone_waits_for_an_advisory_lock(server: Connection) -> None:
    for _ in range(500):
        waiting = server.scalar(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        )
        if waiting:
            return
        time.sleep(0.01)
    pytest.fail("the second append never waited for the lock")


def test_an_append_that_waited_for_the_lock_follows_the_entry_committed_meanwhile(
    postgres_url: str, tmp_path: Path
) -> None:
    with fresh_postgres_database(postgres_url) as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        watcher = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            factory = make_session_factory(engine)

            def second() -> None:
                with UnitOfWork(factory) as uow:
                    record(uow, AuditEvent(action="test:second"))
                    uow.commit()

            # The first unit of work ends before the pool waits for the second: were the
            # second stuck behind the first's rows, a failure here would not hang.
            with ThreadPoolExecutor(max_workers=1) as pool, UnitOfWork(factory) as first:
                append_all(first.session, [AuditEvent(action="test:first")])
                waited = pool.submit(second)
                with watcher.connect() as server:
                    wait_until_someone_waits_for_an_advisory_lock(server)
                first.commit()
                waited.result()  # raises the second append's error, if any
            with engine.connect() as connection:
                rows = connection.execute(
                    select(AuditEntry.seq, AuditEntry.action, AuditEntry.prev_hash)
                    .order_by(AuditEntry.seq)
                    .add_columns(AuditEntry.entry_hash)
                ).all()
            assert [(row.seq, row.action) for row in rows] == [
                (1, "test:first"),
                (2, "test:second"),
            ]
            assert rows[1].prev_hash == rows[0].entry_hash
            assert verify_chain(engine, audit_settings_for(url, tmp_path)).valid
        finally:
            watcher.dispose()
            engine.dispose()
