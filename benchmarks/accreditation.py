"""Benchmark: accreditation screening of a major event — applicants screened through the
screening service against the records other agencies opted in for the event, on
PostgreSQL, with the batch linkage engine alone on the same data as the reference in the
same run (issue target: 50,000 applicants against 1,000,000 records in under 10 minutes
and 8 GiB on the 2-core machine).

Never part of `make test`. Run from the repository root:

    .venv/bin/python benchmarks/accreditation.py [--applicants 50000] [--records 1000000]
        [--planted 0.01] [--workers 2] [--tables 1000000] [--server-url URL] [--json F]
        [--keep] [--profile F.prof] [--no-engine]
    .venv/bin/python benchmarks/accreditation.py --smoke    # 2,000 against 20,000

The tables of `--tables` persons are read at every scale (the records are the first rows
of table B), so that what each record is found under is computed once and kept beside
them. `--profile` writes cProfile's statistics of the screening jobs; `--no-engine`
leaves the reference out (for a profiling run).

1. Made-up persons come from `scale_data` (seed 2). The first `--records` rows of its
   table B are suspects' records on terrorism charges of the eight agencies of
   `records_crosscheck`, written with COPY (`seed_records`: sealed as the services seal
   them, with their "record" subjects and keys, checked on a sample against the
   service's own).
2. The event is the demo's summit (hosted by RU-FSB); the seven other agencies join it,
   it declares terrorism and a quota for the applicants, and every record of those
   agencies is opted in for it in bulk: its opt-in row, and its "event-record" subject
   with the keys of the record's subject (both are found from the same particulars;
   written with the records, and checked on a sample too).
3. The applicants are rows of table A, a share `--planted` of them (1 in 100 by default)
   table A's version of an opted-in record's person (another script or standard of
   transliteration, a slightly different document number or birth date). They are
   uploaded as the host's liaison officer uploads them (`accreditation.upload`, batches
   of at most 50,000), approved by the host's supervisor, and screened by the batches'
   jobs run in this process (`background.run_pending`). Reported: the seconds from the
   approval until every batch is screened, the peak resident memory of the process
   during them (and above what it held before), the hits.
4. Reference, in the same run: the batch engine (`matching.batch.link` on DuckDB, the
   records' model, the hit threshold) on the same applicants, as the service reads them,
   against the same records. Reported: its seconds and peak memory, the planted pairs
   each found, and the ratio of the times.

The database is made for the run and dropped at its end.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import psutil
from sqlalchemy import func, select, text

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

# Beside this file, not a package.
import scale_data  # noqa: E402
from exchange_load import database, load_note, scratch_platform, source_note  # noqa: E402
from movements import clear_movements, document_fields, partners_of  # noqa: E402
from records_crosscheck import (  # noqa: E402
    HELD_BY,
    SEED_CHUNK,
    SUBJECTS_CHECKED,
    _keys_set_aside,
    check_subjects,
    clear_records,
    particulars_of,
)

HOST_UPLOADER = "ivanov"  # RU-FSB's liaison officer, the summit's host
HOST_SUPERVISOR = "kuznetsov"  # RU-FSB's supervisor, who approves
TARGET_SECONDS = 600.0
TARGET_BYTES = 8 << 30
SMOKE = {"applicants": 2_000, "records": 20_000}
ROLES = ("staff", "volunteer", "media", "contractor")
T = TypeVar("T")


@contextmanager
def peak_memory() -> Iterator[dict[str, int]]:
    """The process's peak resident memory while the block runs, sampled every 50 ms, and
    what it held when the block began."""
    process = psutil.Process()
    found = {"before": process.memory_info().rss, "peak": process.memory_info().rss}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            found["peak"] = max(found["peak"], process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield found
    finally:
        done.set()
        sampler.join()
        found["peak"] = max(found["peak"], process.memory_info().rss)


def timed(work: Callable[[], T]) -> tuple[T, float, dict[str, int]]:
    with peak_memory() as memory:
        began = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - began
    return result, seconds, memory


def profiled(into: Path | None, work: Callable[[], T]) -> T:
    """`work()`, under cProfile when `into` names a file for its statistics."""
    if into is None:
        return work()
    profile = cProfile.Profile()
    try:
        return profile.runcall(work)
    finally:
        profile.dump_stats(into)


# -- the applicants ---------------------------------------------------------------------


def applicant_rows(
    a: pd.DataFrame, partners: Mapping[str, int], count: int, planted: float, seed: int
) -> tuple[list[dict[str, str]], list[int | None]]:
    """`count` applicants of table A as the upload takes them (rows the upload would
    refuse are left out), a share planted, with the record id of each planted one."""
    from interagency.events.accreditation import check_row

    rows = a.to_dict("records")
    random.Random(seed).shuffle(rows)
    wanted = {True: round(count * planted), False: count - round(count * planted)}
    chosen: list[dict[str, str]] = []
    partner: list[int | None] = []
    for number, row in enumerate(rows):
        kind = str(row["id"]) in partners
        if wanted[kind] <= 0:
            continue
        fields = document_fields(row, number)
        values = {
            **{k: fields[k] for k in ("surname", "given_name", "patronymic", "birth_date", "sex")},
            "nationality": fields["document_country"].replace("XXX", ""),
            "document_number": fields["document_number"],
            "role": ROLES[number % len(ROLES)],
            "employer": f"Подрядчик № {number % 97}",
        }  # fmt: skip
        if check_row(2, values)[0] is None:
            continue
        chosen.append(values)
        partner.append(partners.get(str(row["id"])))
        wanted[kind] -= 1
    return chosen, partner


# -- the records, in bulk -----------------------------------------------------------------


def persons_keyed(rows: Sequence[dict[str, str]]) -> list[tuple[list[str], str]]:
    """What each person is found under, as text, and its features as its subject keeps
    them (`screening.keys.stored_texts` and `features_text`, the service's own functions),
    in a worker process (names are parsed in Python)."""
    from interagency.records.models import RecordKind
    from interagency.records.particulars import PersonParticulars
    from interagency.screening import keys

    person = RecordKind.PERSON.value
    found = []
    for row in rows:
        particulars = PersonParticulars.model_validate(row)
        features = keys.features_of(particulars)
        texts = sorted(keys.stored_texts(person, particulars, features))
        found.append((texts, keys.features_text(features)))
    return found


def keyed(
    held: pd.DataFrame, tables: int, seed: int, workers: int
) -> Iterator[list[tuple[list[str], str]]]:
    """`persons_keyed` of each held person, a chunk of SEED_CHUNK rows at a time. Kept
    beside the tables (a chunk's file), since the same rows of table B are held by every
    run: the first run computes them in `workers` processes, the next ones read them back.
    The sample checks after the load fail if the service's keys or features ever differ
    from what was kept."""
    folder = scale_data.DEFAULT_OUT / f"person-keys-features-{tables}-seed{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    starts = range(0, len(held), SEED_CHUNK)
    rows = [particulars_of(row) for row in held.to_dict("records")]

    def kept(start: int) -> Path:
        return folder / f"{start:07d}-{min(start + SEED_CHUNK, len(held)) - start}.parquet"

    missing = [s for s in starts if not kept(s).exists()]
    ahead: dict[int, Future[list[tuple[list[str], str]]]] = {}
    with ProcessPoolExecutor(max(workers, 1), mp_context=get_context("spawn")) as pool:
        for start in starts:
            # A few chunks ahead, so that the workers compute while this process writes.
            for later in [s for s in missing if s >= start][: workers + 1]:
                if later not in ahead:
                    ahead[later] = pool.submit(persons_keyed, rows[later : later + SEED_CHUNK])
            if start in ahead:
                found = ahead.pop(start).result()
                pd.DataFrame(
                    {"texts": [t for t, _ in found], "features": [f for _, f in found]}
                ).to_parquet(kept(start), index=False)
                yield found
            else:
                table = pd.read_parquet(kept(start))
                yield [(list(t), f) for t, f in zip(table["texts"], table["features"], strict=True)]


def seed_records(
    container: Any, held: pd.DataFrame, event_id: int, tables: int, seed: int, workers: int
) -> dict[str, float]:
    """The held persons as suspects' records on terrorism charges of the agencies of
    HELD_BY (in turn), as `records_crosscheck.seed_held` writes them (sealed like the
    services seal them, ids from 1), but with COPY, and with the subjects of both kinds
    at once: each record's "record" subject (id: the record's) and, for a record of an
    agency other than the event's host, its "event-record" subject (id: n + the record's)
    with the same keys and features (both match as persons from the same particulars),
    the features sealed for each. The candidate keys' indexes are built once after the
    load. Checked on a sample against the service's own subjects, keys and features."""
    from interagency.db import new_public_id, utcnow
    from interagency.events.accreditation_screened import EVENT_RECORDS
    from interagency.events.models import Event
    from interagency.identity.models import Agency, User
    from interagency.records.models import Neutrality, RecordKind, SubjectCategory
    from interagency.records.particulars import PersonParticulars
    from interagency.records.policy import review_due
    from interagency.records.screened import RECORDS
    from interagency.records.sealing import particulars_context
    from interagency.screening.subjects import features_context
    from interagency.vault.columns import sealing_context

    began = time.perf_counter()
    now = utcnow()
    n = len(held)
    with container.uow() as uow:
        codes = dict(uow.session.execute(select(Agency.code, Agency.id)).all())
        authors = dict(
            uow.session.execute(
                select(User.agency_id, func.min(User.id)).group_by(User.agency_id)
            ).all()
        )
        host = uow.session.scalar(select(Event.host_agency_id).where(Event.id == event_id))
    owners = [codes[code] for code in HELD_BY]
    due = review_due(now.date(), SubjectCategory.SUSPECT, is_minor=False)
    person = RecordKind.PERSON.value
    fixed = {
        "kind": person, "created_at": now, "updated_at": now, "version": 1,
        "subject_category": "suspect", "offence_article": "1",
        "offence_category": "terrorism", "source_grade": "B", "information_grade": "2",
        "is_minor": False, "smuggled_migrant": False, "review_due": due,
        "hits_to_all": True, "neutrality": Neutrality.NOT_REQUIRED.value,
        "screen_pending": False, "handling_code": "H0", "tlp": "AMBER",
    }  # fmt: skip
    columns = ("id", "owner_agency_id", "created_by_id", "public_id", "particulars_sealed",
               "purpose_sealed", "legal_basis_sealed", *fixed)  # fmt: skip
    values = tuple(fixed.values())
    texts_s = 0.0
    with _keys_set_aside(container, True, print):
        chunks = keyed(held, tables, seed, workers)
        for start in range(0, n, SEED_CHUNK):
            waited = time.perf_counter()
            texts = next(chunks)
            texts_s += time.perf_counter() - waited
            chunk = held.iloc[start : start + SEED_CHUNK].to_dict("records")
            with container.uow() as uow:
                vault, session = container.vault, uow.session
                cursor = session.connection().connection.driver_connection.cursor()
                # Sealed before the COPY: a data key the vault reads meanwhile would wait
                # for the connection the COPY holds.
                records, subjects, lines = [], [], []
                for offset, (row, (found_under, features)) in enumerate(
                    zip(chunk, texts, strict=True)
                ):
                    record_id = start + offset + 1
                    owner = owners[record_id % len(owners)]
                    particulars = PersonParticulars.model_validate(particulars_of(row))
                    public_id = new_public_id()

                    contexts = [particulars_context(record_id)] + [
                        sealing_context("records", public_id, column)
                        for column in ("purpose", "legal_basis")
                    ]
                    plain = json.dumps(particulars.model_dump(), ensure_ascii=False,
                                       sort_keys=True)  # fmt: skip
                    sealed = [
                        vault.seal_text(session, owner, value, context=context)
                        for value, context in zip(
                            (plain, "Benchmark", "Benchmark"), contexts, strict=True
                        )
                    ]
                    records.append((record_id, owner, authors[owner], public_id, *sealed, *values))
                    terms = sorted(vault.matching_terms(session, found_under))
                    for subject_id, kind in ((record_id, RECORDS.name),
                                             (n + record_id, EVENT_RECORDS.name)):  # fmt: skip
                        if kind == EVENT_RECORDS.name and owner == host:
                            continue  # the host screens against others' records only
                        compared = vault.seal_text(
                            session, owner, features, context=features_context(kind, record_id)
                        )
                        subjects.append((subject_id, kind, record_id, owner, person, now,
                                         compared))  # fmt: skip
                        lines.extend(f"{term}\t{subject_id}\n" for term in terms)
                with cursor.copy(f"COPY records ({', '.join(columns)}) FROM STDIN") as copy:
                    for record in records:
                        copy.write_row(record)
                subject_columns = (
                    "id, kind, ref, owner_agency_id, matches_as, created_at, features_sealed"
                )
                with cursor.copy(f"COPY screening_subjects ({subject_columns}) FROM STDIN") as copy:
                    for subject in subjects:
                        copy.write_row(subject)
                # Terms are hex and ids numbers: the text format needs no escaping.
                with cursor.copy("COPY screening_keys (term, subject_id) FROM STDIN") as copy:
                    for at in range(0, len(lines), 50_000):
                        copy.write("".join(lines[at : at + 50_000]))
                uow.commit()
            done = start + len(chunk)
            if (start // SEED_CHUNK) % 10 == 9 or done == n:
                spent = time.perf_counter() - began
                print(f"  seeded {done:,} records ({spent:.0f} s, {done / spent:,.0f} a second;"
                      f" {texts_s:.0f} s waiting for keys and features)")  # fmt: skip
    with container.uow() as uow:
        for table, last in (("records", n), ("screening_subjects", 2 * n)):
            uow.session.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :n)"),
                {"table": table, "n": max(last, 1)},
            )
        uow.commit()
    seconds = time.perf_counter() - began
    check_subjects(container, SUBJECTS_CHECKED)
    check_event_records(container, SUBJECTS_CHECKED)
    with container.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        # The planner's statistics, and the visibility map the index-only lookups of the
        # candidate keys need.
        db.execute(text("VACUUM ANALYZE records, screening_subjects, screening_keys"))
    total = time.perf_counter() - began
    print(f"seeded {n:,} records in {seconds:.0f} s, checked and analysed in {total:.0f} s")
    return {"records_seconds": seconds, "seconds": total}


