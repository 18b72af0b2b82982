"""Benchmark: accreditation screening of a major event — applicants screened through the
screening service against the records other agencies opted in for the event, on
PostgreSQL, with the batch linkage engine alone on the same data as the reference in the
same run (issue target: 50,000 applicants against 1,000,000 records in under 10 minutes
and 8 GiB on the 2-core machine).

Never part of `make test`. Run from the repository root:

    .venv/bin/python benchmarks/accreditation.py [--applicants 50000] [--records 1000000]
        [--planted 0.01] [--workers 2] [--server-url URL] [--json F] [--keep]
    .venv/bin/python benchmarks/accreditation.py --smoke    # 2,000 against 20,000

1. Made-up persons come from `scale_data` (seed 2). The first `--records` rows of its
   table B are suspects' records on terrorism charges of the eight agencies of
   `records_crosscheck` (`seed_held`: sealed, with their "record" subjects and keys).
2. The event is the demo's summit (hosted by RU-FSB); the seven other agencies join it,
   it declares terrorism and a quota for the applicants, and every record of those
   agencies is opted in for it in bulk: its opt-in row, and its "event-record" subject
   with the keys of the record's subject (both are found from the same particulars).
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
import json
import logging
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import psutil
from sqlalchemy import select, text

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

# Beside this file, not a package.
import scale_data  # noqa: E402
from exchange_load import database, load_note, scratch_platform, source_note  # noqa: E402
from movements import clear_movements, document_fields, partners_of  # noqa: E402
from records_crosscheck import HELD_BY, clear_records, particulars_of, seed_held  # noqa: E402

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


# -- the event --------------------------------------------------------------------------


def prepare_event(container: Any, quota: int) -> int:
    """The demo's summit: the holding agencies join it, it declares terrorism and the
    quota, and every record of an agency taking part is opted in (rows, subjects, keys)."""
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
        uow.session.execute(
            text(
                "INSERT INTO screening_subjects (kind, ref, owner_agency_id, matches_as,"
                " created_at) SELECT 'event-record', s.ref, s.owner_agency_id, s.matches_as,"
                " s.created_at FROM screening_subjects s JOIN event_accreditation_optins o"
                " ON o.record_id = s.ref AND o.event_id = :event WHERE s.kind = 'record'"
            ),
            {"event": event.id},
        )
        uow.session.execute(
            text(
                "INSERT INTO screening_keys (term, subject_id) SELECT k.term, e.id"
                " FROM screening_keys k JOIN screening_subjects r ON r.id = k.subject_id"
                " AND r.kind = 'record' JOIN screening_subjects e ON e.kind = 'event-record'"
                " AND e.ref = r.ref"
            )
        )
        uow.commit()
        event_id = event.id
    with container.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE event_accreditation_optins, screening_subjects,"
                        " screening_keys"))  # fmt: skip
    return event_id


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
    add("--workers", type=int, default=2, help="processes for keys and features")
    add("--server-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    add("--json", type=Path)
    add("--keep", action="store_true", help="keep the database (and its keys) after the run")
    args = parser.parse_args()
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    from interagency.background import run_pending
    from interagency.demo import load_demo

    found = scale_data.ensure(max(args.records, args.applicants * 5), args.seed)
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
        seed_held(container, b, HELD_BY, workers=args.workers)
        event_id = prepare_event(container, len(rows))
        result["seeding_seconds"] = time.perf_counter() - began
        result["upload_seconds"] = upload_and_approve(container, event_id, rows)
        print(f"load: {load_note()}")
        _, seconds, memory = timed(lambda: run_pending(container, limit=100))
        result["service"] = {"seconds": seconds, **memory}
        service = service_pairs(container, event_id)
        container.engine.dispose()
    engine, seconds, memory = timed(lambda: reference(rows, records, args.workers))
    result["engine"] = {"seconds": seconds, **memory}
    held_by_host = {n for n in range(1, len(records) + 1) if n % len(HELD_BY) == 0}
    planted = {(n, p) for n, p in enumerate(partner) if p is not None and p not in held_by_host}
    result["planted"] = len(planted)
    result["planted_found_by_service"] = len(planted & service)
    result["planted_found_by_engine"] = len(planted & engine)
    result["hits"] = len(service)
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
