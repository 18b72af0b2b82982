"""Every job the platform asks for has a kind a worker runs and a label operators read,
and a long read in a job never holds SQLite's write lock."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from interagency.background import KINDS, SCHEDULES
from interagency.db import UnitOfWork, make_engine, make_session_factory
from interagency.filestore.services import SCAN_JOB
from interagency.jobs.labels import LABELS
from interagency.records.uploads import JOB as UPLOAD_JOB


def test_every_job_asked_for_has_a_kind_and_a_label() -> None:
    names = [kind.name for kind in KINDS]
    assert len(names) == len(set(names))
    asked = {UPLOAD_JOB, SCAN_JOB} | {schedule.kind for schedule in SCHEDULES}
    assert asked <= set(names)
    assert set(names) <= set(LABELS)


def test_a_read_only_unit_of_work_lets_a_writer_commit_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as connection:
        connection.execute(text("create table t (n integer)"))
    factory = make_session_factory(engine)
    wrote = threading.Event()

    def write() -> None:
        with UnitOfWork(factory) as writer:
            writer.session.execute(text("insert into t values (1)"))
            writer.commit()
        wrote.set()

    try:
        with UnitOfWork(factory, read_only=True) as reader:
            assert reader.session.execute(text("select count(*) from t")).scalar() == 0
            writer = threading.Thread(target=write)
            writer.start()
            # A reader that took the write lock would keep the writer waiting 5 s, then
            # make it fail with "database is locked".
            assert wrote.wait(timeout=4)
            writer.join()
            # The reader goes on reading the snapshot it began with.
            assert reader.session.execute(text("select count(*) from t")).scalar() == 0
    finally:
        engine.dispose()