def check_event_records(container: Any, count: int) -> None:
    """Fails unless `count` event-record subjects drawn at random have the holder, kind,
    keys and features the service gives an opted-in record's subject (`subjects.enrol` of
    its particulars), the features as the service reads them (`subjects.compared`)."""
    from interagency.events.accreditation_screened import EVENT_RECORDS
    from interagency.records.models import Record
    from interagency.records.particulars import PersonParticulars
    from interagency.records.sealing import open_particulars
    from interagency.screening import keys, subjects
    from interagency.screening.models import Subject, SubjectKey

    with container.uow(read_only=True) as uow:
        rows = uow.session.execute(
            select(Subject, Record)
            .join(Record, Record.id == Subject.ref)
            .where(Subject.kind == EVENT_RECORDS.name)
            .order_by(func.random())
            .limit(count)
        ).all()
        if not rows:
            raise RuntimeError("no event-record subject was seeded")
        for subject, record in rows:
            if (subject.owner_agency_id, subject.matches_as) != (record.owner_agency_id,
                                                                 record.kind):  # fmt: skip
                raise RuntimeError(f"record {record.id}: its event-record subject is wrong")
            particulars = open_particulars(uow, container.vault, record)
            assert particulars is not None
            wanted = container.vault.matching_terms(
                uow.session, keys.stored_texts(subject.matches_as, particulars)
            )
            stored = set(
                uow.session.scalars(
                    select(SubjectKey.term).where(SubjectKey.subject_id == subject.id)
                )
            )
            if stored != wanted:
                raise RuntimeError(f"record {record.id}: its event-record keys differ")
            compared = subjects.compared(uow, container.vault, [subject]).get(subject.id)
            assert isinstance(particulars, PersonParticulars)
            if compared != keys.features_of(particulars, subject.id):
                raise RuntimeError(f"record {record.id}: its event-record features differ")


