"""Nothing handed over is lost in a crash, with real processes: the embedded default
(SQLite database, SQLite queue) and the production backend (PostgreSQL database, Redis
with append-only persistence, started here on a free loopback port as production runs it).

- A worker killed with SIGKILL in the middle of an upload's cross-check: started again,
  it completes the job, and each hit is recorded once.
- A server killed with SIGKILL right after it accepted an upload: a worker still
  processes the upload.
- The queue's server stopped while jobs wait in it, and started again: the jobs run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from faker import Faker
from sqlalchemy import func, select

from interagency import migrations
from interagency.background import job_queue, run_pending
from interagency.bootstrap import Container, bootstrap
from interagency.jobs import Job
from interagency.jobs.relay import relay_once
from interagency.records.models import BulkUpload, Hit, Record, Screening
from tests.support.databases import (
    TEST_SECRET,
    fresh_postgres_database,
    fresh_sqlite_database,
    settings_for,
)
from tests.support.identity import Council, build_council, sign_in
from tests.support.live_server import free_port, wait_until_serving
from tests.support.uploads import accept

# Bounds for waiting on other processes; reaching one fails the test, it does not time it.
PATIENCE = 180
HEADER = "surname,given_name,birth_date,subject_category,purpose,legal_basis"
SHARED = 40  # people both agencies hold: the hits the upload must find, once each


@dataclass
class Platform:
    folder: Path
    container: Container
    council: Council
    env: dict[str, str]

    def count(self, model: type, *where: Any) -> int:
        with self.container.uow() as uow:
            query = select(func.count()).select_from(model).where(*where)
            return int(uow.session.scalar(query) or 0)

    def upload(self, upload_id: int) -> BulkUpload:
        with self.container.uow() as uow:
            found = uow.session.get(BulkUpload, upload_id)
            assert found is not None
            uow.session.expunge(found)
            return found

    def wait_for(self, what: str, done: Callable[[], bool], *processes: Process) -> None:
        deadline = time.monotonic() + PATIENCE
        while not done():
            for process in processes:
                process.check_alive()
            if time.monotonic() > deadline:
                logs = "\n".join(p.log() for p in processes)
                raise AssertionError(f"{what}: not within {PATIENCE} s\n{logs}")
            time.sleep(0.05)


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def check_alive(self) -> None:
        if self.popen.poll() is not None:
            raise AssertionError(f"the process ended early:\n{self.log()}")

    def kill(self) -> None:
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=PATIENCE)


@contextmanager
def started(platform: Platform, name: str, *arguments: str) -> Iterator[Process]:
    log_path = platform.folder / f"{name}.log"
    with log_path.open("ab") as log:
        popen = subprocess.Popen(
            [sys.executable, "-m", "interagency", *arguments],
            cwd=platform.folder, env=platform.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    process = Process(popen, log_path)
    try:
        yield process
    finally:
        if popen.poll() is None:
            popen.send_signal(signal.SIGINT)
            try:
                popen.wait(timeout=60)
            except subprocess.TimeoutExpired:
                popen.kill()
                popen.wait()


@contextmanager
def redis_server(folder: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A Redis of the test's own that writes every change to its append-only file."""
    folder.mkdir(exist_ok=True)
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + PATIENCE
        while (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, check=False
            ).stdout.strip()
            != b"PONG"
        ):
            assert server.poll() is None, "redis-server ended at start"
            assert time.monotonic() < deadline, "redis-server did not answer"
            time.sleep(0.05)
        yield server
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=PATIENCE)


@pytest.fixture(params=["embedded", "production"])
def platform(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Platform]:
    with built(request, request.param, tmp_path) as made:
        yield made


@pytest.fixture
def production(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Platform]:
    with built(request, "production", tmp_path) as made:
        yield made


