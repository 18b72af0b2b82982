"""Benchmark: a bulk upload of persons cross-checked against the persons other agencies
hold, on PostgreSQL (issue target: 100,000 uploaded against 1,000,000 held; the figure
is the time until every hit is recorded).

Never part of `make test`. Run from the repository root:

    .venv/bin/python benchmarks/records_crosscheck.py [--held 1000000] [--upload 100000]
        [--workers 2] [--server-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

1. Made-up persons come from `scale_data` (seed 2): table B is held by eight member
   agencies, the first `--upload` rows of table A are uploaded by KZ-KNB. Many of
   A's persons are B's persons written in another script or standard.
2. A database is created for the run on the server (dropped at the end), migrated,
   and given the demo council; the held records are written with their particulars
   sealed under their agency's key, each with its screening subject and candidate keys,
   as the services write them (bulk inserts and COPY, so that seeding does not take
   longer than the run; the keys are checked against the service's on a sample).
3. Reference, in the same run: the batch engine alone (features and `batch.link` on
   DuckDB) on the same persons, with no database, no sealing and no safeguards.
4. Measured: the upload as a user makes it, handed to a real worker
   (`interagency worker`, one thread, its queue on SQLite): the request stores the CSV
   file sealed and accepts the upload; the worker's job checks every row, stores and
   seals the records 1,000 a transaction, reads and opens the held records, compares
   them with the batch engine, rescores, and records every hit with its notices and
   audit entries, 1,000 uploaded records a transaction. Reported: the time from the
   acceptance until the upload is done, each stage's time and rows a second (read off
   the upload's row, as its page shows it), the hits, the worker's peak memory, and the
   ratio to the reference.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd
import psutil
from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale_data
from exchange_load import database, scratch_platform

HELD_BY = ("RU-FSB", "UZ-SGB", "AZ-DTX", "AM-NSS", "GE-SSG", "BY-KGB", "KG-GKNB", "TJ-GKNB")
UPLOADER = "nurlanov"  # a liaison officer of KZ-KNB
PERSON_COLUMNS = ("full_name", "given_name", "patronymic", "surname", "birth_date", "sex",
                  "nationality", "passport")  # fmt: skip
SEED_CHUNK = 20_000
# Above this many records the candidate keys' indexes are built after the load.
REBUILD_KEYS_ABOVE = 50_000
SUBJECTS_CHECKED = 200


def particulars_of(row: dict[str, Any]) -> dict[str, str]:
    return {c: str(row[c]) for c in PERSON_COLUMNS if c in row and not pd.isna(row[c])}


def clear_records(container: Any) -> None:
    """Removes the demo's records with everything that points to them, so that the seeded
    records are the only ones and take the ids from 1."""
    with container.uow() as uow:
        for table in (
            "record_hits", "record_screenings", "record_hit_agencies", "record_links",
            "record_name_terms", "record_review_extensions", "screening_keys",
            "screening_subjects", "records",
        ):  # fmt: skip
            uow.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (names above)
        uow.commit()


def seed_held(
    container: Any,
    held: pd.DataFrame,
    agencies: Sequence[str] = HELD_BY,
    *,
    workers: int = 1,
    progress: Callable[[str], None] = print,
) -> int:
    """The held persons as suspects of `agencies` (in turn), sealed like the services seal
    them, each with its screening subject and keys (`seed_subjects`), written with bulk
    inserts in transactions of SEED_CHUNK; then analysed. The records take the ids from 1
    (see `clear_records`). The keys' texts are computed by `workers` processes while this
    one seals and writes."""
    from interagency.db import new_public_id, utcnow
    from interagency.identity.models import Agency, User
    from interagency.records.models import Neutrality, Record, RecordKind, SubjectCategory
    from interagency.records.particulars import PersonParticulars
    from interagency.records.policy import review_due
    from interagency.records.sealing import particulars_context
    from interagency.vault.columns import sealing_context

    began = time.perf_counter()
    now = utcnow()
    with container.uow() as uow:
        codes = dict(uow.session.execute(select(Agency.code, Agency.id)).all())
        authors = dict(
            uow.session.execute(
                select(User.agency_id, func.min(User.id)).group_by(User.agency_id)
            ).all()
        )
    owners = [codes[code] for code in agencies]
    rows = [particulars_of(row) for row in held.to_dict("records")]
    due = review_due(now.date(), SubjectCategory.SUSPECT, is_minor=False)
    chunks = [rows[start : start + SEED_CHUNK] for start in range(0, len(rows), SEED_CHUNK)]
    with _keys_set_aside(container, len(rows) > REBUILD_KEYS_ABOVE, progress):
        for number, (chunk, texts) in enumerate(_with_texts(chunks, workers)):
            start = number * SEED_CHUNK
            with container.uow() as uow:
                batch = []
                subjects = []
                for offset, (values, found_under) in enumerate(zip(chunk, texts, strict=True)):
                    record_id = start + offset + 1
                    owner = owners[record_id % len(owners)]
                    particulars = PersonParticulars.model_validate(values)
                    public_id = new_public_id()

                    def seal(
                        column: str, value: str, owner: int = owner, public_id: str = public_id
                    ) -> bytes:
                        context = sealing_context("records", public_id, column)
                        return container.vault.seal_text(uow.session, owner, value, context=context)

                    sealed = container.vault.seal_text(
                        uow.session,
                        owner,
                        json.dumps(particulars.model_dump(), ensure_ascii=False, sort_keys=True),
                        context=particulars_context(record_id),
                    )
                    batch.append({
                        "id": record_id, "kind": RecordKind.PERSON.value, "owner_agency_id": owner,
                        "created_by_id": authors[owner], "created_at": now, "updated_at": now,
                        "version": 1, "particulars_sealed": sealed, "subject_category": "suspect",
                        "public_id": public_id, "purpose_sealed": seal("purpose", "Benchmark"),
                        "legal_basis_sealed": seal("legal_basis", "Benchmark"),
                        "offence_article": "1", "offence_category": "terrorism",
                        "source_grade": "B", "information_grade": "2", "is_minor": False,
                        "smuggled_migrant": False, "review_due": due, "hits_to_all": True,
                        "neutrality": Neutrality.NOT_REQUIRED.value, "screen_pending": False,
                        "handling_code": "H0", "tlp": "AMBER",
                    })  # fmt: skip
                    subjects.append(SeededSubject(record_id, owner, found_under))
                uow.session.execute(insert(Record), batch)
                seed_subjects(uow, container.vault, subjects, now)
                uow.commit()
            done = start + len(chunk)
            if number % 10 == 9 or done == len(rows):
                spent = time.perf_counter() - began
                progress(f"  seeded {done:,} records ({spent:.0f} s, {done / spent:,.0f} a second)")
    with container.uow() as uow:
        for table in ("records", "screening_subjects"):
            uow.session.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :n)"),
                {"table": table, "n": max(len(rows), 1)},
            )
        uow.commit()
    check_subjects(container, SUBJECTS_CHECKED)
    with container.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        # The planner's statistics, and the visibility map the index-only lookups of the
        # candidate keys need.
        db.execute(text("VACUUM ANALYZE records, screening_subjects, screening_keys"))
    return len(rows)


@dataclass(frozen=True)
class SeededSubject:
    record_id: int  # its subject takes the same id (the records take theirs from 1)
    owner_agency_id: int
    found_under: Sequence[str]  # `screening.keys.stored_texts` of its particulars


def seed_subjects(uow: Any, vault: Any, seeded: Sequence[SeededSubject], now: datetime) -> int:
    """The records' screening subjects (kind "record", matching as persons) and their
    keys as `screening.subjects.enrol` writes them: the keyed hashes of `found_under`
    under the council's matching key. Written with COPY; returns the keys written."""
    from interagency.records.models import RecordKind
    from interagency.records.screened import RECORDS

    driver = uow.session.connection().connection.driver_connection  # psycopg's own
    cursor = driver.cursor()
    columns = "id, kind, ref, owner_agency_id, matches_as, created_at"
    with cursor.copy(f"COPY screening_subjects ({columns}) FROM STDIN") as copy:
        for s in seeded:
            copy.write_row(
                (s.record_id, RECORDS.name, s.record_id, s.owner_agency_id,
                 RecordKind.PERSON.value, now)
            )  # fmt: skip
    # Terms are hex and ids numbers: the text format needs no escaping.
    lines = [
        f"{term}\t{s.record_id}\n"
        for s in seeded
        for term in sorted(vault.matching_terms(uow.session, s.found_under))
    ]
    with cursor.copy("COPY screening_keys (term, subject_id) FROM STDIN") as copy:
        for start in range(0, len(lines), 20_000):
            copy.write("".join(lines[start : start + 20_000]))
    return len(lines)