# -- the event --------------------------------------------------------------------------


def prepare_event(container: Any, quota: int) -> int:
    """The demo's summit: the holding agencies join it, it declares terrorism and the
    quota, and every record of an agency taking part is opted in (its row; its subject
    and keys are seeded with it, `seed_records`)."""
    from interagency.events import accreditation, dossier
    from interagency.events.models import Event
    from interagency.events.schemas import DelegationIn
    from interagency.identity.models import User
    from interagency.identity.principals import Caller, principal_of

    with container.uow() as uow:
        user = uow.session.scalar(select(User).where(User.login == HOST_UPLOADER))
        assert user is not None
        host = Caller(principal_of(user), "127.0.0.1")
        event = uow.session.scalar(select(Event).where(Event.kind == "summit"))
        assert event is not None
        taking_part = {p.agency_id for p in event.participants}
        codes = dict(uow.session.execute(text("SELECT code, id FROM agencies")).all())
        for code in HELD_BY:
            if codes[code] != event.host_agency_id and codes[code] not in taking_part:
                dossier.add_participant(uow, host, event.id, DelegationIn(agency=code))
        used = int(uow.session.execute(
            text("SELECT coalesce(sum(size), 0) FROM event_applicant_batches WHERE event_id = :e"),
            {"e": event.id},
        ).scalar() or 0)  # fmt: skip
        accreditation.set_terms(uow, host, event.id, used + quota, ["terrorism"])
        params = {"event": event.id, "host": event.host_agency_id}
        uow.session.execute(
            text(
                "INSERT INTO event_accreditation_optins (event_id, record_id, agency_id,"
                " opted_by_id, created_at) SELECT :event, r.id, r.owner_agency_id,"
                " (SELECT min(u.id) FROM users u WHERE u.agency_id = r.owner_agency_id),"
                " now() FROM records r WHERE r.owner_agency_id <> :host"
            ),
            params,
        )
        uow.commit()
        event_id = event.id
    with container.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE event_accreditation_optins"))
    return event_id