@contextmanager
def built(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[Platform]:
    if backend == "embedded":
        database = fresh_sqlite_database(tmp_path)
        queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
        redis = None
    else:
        database = fresh_postgres_database(request.getfixturevalue("postgres_url"))
        port = free_port()
        queue_url = f"redis://127.0.0.1:{port}/0"
        redis = redis_server(tmp_path / "redis", port)
    with database as url:
        migrations.upgrade(url)
        overrides = {
            "key_dir": tmp_path / "keys",
            "attachment_dir": tmp_path / "attachments",
            "audit_witness_file": tmp_path / "witness.jsonl",
            "jobs_queue_url": queue_url,
            # A dead worker's job is handed to another eight seconds later (a live one
            # renews its lease every third of that, however loaded the machine).
            "jobs_lease_seconds": 8,
            "jobs_retry_delay_seconds": 1,
        }
        container = bootstrap(settings_for(url, **overrides))
        with container.uow() as uow:
            council = build_council(uow, container)
            uow.commit()
        env = {
            **os.environ,
            "INTERAGENCY_DATABASE_URL": url,
            "INTERAGENCY_SECRET_KEY": TEST_SECRET,
            **{f"INTERAGENCY_{k.upper()}": str(v) for k, v in overrides.items()},
        }
        try:
            if redis is None:
                yield Platform(tmp_path, container, council, env)
            else:
                with redis:
                    yield Platform(tmp_path, container, council, env)
        finally:
            container.engine.dispose()


def people(seed: int, count: int) -> list[str]:
    fake = Faker("ru_RU")
    fake.seed_instance(seed)
    return [
        f"{fake.last_name_male()},{fake.first_name_male()},"
        f"{fake.date_of_birth(minimum_age=20, maximum_age=70):%Y-%m-%d},suspect,"
        "Games security,Agreement art. 5"
        for _ in range(count)
    ]


def upload_file(platform: Platform, login: str, rows: list[str]) -> int:
    with platform.container.uow() as uow:
        caller = platform.council.caller(uow, login)
        data = "\n".join([HEADER, *rows]).encode()
        upload = accept(platform.container, uow, caller, data, accept_valid_only=True)
        uow.commit()
        return upload.id


def test_a_worker_killed_in_the_middle_of_a_cross_check_completes_it_once_restarted(
    platform: Platform,
) -> None:
    held = people(1, 600)
    upload_file(platform, "ru_liaison", held)
    run_pending(platform.container)  # the RU records, stored and cross-checked here
    upload_id = upload_file(platform, "kz_liaison", held[:SHARED] + people(2, 560))

    with started(platform, "worker-1", "worker") as worker:
        platform.wait_for(
            "the cross-check to start",
            lambda: platform.upload(upload_id).stage == "cross-checking",
            worker,
        )
        worker.kill()
    assert platform.upload(upload_id).status == "running"

    with started(platform, "worker-2", "worker") as worker:
        platform.wait_for(
            "the upload to be done", lambda: platform.upload(upload_id).status == "done", worker
        )
    mine = select(Record.id).where(Record.upload_id == upload_id)
    assert platform.count(Record, Record.upload_id == upload_id) == 600
    # Each uploaded record was cross-checked once, and each pair found once.
    assert platform.count(Screening, Screening.record_id.in_(mine)) == 600
    with platform.container.uow() as uow:
        pairs = uow.session.execute(
            select(Hit.searching_record_id, Hit.found_record_id).where(
                Hit.searching_record_id.in_(mine)
            )
        ).all()
    assert len(pairs) == len(set(pairs))
    assert len({searching for searching, _ in pairs}) >= SHARED
    assert platform.upload(upload_id).hits_found == len(pairs)
    with platform.container.uow() as uow:
        job = uow.session.scalars(select(Job).where(Job.subject_id == upload_id)).one()
        assert (job.state, job.attempts) == ("done", 2)


def test_an_upload_accepted_by_a_server_killed_at_once_is_still_processed(
    platform: Platform,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with started(platform, "server", "serve", "--port", str(port)) as server:
        wait_until_serving(f"{base}/health", server.popen, server.log_path)
        with httpx2.Client(base_url=base) as client:
            sign_in(client, platform.council, "kz_liaison")  # type: ignore[arg-type]
            page = client.get("/records/upload").text
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            data = "\n".join([HEADER, *people(3, 5)]).encode()
            answer = client.post(
                "/records/upload",
                data={"csrf_token": token, "kind": "person"},
                files={"file": ("people.csv", data, "text/csv")},
                follow_redirects=False,
            )
        server.kill()
    assert answer.status_code == 303, answer.text
    with platform.container.uow() as uow:
        upload_id = uow.session.scalars(select(BulkUpload.id)).one()
    with started(platform, "worker", "worker") as worker:
        platform.wait_for(
            "the upload to be done", lambda: platform.upload(upload_id).status == "done", worker
        )
    assert platform.count(Record) == 5


def test_jobs_waiting_in_a_stopped_queue_run_once_it_is_back(production: Platform) -> None:
    platform = production  # the embedded queue is a file: it has no server to stop
    uploads = [upload_file(platform, "kz_liaison", people(10 + n, 3)) for n in range(3)]
    queue = job_queue(platform.container)
    assert relay_once(platform.container, queue.hand_over) == 3  # now only in Redis
    port = platform.container.settings.jobs_queue_url.rsplit(":", 1)[1].split("/")[0]
    subprocess.run(["redis-cli", "-p", port, "shutdown"], capture_output=True, check=False)
    with redis_server(platform.folder / "redis", int(port)):
        # The outbox would hand the jobs over again only after an hour: what runs them
        # now is what Redis kept.
        platform.env["INTERAGENCY_JOBS_REQUEUE_MINUTES"] = "60"
        with started(platform, "worker", "worker") as worker:
            platform.wait_for(
                "every upload to be done",
                lambda: all(platform.upload(u).status == "done" for u in uploads),
                worker,
            )
    assert platform.count(Record) == 9