def stored_texts_of(rows: Sequence[dict[str, str]]) -> list[list[str]]:
    """What each person is found under, as text (`screening.keys.stored_texts`): the
    service's own function, in a worker process (names are parsed in Python)."""
    from interagency.records.models import RecordKind
    from interagency.records.particulars import PersonParticulars
    from interagency.screening.keys import stored_texts

    person = RecordKind.PERSON.value
    return [sorted(stored_texts(person, PersonParticulars.model_validate(r))) for r in rows]


def _with_texts(
    chunks: Sequence[list[dict[str, str]]], workers: int
) -> Iterator[tuple[list[dict[str, str]], list[list[str]]]]:
    """Each chunk with its persons' texts, computed a few chunks ahead by `workers`
    processes (here, when 1)."""
    if workers <= 1:
        for chunk in chunks:
            yield chunk, stored_texts_of(chunk)
        return
    # Spawned, not forked: a fork would copy this process's open connections.
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        ahead: deque[Future[list[list[str]]]] = deque()
        for number, chunk in enumerate(chunks):
            while len(ahead) < workers + 1 and number + len(ahead) < len(chunks):
                ahead.append(pool.submit(stored_texts_of, chunks[number + len(ahead)]))
            yield chunk, ahead.popleft().result()


@contextmanager
def _keys_set_aside(
    container: Any, rebuild: bool, progress: Callable[[str], None]
) -> Iterator[None]:
    """When `rebuild`, the candidate keys' primary key, foreign key and index are dropped
    for the load and made again by their own definitions afterwards (also when the load
    fails): inserting ten million random hashes into a b-tree costs far more than sorting
    them once."""
    if not rebuild:
        yield
        return
    with container.engine.connect() as connection:
        constraints = connection.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = 'screening_keys'::regclass ORDER BY contype = 'f' DESC"
            )
        ).all()
        indexes = connection.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'screening_keys'"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint"
                " WHERE conrelid = 'screening_keys'::regclass)"
            )
        ).all()
        for name, _ in constraints:  # the foreign key first
            connection.execute(text(f'ALTER TABLE screening_keys DROP CONSTRAINT "{name}"'))
        for name, _ in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
        connection.commit()
    try:
        yield
    finally:
        began = time.perf_counter()
        with container.engine.connect() as connection:
            connection.execute(text("SET maintenance_work_mem = '1GB'"))
            for _, definition in indexes:
                connection.execute(text(definition))
            for name, definition in reversed(constraints):  # the primary key first
                connection.execute(
                    text(f'ALTER TABLE screening_keys ADD CONSTRAINT "{name}" {definition}')
                )
            connection.commit()
        progress(f"  built the candidate keys' indexes in {time.perf_counter() - began:.0f} s")