def summit(container: Any) -> int:
    """The demo's summit's id."""
    from interagency.events.models import Event

    with container.uow(read_only=True) as uow:
        event_id = uow.session.scalar(select(Event.id).where(Event.kind == "summit"))
    assert event_id is not None
    return int(event_id)


def upload_and_approve(container: Any, event_id: int, rows: Sequence[dict[str, str]]) -> float:
    """Uploads the applicants as the host's officer does and approves every batch as its
    supervisor; the seconds the uploads took."""
    from interagency.events import accreditation
    from interagency.identity.models import User
    from interagency.identity.principals import Caller, principal_of

    def caller_of(uow: Any, login: str) -> Caller:
        user = uow.session.scalar(select(User).where(User.login == login))
        return Caller(principal_of(user), "127.0.0.1")

    began = time.perf_counter()
    refs = []
    for start in range(0, len(rows), accreditation.MAX_BATCH):
        with container.uow() as uow:
            chunk = rows[start : start + accreditation.MAX_BATCH]
            batch = accreditation.upload(uow, caller_of(uow, HOST_UPLOADER), event_id, chunk)
            refs.append(batch.public_id)
            uow.commit()
    seconds = time.perf_counter() - began
    with container.uow() as uow:
        for ref in refs:
            accreditation.approve(uow, caller_of(uow, HOST_SUPERVISOR), event_id, ref)
        uow.commit()
    return seconds


