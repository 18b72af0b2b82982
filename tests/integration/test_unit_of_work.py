from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from interagency.bootstrap import Container
from interagency.db import (
    UnitOfWork,
    lock_for_transaction,
    lock_key,
    make_engine,
    make_session_factory,
    one_of,
)
from interagency.identity.models import MemberState


def state(code: str = "ZZ") -> MemberState:
    return MemberState(
        iso_alpha2=code, iso_alpha3=code + "Z", name_ru="Тест", name_en="Test", timezone="UTC"
    )


def count(container: Container, code: str) -> int:
    with container.uow() as uow:
        return len(
            uow.session.scalars(select(MemberState).where(MemberState.iso_alpha2 == code)).all()
        )


def test_commit_keeps_the_change(container: Container) -> None:
    with container.uow() as uow:
        uow.session.add(state())
        uow.commit()
    assert count(container, "ZZ") == 1


def test_leaving_without_commit_discards_everything(container: Container) -> None:
    with container.uow() as uow:
        uow.session.add(state())
        uow.session.flush()
    assert count(container, "ZZ") == 0


def write_then_fail(container: Container) -> None:
    with container.uow() as uow:
        uow.session.add(state("ZY"))
        uow.session.flush()
        raise RuntimeError("failure after the first write")


def test_an_error_half_way_leaves_nothing_written(container: Container) -> None:
    with pytest.raises(RuntimeError):
        write_then_fail(container)
    assert count(container, "ZY") == 0


def test_timestamps_come_back_aware_and_in_utc(container: Container) -> None:
    almaty = timezone(timedelta(hours=5))
    written = datetime(2026, 3, 1, 9, 30, tzinfo=almaty)
    with container.uow() as uow:
        row = state()
        row.updated_at = written
        uow.session.add(row)
        uow.commit()
    with container.uow() as uow:
        uow.session.expire_all()
        read = uow.session.scalar(select(MemberState).where(MemberState.iso_alpha2 == "ZZ"))
        assert read is not None
        assert read.updated_at == written
        assert read.updated_at.utcoffset() == timedelta(0)
        assert read.updated_at.hour == 4
        assert read.created_at.tzinfo is UTC


def test_a_naive_timestamp_is_refused(container: Container) -> None:
    with container.uow() as uow:
        row = state()
        row.updated_at = datetime(2026, 3, 1, 9, 30)
        uow.session.add(row)
        with pytest.raises(StatementError, match="naive datetime refused"):
            uow.session.flush()


def test_the_database_itself_holds_the_utc_offset(container: Container) -> None:
    with container.uow() as uow:
        row = state()
        row.updated_at = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=5)))
        uow.session.add(row)
        uow.session.flush()
        raw = uow.session.execute(
            text("SELECT updated_at FROM member_states WHERE iso_alpha2 = 'ZZ'")
        ).scalar_one()
        dialect = uow.session.get_bind().dialect.name
    if dialect == "sqlite":
        assert raw == "2026-03-01T04:30:00.000000+00:00"
    else:
        assert raw.utcoffset() is not None
        assert raw.astimezone(UTC) == datetime(2026, 3, 1, 4, 30, tzinfo=UTC)


def test_a_transaction_lock_is_held_until_commit(database_url: str) -> None:
    # Separate connections: the `container` fixture shares one for the whole test.
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    key = lock_key("test:held-until-commit")
    first_holds, release, second_got_it = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with UnitOfWork(factory) as uow:
            lock_for_transaction(uow.session, key)
            uow.session.execute(text("select 1"))  # SQLite takes its lock at BEGIN
            first_holds.set()
            assert release.wait(timeout=30)
            uow.commit()

    def second() -> None:
        assert first_holds.wait(timeout=30)
        with UnitOfWork(factory) as uow:
            lock_for_transaction(uow.session, key)
            uow.session.execute(text("select 1"))
            second_got_it.set()
            uow.commit()

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            done = [pool.submit(first), pool.submit(second)]
            try:
                assert first_holds.wait(timeout=30)
                assert not second_got_it.wait(timeout=0.5)
            finally:
                release.set()
            for future in done:
                future.result()
        assert second_got_it.is_set()
    finally:
        engine.dispose()


def test_one_of_finds_what_in_finds_with_one_parameter_on_postgresql(
    container: Container,
) -> None:
    codes = ["QA", "QB", "QC"]
    with container.uow() as uow:
        uow.session.add_all(state(code) for code in codes)
        uow.session.flush()
        ids = {s.iso_alpha2: s.id for s in uow.session.scalars(select(MemberState))}
        wanted_ids = [ids["QA"], ids["QC"], 10**9]
        by_id = select(MemberState.iso_alpha2).where(
            one_of(uow.session, MemberState.id, wanted_ids)
        )
        by_code = select(MemberState.id).where(
            one_of(uow.session, MemberState.iso_alpha2, ["QB", "QC", "Q'; --"])
        )
        assert sorted(uow.session.scalars(by_id)) == ["QA", "QC"]
        assert sorted(uow.session.scalars(by_code)) == sorted([ids["QB"], ids["QC"]])
        assert (
            uow.session.scalars(
                select(MemberState.id).where(one_of(uow.session, MemberState.id, []))
            ).all()
            == []
        )
        dialect = uow.session.get_bind().dialect
        rendered = str(by_id.compile(dialect=dialect))
        if dialect.name == "postgresql":
            assert "ANY" in rendered
            assert rendered.count("%(") == 1
        else:
            assert " IN " in rendered