def check_subjects(container: Any, count: int) -> None:
    """Fails unless the keys of `count` seeded records, drawn at random, are exactly what
    the service would write for them (`screened.enrol`) from their opened particulars."""
    from interagency.records.models import Record
    from interagency.records.sealing import open_particulars
    from interagency.screening import keys
    from interagency.screening.models import Subject, SubjectKey

    with container.uow(read_only=True) as uow:
        records = uow.session.scalars(select(Record).order_by(func.random()).limit(count)).all()
        for record in records:
            particulars = open_particulars(uow, container.vault, record)
            assert particulars is not None
            wanted = container.vault.matching_terms(
                uow.session, keys.stored_texts(record.kind, particulars)
            )
            subject = uow.session.scalar(
                select(Subject).where(Subject.kind == "record", Subject.ref == record.id)
            )
            if subject is None or (subject.owner_agency_id, subject.matches_as) != (
                record.owner_agency_id,
                record.kind,
            ):
                raise RuntimeError(f"record {record.id}: its screening subject is wrong")
            stored = set(
                uow.session.scalars(
                    select(SubjectKey.term).where(SubjectKey.subject_id == subject.id)
                )
            )
            if stored != wanted:
                raise RuntimeError(
                    f"record {record.id}: the seeded candidate keys differ from the service's"
                )