def service_pairs(container: Any, event_id: int) -> set[tuple[int, int]]:
    """(applicant's line - 2 + offset of its batch, record id) of every hit: the
    applicant's number in the upload's order."""
    with container.uow() as uow:
        rows = uow.session.execute(
            text(
                "SELECT a.id, h.found_record_id FROM record_hits h JOIN screening_subjects s"
                " ON s.id = h.searching_subject_id AND s.kind = 'accreditation-applicant'"
                " JOIN event_applicants a ON a.id = s.ref WHERE a.event_id = :e"
            ),
            {"e": event_id},
        ).all()
        first = uow.session.execute(
            text(
                "SELECT min(a.id) FROM event_applicants a JOIN event_applicant_batches b"
                " ON b.id = a.batch_id WHERE a.event_id = :e AND b.status <> 'awaiting_approval'"
                " AND b.size > 10"
            ),
            {"e": event_id},
        ).scalar()
    return {(int(a) - int(first or 0), int(r)) for a, r in rows}


# -- reference: the batch engine ---------------------------------------------------------


def reference(
    rows: Sequence[dict[str, str]], records: Sequence[dict[str, str]], workers: int
) -> set[tuple[int, int]]:
    """The batch engine on the applicants as the service reads them and on the records:
    its pairs (applicant number, record id), under the rule the service keeps too: a name
    alone is never a hit."""
    from interagency.events.accreditation import check_row
    from interagency.events.accreditation_screened import particulars_text
    from interagency.matching.batch import EngineLimits, link
    from interagency.matching.features import person_features
    from interagency.records.comparison import POSSIBLE_FROM, model_without_term_frequencies
    from interagency.records.particulars import PersonParticulars

    def applicant(values: dict[str, str]) -> PersonParticulars:
        data = check_row(2, values)[0]
        assert data is not None
        return PersonParticulars.model_validate_json(particulars_text(data))

    a = pd.DataFrame([applicant(dict(r)).as_person_row(str(n)) for n, r in enumerate(rows)])
    b = pd.DataFrame(
        [PersonParticulars.model_validate(p).as_person_row(str(n))
         for n, p in enumerate(records, start=1)]
    )  # fmt: skip
    pairs = link(
        person_features(a.astype("string"), workers),
        person_features(b.astype("string"), workers),
        model=model_without_term_frequencies(), threshold=POSSIBLE_FROM,
        limits=EngineLimits(memory_limit="6GB"), keep_prior=True, explain=True,
    ).pairs  # fmt: skip
    identified = (pairs["birth_date_weight"] > 0) | (pairs["passport_weight"] > 0)
    kept = pairs[identified]
    return {(int(x), int(y)) for x, y in zip(kept["a_id"], kept["b_id"], strict=True)}