def upload_csv(upload: pd.DataFrame) -> bytes:
    frame = upload[[c for c in PERSON_COLUMNS if c in upload.columns]].copy()
    frame["subject_category"] = "suspect"
    frame["purpose"] = "Screening of arrivals for the regional games"
    frame["legal_basis"] = "Agreement on cooperation against terrorism, art. 5"
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def reference_run(upload: pd.DataFrame, held: pd.DataFrame, workers: int) -> tuple[float, int]:
    """The batch engine alone on the same persons: seconds and pairs."""
    from interagency.matching.batch import EngineLimits, link
    from interagency.matching.features import person_features
    from interagency.records.comparison import POSSIBLE_FROM, model_without_term_frequencies

    started = time.perf_counter()
    a = person_features(upload.astype("string"), workers)
    b = person_features(held.astype("string"), workers)
    pairs = link(
        a, b, model=model_without_term_frequencies(), threshold=POSSIBLE_FROM,
        limits=EngineLimits(memory_limit="6GB"), keep_prior=True,
    ).pairs  # fmt: skip
    return time.perf_counter() - started, len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held", type=int, default=1_000_000)
    parser.add_argument("--upload", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="processes for name features")
    parser.add_argument(
        "--server-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR, format="%(asctime)s %(message)s")

    from interagency.demo import load_demo
    from interagency.identity.models import User
    from interagency.identity.principals import Caller, principal_of
    from interagency.records.models import BulkUpload, Hit

    tables = scale_data.ensure(max(args.held, args.upload), args.seed)
    held = pd.read_parquet(tables.b).iloc[: args.held].drop(columns=["id"])
    held.insert(0, "id", [str(i + 1) for i in range(len(held))])
    upload = pd.read_parquet(tables.a).iloc[: args.upload]
    print(f"{len(upload):,} persons to upload, {len(held):,} held by {len(HELD_BY)} agencies")

    seconds_ref, pairs_ref = reference_run(upload, held, args.workers)
    print(f"reference: the batch engine alone, {pairs_ref:,} pairs in {seconds_ref:.1f} s")

    with database(args.server_url, None, keep=False) as db:
        url, folder = db.url, db.folder
        container = scratch_platform(url, folder)
        load_demo(container)
        clear_records(container)
        began = time.perf_counter()
        seeded = seed_held(container, held, workers=args.workers)
        with container.uow() as uow:
            uow.session.execute(text("ANALYZE"))
            uow.commit()
        print(f"seeded {seeded:,} sealed records in {time.perf_counter() - began:.0f} s")

        data = upload_csv(upload)
        with running_worker(worker_env(url, folder), folder) as worker:
            with container.uow() as uow:
                user = uow.session.scalar(select(User).where(User.login == UPLOADER))
                assert user is not None
                caller = Caller(principal_of(user), "127.0.0.1")
                upload_id = accept(container, uow, caller, data)
                uow.commit()
            accepted = time.perf_counter()
            stages, peak = watch(container, worker, upload_id)
            elapsed = time.perf_counter() - accepted
        with container.uow() as uow:
            job = uow.session.get(BulkUpload, upload_id)
            hits = uow.session.scalar(select(func.count()).select_from(Hit))
            status, stored, problems = (
                (job.status, job.rows_stored, job.problems_found) if job else ("missing", 0, 0)
            )
        container.engine.dispose()

    print(f"upload: {stored:,} stored ({problems} rows refused), status {status}")
    print(f"time from accepted to cross-checked: {elapsed:.1f} s; {hits:,} hits")
    for stage, seconds in stages.items():
        rate = len(upload) / seconds if seconds else 0
        print(f"  {stage:<15} {seconds:7.1f} s   {rate:8,.0f} rows a second")
    print(f"ratio to the batch engine alone: {elapsed / seconds_ref:.1f}")
    print(f"the worker's peak resident memory: {peak:.1f} GiB")
    if args.json:
        args.json.write_text(json.dumps({
            "held": len(held), "upload": len(upload), "stored": stored, "hits": hits,
            "seconds": elapsed, "stages": stages, "reference_seconds": seconds_ref,
            "reference_pairs": pairs_ref, "ratio": elapsed / seconds_ref, "status": status,
            "refused_rows": problems, "worker_peak_gib": peak,
        }, indent=2))  # fmt: skip


def accept(container: Any, uow: Any, caller: Any, data: bytes) -> int:
    """The upload as the page accepts it: the file received, sealed, and the job asked for."""
    from interagency.records import uploads
    from interagency.records.models import RecordKind

    agency_id = caller.principal.agency_id
    stored = container.file_store.receive_bytes(
        uow, data, agency_id=agency_id, filename="arrivals.csv"
    )
    upload = uploads.accept(
        uow, caller, container.file_store, RecordKind.PERSON, "arrivals.csv", stored,
        accept_valid_only=True,
    )  # fmt: skip
    return int(upload.id)


def worker_env(url: str, folder: Path) -> dict[str, str]:
    """The settings of `scratch_platform`, for a worker process."""
    return {
        **os.environ,
        "INTERAGENCY_DATABASE_URL": url,
        "INTERAGENCY_KEY_DIR": str(folder / "keys"),
        "INTERAGENCY_AUDIT_WITNESS_FILE": str(folder / "witness.jsonl"),
        "INTERAGENCY_ATTACHMENT_DIR": str(folder / "attachments"),
        "INTERAGENCY_JOBS_QUEUE_URL": f"sqlite:///{folder / 'queue.db'}",
    }


@contextmanager
def running_worker(
    env: dict[str, str], folder: Path, processes: int = 1
) -> Iterator[subprocess.Popen[bytes]]:
    """A worker (`processes` processes of one thread), started and ready before the upload
    is accepted, so that the figure holds no start-up."""
    log_path = folder / "worker.log"
    command = [sys.executable, "-m", "interagency", "worker", "--threads", "1",
               "--processes", str(processes)]  # fmt: skip
    with log_path.open("wb") as log:
        worker = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        # (Only the first process logs its start; the others start meanwhile, while the
        # manifest's job reads the file through before it hands out the parts.)
        while "consumer started" not in log_path.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log_path.read_text(errors="replace"))
            time.sleep(0.2)
        yield worker
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=120)


def watch(
    container: Any, worker: subprocess.Popen[bytes], upload_id: int
) -> tuple[dict[str, float], float]:
    """Follows the upload's row until it is over: each stage's seconds, and the worker's
    peak resident memory in GiB."""
    from interagency.records.models import BulkUpload

    stages: dict[str, float] = {}
    peak = 0.0
    stage, since = "queued", time.perf_counter()
    while True:
        with container.uow(read_only=True) as uow:
            row = uow.session.get(BulkUpload, upload_id)
            assert row is not None
            now_stage, status = row.stage, row.status
        peak = max(peak, psutil.Process(worker.pid).memory_info().rss / 2**30)
        if now_stage != stage:
            stages[stage] = stages.get(stage, 0.0) + time.perf_counter() - since
            stage, since = now_stage, time.perf_counter()
        if status in ("done", "failed", "rejected"):
            return stages, peak
        if worker.poll() is not None:
            raise RuntimeError("the worker ended before the upload was done")
        time.sleep(0.2)


if __name__ == "__main__":
    main()