# -- the run ----------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--applicants", type=int, default=50_000, help="applicants uploaded and screened")
    add("--records", type=int, default=1_000_000, help="records of eight agencies")
    add("--planted", type=float, default=0.01, help="share of applicants planted")
    add("--smoke", action="store_true", help="a small run: " + json.dumps(SMOKE))
    add("--seed", type=int, default=2, help="generator seed of the tables")
    add(
        "--tables",
        type=int,
        default=1_000_000,
        help="rows of the tables read (the first --records of table B are held)",
    )
    add("--workers", type=int, default=2, help="processes for keys and features")
    add("--server-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    add("--json", type=Path)
    add("--keep", action="store_true", help="keep the database (and its keys) after the run")
    add("--profile", type=Path, help="write cProfile's statistics of the service's jobs here")
    add("--no-engine", action="store_true", help="leave the reference out (a profiling run)")
    args = parser.parse_args()
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    from interagency.background import run_pending
    from interagency.demo import load_demo

    found = scale_data.ensure(max(args.tables, args.records, args.applicants * 5), args.seed)
    b = pd.read_parquet(found.b).iloc[: args.records]
    a = pd.read_parquet(found.a)
    partners = partners_of(pd.read_parquet(found.truth), b)
    rows, partner = applicant_rows(a, partners, args.applicants, args.planted, args.seed)
    records = [particulars_of(row) for row in b.to_dict("records")]
    print(f"{len(rows):,} applicants ({sum(p is not None for p in partner):,} planted) "
          f"against {len(records):,} records")  # fmt: skip
    result: dict[str, Any] = {"applicants": len(rows), "records": len(records)}
    with database(args.server_url, None, keep=args.keep) as db:
        container = scratch_platform(db.url, db.folder)
        load_demo(container)
        clear_movements(container)
        clear_records(container)
        began = time.perf_counter()
        tables = max(args.tables, args.records, args.applicants * 5)
        result["seeding"] = seed_records(
            container, b, summit(container), tables, args.seed, args.workers
        )
        event_id = prepare_event(container, len(rows))
        result["seeding_seconds"] = time.perf_counter() - began
        result["upload_seconds"] = upload_and_approve(container, event_id, rows)
        print(f"load: {load_note()}")
        _, seconds, memory = timed(
            lambda: profiled(args.profile, lambda: run_pending(container, limit=100))
        )
        result["service"] = {"seconds": seconds, **memory}
        service = service_pairs(container, event_id)
        container.engine.dispose()
    if args.no_engine:
        engine, seconds, memory = set(), float("nan"), {"before": 0, "peak": 0}
    else:
        engine, seconds, memory = timed(lambda: reference(rows, records, args.workers))
    result["engine"] = {"seconds": seconds, **memory}
    held_by_host = {n for n in range(1, len(records) + 1) if n % len(HELD_BY) == 0}
    planted = {(n, p) for n, p in enumerate(partner) if p is not None and p not in held_by_host}
    result["planted"] = len(planted)
    result["planted_found_by_service"] = len(planted & service)
    result["planted_found_by_engine"] = len(planted & engine)
    result["hits"] = len(service)
    # Beyond the planted pairs: how far the service's hits and the engine's pairs agree
    # (the records held by the host are never screened against, so left out of both).
    held = {(n, p) for n, p in engine if p not in held_by_host}
    result["engine_pairs"] = len(held)
    result["pairs_found_by_both"] = len(held & service)
    result["ratio"] = result["service"]["seconds"] / max(result["engine"]["seconds"], 1e-9)
    return result


def report(found: Mapping[str, Any]) -> None:
    service, engine = found["service"], found["engine"]
    gib = 1 << 30
    print(f"service: {found['applicants']:,} applicants against {found['records']:,} records in "
          f"{service['seconds']:.1f} s ({found['applicants'] / service['seconds']:.0f} a second), "
          f"peak {service['peak'] / gib:.2f} GiB ({(service['peak'] - service['before']) / gib:.2f}"
          f" GiB above the start); {found['hits']} hits")  # fmt: skip
    print(f"engine alone: {engine['seconds']:.1f} s, peak {engine['peak'] / gib:.2f} GiB; "
          f"service / engine = {found['ratio']:.2f}")  # fmt: skip
    if found.get("engine_pairs"):
        print(f"all pairs: the service's {found['hits']}, the engine's {found['engine_pairs']}, "
              f"found by both {found['pairs_found_by_both']}")  # fmt: skip
    print(f"planted pairs: {found['planted']}; found by the service "
          f"{found['planted_found_by_service']}, by the engine "
          f"{found['planted_found_by_engine']}")  # fmt: skip
    full = found["applicants"] == 50_000 and found["records"] == 1_000_000
    met = service["seconds"] < TARGET_SECONDS and service["peak"] < TARGET_BYTES
    label = "50,000 against 1,000,000 in under 10 minutes and 8 GiB"
    print(f"target: {label}: {('met' if met else 'MISSED') if full else 'not this scale'}")


def main() -> None:
    args = arguments()
    logging.basicConfig(level=logging.ERROR, format="%(asctime)s %(message)s")
    began = time.perf_counter()
    found = {"source": source_note(), **run(args)}
    found["seconds"] = time.perf_counter() - began
    report(found)
    print(f"the whole run took {found['seconds'] / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(found, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
