"""Benchmark: border crossings screened against fighters' profiles on PostgreSQL, one
event at a time through the API and a day's file in bulk, each with the batch linkage
engine on the same data as the reference in the same run (issue targets: one event end
to end in p95 under 50 ms against 100,000 profiles; a day's 1,000,000 events in under
10 minutes; the service finds at least 0.99 of the planted pairs the engine finds).

Never part of `make test`. Run from the repository root:

    .venv/bin/python benchmarks/movements.py [--profiles 100000] [--events 2000]
        [--file-events 1000000] [--planted 0.2] [--file-planted 0.01] [--batch 1000] [--workers 2]
        [--server-workers 1] [--worker-processes 2] [--json F]
    .venv/bin/python benchmarks/movements.py --smoke     # a small run, to check it works

1. Made-up persons come from `scale_data` (seed 2). The first `--profiles` rows of its
   table B are person records of the eight member agencies of `records_crosscheck`,
   seeded by its `seed_held` (sealed, with their "record" subjects and keys), and each is
   made a fighter's profile naming a group of the UN 1267 list (QDe.115), so that other
   states' borders screen against it without the review board, shared with every
   agency: its `fighter_profiles` row (basis sealed under the owner's key) and its
   "fighter-profile" subject with the same candidate keys as the record's subject,
   written in bulk and checked against the service's own keys on a sample.
2. The travellers are rows of table A, submitted by KZ-KNB's border system (a service
   account with an API token). A planted traveller is table A's version of a profile's
   person: the name in another script or transliteration standard, with the same or a
   slightly different document number and birth date, as the generator writes them.
   Names are split into surname, given name and patronymic as on a document; a missing
   document number or country gets a made-up one (never a profile's).
3. Single events: `--events` crossings (a share `--planted` of them planted travellers)
   posted one after the other to `POST /api/v1/movements/crossings` of the application
   served by uvicorn, as a border system calls it. Reported: the latency of each request
   end to end (p50/p95/p99), and the hits.
4. A day's file: `--file-events` rows of table A, a share `--file-planted` of them (1 in
   100 by default: a real day's crossings hold far fewer fighters) planted travellers.
   Through the manifest job when `interagency.movements.manifests` is there
   (`--file-path auto`): the file, as CSV, received by the file store and accepted as
   the manifest's page accepts it, then read and split into parts of rows by its job,
   the parts screened side by side by a real worker (`interagency worker --processes`,
   `--worker-processes` processes of one thread, its queue on SQLite, started
   beforehand); else through `crossings.screen` in batches of `--batch` crossings a
   transaction (stored, sealed, enrolled, screened, hits written). The
   output says which. Reported: the time from the acceptance until the manifest is
   done, the rate, the manifest's counts, the hits, and the time the rate gives for
   1,000,000 events.
5. Reference, in the same run, for each of 3 and 4: the batch engine
   (`matching.batch.link` on DuckDB, the records' model, the hit threshold) on the same
   travellers, as the service reads them, against the same profiles. Reported: the
   planted pairs each found, the recall of the service relative to the engine (planted
   pairs found by the service / found by the engine) and the ratio of their times.

The database is made for the run and dropped at its end.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import uvloop
from sqlalchemy import insert, select, text

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

# Beside this file, not a package.
import exchange_http  # noqa: E402
import scale_data  # noqa: E402
from exchange_load import (  # noqa: E402
    database,
    load_note,
    percentile,
    scratch_platform,
    server_environment,
    source_note,
)
from records_crosscheck import (  # noqa: E402
    HELD_BY,
    clear_records,
    particulars_of,
    running_worker,
    seed_held,
    worker_env,
)

SUBMITTING = "KZ-KNB"  # its border system submits every crossing; it holds no profile
BORDER_SYSTEM = "kz_border_system"
UN_GROUP = "QDe.115"
BASIS = (
    "Crossed into Syria at Akcakale on 02.04.2019; seen in a training camp video dated 15.06.2019."
)
STREAM_TARGET_MS = 50.0
FILE_TARGET_S = 600.0
RECALL_TARGET = 0.99
DAY = 1_000_000  # events of a day's file, for the projection
WARM_UP = 10  # events posted before the measured ones, not counted
PROFILES_CHECKED = 200
FILE_MAX_BYTES = 1 << 30
SMOKE = {"profiles": 2_000, "events": 200, "file_events": 5_000}


# -- travellers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    row_id: str  # table A's id
    payload: dict[str, Any]  # the request's JSON
    partner: int | None  # the profile's record id, when a planted traveller


def document_fields(row: Mapping[str, Any], number: int) -> dict[str, str]:
    """The traveller as a document writes them: the name split into its parts."""
    from interagency.matching.names.parse import parse_name

    values = particulars_of(dict(row))
    whole = values.get("full_name", "")
    parts = parse_name(whole)
    # A name the parser cannot split stays whole in the surname, as some documents write it.
    surname, given = (parts.surname, parts.given) if parts.surname else (whole, "")
    return {
        "surname": surname,
        "given_name": given,
        "patronymic": parts.patronymic if parts.surname else "",
        "birth_date": values.get("birth_date", ""),
        "sex": values.get("sex", ""),
        # Made up when the row has none: a border system always reads one.
        "document_number": values.get("passport") or f"ZZ{number:08d}",
        "document_country": values.get("nationality") or "XXX",
    }


def events_of(
    rows: Sequence[Mapping[str, Any]], partners: Mapping[str, int], began: datetime
) -> list[Event]:
    """Crossings of `rows`, the n-th at `began` + n ms (its occurred_at tells it apart);
    rows the API would refuse are left out."""
    from interagency.movements.schemas import CrossingIn

    found: list[Event] = []
    for number, row in enumerate(rows):
        payload: dict[str, Any] = {
            **document_fields(row, number),
            "occurred_at": (began + timedelta(milliseconds=number)).isoformat(),
            "crossing_point": "Nur Zholy",
            "direction": "entry" if number % 2 else "exit",
        }
        try:
            CrossingIn.model_validate(payload)
        except ValueError:
            continue
        found.append(Event(str(row["id"]), payload, partners.get(str(row["id"]))))
    return found


def partners_of(truth: pd.DataFrame, held: pd.DataFrame) -> dict[str, int]:
    """Table A's id -> the profile's record id, for A's persons whose B row is a profile
    (the records take the ids from 1 in table B's order)."""
    record_of = {str(b): n for n, b in enumerate(held["id"], start=1)}
    return {a: record_of[b] for a, b in zip(truth["a_id"], truth["b_id"], strict=True)
            if b in record_of}  # fmt: skip


def stream_rows(
    a: pd.DataFrame, partners: Mapping[str, int], count: int, planted: float, seed: int
) -> list[dict[str, Any]]:
    """`count` travellers of table A in a random order: a share planted, the rest no
    profile's person (with some to spare for rows the API refuses)."""
    rows = a.to_dict("records")
    random.Random(seed).shuffle(rows)
    wanted = {True: round(count * planted) + 5, False: count - round(count * planted) + 5}
    chosen = []
    for row in rows:
        kind = str(row["id"]) in partners
        if wanted[kind] > 0:
            chosen.append(row)
            wanted[kind] -= 1
    random.Random(seed + 1).shuffle(chosen)
    return chosen


# -- profiles --------------------------------------------------------------------------


def seed_profiles(container: Any, held: pd.DataFrame, workers: int) -> dict[str, float]:
    """The person records (`seed_held`), then each made a profile in bulk: its row, its
    "fighter-profile" subject and that subject's keys (those of the record's subject:
    both match as persons from the same particulars)."""
    from interagency.db import new_public_id, utcnow
    from interagency.identity.models import User
    from interagency.movements.models import FighterProfile, FighterStatus
    from interagency.movements.screened import PROFILES
    from interagency.records.models import Record
    from interagency.vault.columns import sealing_context

    began = time.perf_counter()
    seeded = seed_held(container, held, HELD_BY, workers=workers)
    records_s = time.perf_counter() - began
    now = utcnow()
    with container.uow() as uow:
        owners = dict(uow.session.execute(select(Record.id, Record.owner_agency_id)).all())
        authors = dict(
            uow.session.execute(select(User.agency_id, User.id).order_by(User.id.desc())).all()
        )
        rows = []
        for record_id, owner in sorted(owners.items()):
            public_id = new_public_id()
            basis = container.vault.seal_text(
                uow.session, owner, BASIS,
                context=sealing_context(FighterProfile.__tablename__, public_id, "basis"),
            )  # fmt: skip
            rows.append({
                "public_id": public_id, "record_id": record_id, "owner_agency_id": owner,
                "created_by_id": authors[owner], "status": FighterStatus.IN_CONFLICT_ZONE.value,
                "conflict_zone": "SYR", "departed_on": datetime(2019, 4, 2).date(),
                "status_since": datetime(2019, 5, 1).date(), "basis_sealed": basis,
                "basis_dated": datetime(2019, 6, 15).date(), "un_group": UN_GROUP,
                "created_at": now, "updated_at": now,
            })  # fmt: skip
        for start in range(0, len(rows), 20_000):
            uow.session.execute(insert(FighterProfile), rows[start : start + 20_000])
        # The profiles' subjects take the ids after the records' (1 to `seeded`).
        uow.session.execute(
            text(
                "INSERT INTO screening_subjects (id, kind, ref, owner_agency_id, matches_as,"
                " created_at) SELECT id + :n, :kind, ref, owner_agency_id, matches_as,"
                " created_at FROM screening_subjects WHERE kind = 'record'"
            ),
            {"n": seeded, "kind": PROFILES.name},
        )
        uow.session.execute(
            text(
                "INSERT INTO screening_keys (term, subject_id) SELECT term, subject_id + :n"
                " FROM screening_keys WHERE subject_id <= :n"
            ),
            {"n": seeded},
        )
        uow.session.execute(
            text("SELECT setval(pg_get_serial_sequence('screening_subjects', 'id'), :n)"),
            {"n": 2 * seeded},
        )
        uow.commit()
    check_profiles(container, PROFILES_CHECKED)
    with container.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE fighter_profiles, screening_subjects, screening_keys"))
    total = time.perf_counter() - began
    print(f"seeded {seeded:,} profiles in {total:.0f} s (the records {records_s:.0f} s)")
    return {"records_seconds": records_s, "seconds": total}


def check_profiles(container: Any, count: int) -> None:
    """Fails unless `count` profiles drawn at random have the subject, keys and
    safeguards the service would give them (`profiles.keep` and `subjects.enrol`)."""
    from interagency.movements.models import FighterProfile
    from interagency.movements.screened import PROFILES
    from interagency.records.models import Record
    from interagency.records.policy import why_not_matchable
    from interagency.records.sealing import open_particulars
    from interagency.screening import keys, subjects
    from interagency.screening.models import SubjectKey

    with container.uow(read_only=True) as uow:
        rows = uow.session.execute(
            select(FighterProfile, Record)
            .join(Record, Record.id == FighterProfile.record_id)
            .order_by(text("random()"))
            .limit(count)
        ).all()
        today = datetime.now(UTC).date()
        guards = PROFILES.holder.safeguards(uow, [r.id for _, r in rows])
        for profile, record in rows:
            if profile.basis != BASIS:
                raise RuntimeError(f"profile of record {record.id}: its basis does not open")
            if (why := why_not_matchable(guards[record.id], today)) is not None:
                raise RuntimeError(f"profile of record {record.id} is not screened: {why}")
            subject = subjects.of_refs(uow, PROFILES, [record.id]).get(record.id)
            if subject is None or subject.owner_agency_id != record.owner_agency_id:
                raise RuntimeError(f"profile of record {record.id}: its subject is wrong")
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
                raise RuntimeError(f"profile of record {record.id}: its keys differ")


def clear_movements(container: Any) -> None:
    """Removes the demo's profiles, crossings, manifests and alerts (before its records):
    the seeded profiles are the only ones."""
    with container.uow() as uow:
        for table in ("fighter_alerts", "fighter_profiles", "border_crossings",
                      "crossing_manifests"):  # fmt: skip
            uow.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (names above)
        uow.commit()


def border_system(container: Any) -> tuple[Any, str]:
    """KZ-KNB's border system: a service account (analyst, no password) and a token."""
    from interagency.identity import tokens
    from interagency.identity.models import AccountKind, Agency, Desk, Role, User, UserRole
    from interagency.identity.principals import Caller, principal_of

    with container.uow() as uow:
        agency = uow.session.scalar(select(Agency.id).where(Agency.code == SUBMITTING))
        desk = uow.session.scalar(select(Desk).where(Desk.agency_id == agency))
        user = User(login=BORDER_SYSTEM, full_name="Border system", agency_id=agency,
                    kind=AccountKind.SERVICE.value)  # fmt: skip
        user.roles = [UserRole(role=Role.ANALYST.value)]
        user.desks = [desk] if desk else []
        uow.session.add(user)
        uow.session.flush()
        secret = tokens.issue(uow, user, "benchmark", days=1).secret
        caller = Caller(principal_of(user), "127.0.0.1")
        uow.commit()
    return caller, secret


# -- what the service found ------------------------------------------------------------


def service_pairs(container: Any, began: datetime, count: int) -> set[tuple[int, int]]:
    """(event number, profile's record id) of every hit of the crossings that occurred
    from `began` (the n-th at `began` + n ms)."""
    with container.uow(read_only=True) as uow:
        rows = uow.session.execute(
            text(
                "SELECT c.occurred_at, f.ref FROM record_hits h"
                " JOIN screening_subjects s ON s.id = h.searching_subject_id"
                " AND s.kind = 'border-crossing'"
                " JOIN border_crossings c ON c.id = s.ref"
                " JOIN screening_subjects f ON f.id = h.found_subject_id"
                " WHERE c.occurred_at >= :began AND c.occurred_at < :ended"
            ),
            {"began": began, "ended": began + timedelta(milliseconds=count)},
        ).all()
    return {(round((at - began) / timedelta(milliseconds=1)), int(ref)) for at, ref in rows}


# -- reference: the batch engine -------------------------------------------------------


def reference(
    events: Sequence[Event], profiles: Sequence[dict[str, str]], workers: int
) -> tuple[float, set[tuple[int, int]]]:
    """The batch engine on the travellers as the service reads them and on the profiles:
    its seconds and its pairs (event number, record id), under the rule the service keeps
    too: a name alone is never a hit, so a pair counts only where the birth date or the
    document speaks for it (`records.comparison._person_match`)."""
    from interagency.matching.batch import EngineLimits, link
    from interagency.matching.features import person_features
    from interagency.movements.schemas import CrossingIn
    from interagency.movements.screened import traveller_text
    from interagency.records.comparison import POSSIBLE_FROM, model_without_term_frequencies
    from interagency.records.particulars import PersonParticulars

    def traveller(payload: Mapping[str, Any]) -> PersonParticulars:
        data = CrossingIn.model_validate(payload)
        fields = {
            "surname": data.surname,
            "given_name": data.given_name,
            "patronymic": data.patronymic,
            "birth_date": data.birth_date,
            "sex": data.sex,
            "passport": data.document_number,
            "nationality": data.document_country,
        }
        return PersonParticulars.model_validate_json(traveller_text(fields))

    a = pd.DataFrame([traveller(e.payload).as_person_row(str(n)) for n, e in enumerate(events)])
    b = pd.DataFrame(
        [PersonParticulars.model_validate(p).as_person_row(str(n))
         for n, p in enumerate(profiles, start=1)]
    )  # fmt: skip
    began = time.perf_counter()
    pairs = link(
        person_features(a.astype("string"), workers),
        person_features(b.astype("string"), workers),
        model=model_without_term_frequencies(), threshold=POSSIBLE_FROM,
        limits=EngineLimits(memory_limit="6GB"), keep_prior=True, explain=True,
    ).pairs  # fmt: skip
    seconds = time.perf_counter() - began
    identified = (pairs["birth_date_weight"] > 0) | (pairs["passport_weight"] > 0)
    kept = pairs[identified]
    return seconds, {(int(x), int(y)) for x, y in zip(kept["a_id"], kept["b_id"], strict=True)}


def compared(
    events: Sequence[Event], service: set[tuple[int, int]], engine: set[tuple[int, int]]
) -> dict[str, Any]:
    planted = {(n, e.partner) for n, e in enumerate(events) if e.partner is not None}
    by_service, by_engine = len(planted & service), len(planted & engine)
    return {
        "planted": len(planted),
        "planted_found_by_service": by_service,
        "planted_found_by_engine": by_engine,
        "planted_found_by_engine_not_service": len((planted & engine) - service),
        "recall_to_engine": by_service / by_engine if by_engine else None,
        "pairs_service": len(service),
        "pairs_engine": len(engine),
        "pairs_both": len(service & engine),
    }


# -- single events through the API -----------------------------------------------------


def post_all(url: str, secret: str, events: Sequence[Event]) -> list[exchange_http.Result]:
    headers = {"Authorization": f"Bearer {secret}"}

    async def send(client: exchange_http.LoopbackClient, operation: str) -> int:
        payload = events[int(operation)].payload
        return await client.request("POST", "/api/v1/movements/crossings", headers, payload)

    operations = [str(n) for n in range(len(events))]
    return uvloop.run(exchange_http.one_at_a_time(url, operations, send))


def run_stream(
    args: argparse.Namespace, db: Any, container: Any, secret: str, events: Sequence[Event],
    profiles: Sequence[dict[str, str]],
) -> dict[str, Any]:  # fmt: skip
    began = datetime.fromisoformat(events[0].payload["occurred_at"])
    env = server_environment(db, args.server_workers)
    print(f"\n{len(events) - WARM_UP:,} single events through the API ({load_note()})")
    with exchange_http.server("interagency_app", env, args.server_workers, db.folder) as served:
        results = post_all(served.url, secret, events)
    refused = [r for r in results if r.status != 201]
    if refused:
        raise RuntimeError(f"{len(refused)} events were not accepted, e.g. {refused[0]}")
    measured = [r.latency_s * 1000 for r in results[WARM_UP:]]
    found = service_pairs(container, began, len(events))
    # The warm-up events are left out of the pairs too.
    counted = list(events[WARM_UP:])
    found = {(n - WARM_UP, r) for n, r in found if n >= WARM_UP}
    print(f"  reference: the batch engine on the same {len(counted):,} events")
    engine_s, engine = reference(counted, profiles, args.workers)
    return {
        "events": len(measured),
        "latency_ms": {"p50": percentile(measured, 50), "p95": percentile(measured, 95),
                       "p99": percentile(measured, 99), "mean": statistics.fmean(measured),
                       "max": max(measured)},
        "service_seconds": sum(measured) / 1000,
        "engine_seconds": engine_s,
        "ratio_service_to_engine": sum(measured) / 1000 / engine_s,
        **compared(counted, found, engine),
    }  # fmt: skip


# -- a day's file ----------------------------------------------------------------------


def manifests_module() -> Any:
    """`movements.manifests` with its job, when it is there."""
    try:
        from interagency.movements import manifests
    except ImportError:
        return None
    return manifests if hasattr(manifests, "accept") and hasattr(manifests, "JOB") else None


def manifest_file(events: Sequence[Event]) -> bytes:
    """The day's file as a border system sends it: CSV, a column a field (the file store
    does not take Parquet yet)."""
    buffer = io.StringIO()
    pd.DataFrame([e.payload for e in events]).to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def screen_through_manifest(
    container: Any, db: Any, caller: Any, events: Sequence[Event], processes: int
) -> tuple[float, dict[str, Any]]:
    """The file received and accepted as the manifest's page does, and screened by its
    jobs in a real worker (`interagency worker --processes N`, a thread each, started
    beforehand): the seconds from the acceptance until the manifest is finished, and its
    counts."""
    from interagency.movements import manifests
    from interagency.movements.models import CrossingManifest

    data = manifest_file(events)
    print(f"  the file: {len(data) / 2**20:.1f} MiB of CSV")
    with running_worker(worker_env(db.url, db.folder), db.folder, processes):
        with container.uow() as uow:
            stored = container.file_store.receive_bytes(
                uow, data, agency_id=caller.principal.agency_id, filename="manifest.csv"
            )
            manifest_id = manifests.accept(
                uow, caller, container.file_store, "manifest.csv", stored
            ).id
            uow.commit()
        began = time.perf_counter()
        shown = began
        while True:
            with container.uow(read_only=True) as uow:
                row = uow.session.get(CrossingManifest, manifest_id)
                assert row is not None
                state = {"status": row.status, "rows": row.rows, "screened": row.screened,
                         "hits": row.hits, "problems": row.problem_count,
                         "refusal": row.refusal}  # fmt: skip
            if state["status"] in manifests.FINISHED:
                break
            if time.perf_counter() - shown > 30:
                shown = time.perf_counter()
                print(f"  {state['rows']:,} rows read ({shown - began:.0f} s)")
            time.sleep(0.2)
    seconds = time.perf_counter() - began
    if state["status"] != "done":
        raise RuntimeError(f"the manifest ended {state}")
    return seconds, state


def screen_in_batches(container: Any, caller: Any, events: Sequence[Event], size: int) -> None:
    """Each batch stored, sealed, enrolled and screened by `crossings.screen` in one
    transaction, as the manifest job does with its rows."""
    from interagency.movements import crossings
    from interagency.movements.schemas import CrossingIn

    began = time.perf_counter()
    for start in range(0, len(events), size):
        with container.uow() as uow:
            principal = crossings.require_submitter(caller)
            rows = [crossings.build(uow, principal, CrossingIn.model_validate(e.payload))
                    for e in events[start : start + size]]  # fmt: skip
            uow.session.add_all(rows)
            uow.session.flush()
            crossings.screen(uow, caller, container.vault, rows)
            uow.commit()
        done = min(start + size, len(events))
        if done % (size * 10) == 0 or done == len(events):
            spent = time.perf_counter() - began
            print(f"  screened {done:,} events ({spent:.0f} s, {done / spent:,.0f} a second)")


def run_file(
    args: argparse.Namespace, db: Any, container: Any, caller: Any, events: Sequence[Event],
    profiles: Sequence[dict[str, str]],
) -> dict[str, Any]:  # fmt: skip
    began_at = datetime.fromisoformat(events[0].payload["occurred_at"])
    through_job = args.file_path == "manifest" or (
        args.file_path == "auto" and manifests_module() is not None
    )
    if through_job:
        path = (
            "the manifest's jobs (movements.manifests) in a worker of "
            f"{args.worker_processes} processes"
        )
    else:
        path = f"crossings.screen in batches of {args.batch:,} (no manifest job)"
    print(f"\na day's file of {len(events):,} events, through {path} ({load_note()})")
    manifest: dict[str, Any] = {}
    if through_job:
        seconds, manifest = screen_through_manifest(
            container, db, caller, events, args.worker_processes
        )
    else:
        began = time.perf_counter()
        screen_in_batches(container, caller, events, args.batch)
        seconds = time.perf_counter() - began
    found = service_pairs(container, began_at, len(events))
    print(f"  reference: the batch engine on the same {len(events):,} events")
    engine_s, engine = reference(events, profiles, args.workers)
    return {
        "path": path,
        "events": len(events),
        "manifest": manifest,
        "service_seconds": seconds,
        "events_a_second": len(events) / seconds,
        "projected_day_seconds": seconds * DAY / len(events),
        "engine_seconds": engine_s,
        "ratio_service_to_engine": seconds / engine_s,
        **compared(events, found, engine),
    }


# -- report ----------------------------------------------------------------------------


def report(found: Mapping[str, Any]) -> None:
    stream, day = found["stream"], found["file"]
    print(f"\n{found['source']}; {found['profiles']:,} profiles of {len(HELD_BY)} agencies")
    latency = stream["latency_ms"]

    def recall(part: Mapping[str, Any]) -> str:
        value = part["recall_to_engine"]
        shown = "n/a" if value is None else f"{value:.4f}"
        service, engine = part["planted_found_by_service"], part["planted_found_by_engine"]
        return f"{shown} ({service} by the service, {engine} by the engine, of {part['planted']})"

    rows = [
        ("single events, one at a time", f"{stream['events']:,}"),
        ("  latency end to end, p50 / p95 / p99",
         f"{latency['p50']:.1f} / {latency['p95']:.1f} / {latency['p99']:.1f} ms"),
        ("  pairs: service / engine / both",
         f"{stream['pairs_service']} / {stream['pairs_engine']} / {stream['pairs_both']}"),
        ("  recall of planted pairs to the engine", recall(stream)),
        ("  time: service (sum of requests) / engine",
         f"{stream['service_seconds']:.1f} s / {stream['engine_seconds']:.1f} s"
         f" = {stream['ratio_service_to_engine']:.1f}"),
        ("a day's file", f"{day['events']:,} events, {day['path']}"),
        ("  screened in",
         f"{day['service_seconds']:.1f} s ({day['events_a_second']:,.0f} a second)"),
        ("  the manifest's counts", json.dumps(day["manifest"]) if day["manifest"] else "n/a"),
        ("  1,000,000 events at that rate", f"{day['projected_day_seconds'] / 60:.1f} min"),
        ("  pairs: service / engine / both",
         f"{day['pairs_service']} / {day['pairs_engine']} / {day['pairs_both']}"),
        ("  recall of planted pairs to the engine", recall(day)),
        ("  time: service / engine",
         f"{day['service_seconds']:.1f} s / {day['engine_seconds']:.1f} s"
         f" = {day['ratio_service_to_engine']:.1f}"),
    ]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    verdicts = [
        (f"one event p95 under {STREAM_TARGET_MS:.0f} ms", latency["p95"] < STREAM_TARGET_MS),
        ("a day's 1,000,000 events under 10 min (projected from the rate)",
         day["projected_day_seconds"] < FILE_TARGET_S),
        (f"recall to the engine at least {RECALL_TARGET} (single events)",
         (stream["recall_to_engine"] or 0) >= RECALL_TARGET),
        (f"recall to the engine at least {RECALL_TARGET} (the file)",
         (day["recall_to_engine"] or 0) >= RECALL_TARGET),
    ]  # fmt: skip
    for label, met in verdicts:
        print(f"target: {label}: {'met' if met else 'MISSED'}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--profiles", type=int, default=100_000, help="fighters' profiles of eight agencies")
    add("--events", type=int, default=2_000, help="single events posted through the API")
    add("--file-events", type=int, default=1_000_000, help="events of the day's file")
    add("--planted", type=float, default=0.2, help="share of single events planted")
    add(
        "--file-planted",
        type=float,
        default=0.01,
        help="share of the file's events planted (a real day holds far fewer fighters)",
    )
    add(
        "--file-path",
        choices=("auto", "manifest", "batches"),
        default="auto",
        help="the day's file through the manifest job, or crossings.screen in batches; "
        "auto: the job when movements.manifests is there",
    )
    add("--batch", type=int, default=1_000, help="crossings a transaction, in batches")
    add("--smoke", action="store_true", help="a small run: " + json.dumps(SMOKE))
    add("--seed", type=int, default=2, help="generator seed of the tables")
    add("--workers", type=int, default=2, help="processes for keys and features")
    add("--server-workers", type=int, default=1, help="uvicorn worker processes")
    add("--worker-processes", type=int, default=2, help="processes of the manifest's worker")
    add("--server-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    add("--json", type=Path)
    add("--keep", action="store_true", help="keep the database (and its keys) after the run")
    args = parser.parse_args()
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    return args


@dataclass(frozen=True)
class Tables:
    profiles: list[dict[str, str]]  # record id n at n - 1
    held: pd.DataFrame
    stream: list[Event]
    file: list[Event]


def tables(args: argparse.Namespace) -> Tables:
    found = scale_data.ensure(max(args.profiles, args.file_events, args.events * 5), args.seed)
    b = pd.read_parquet(found.b).iloc[: args.profiles]
    a = pd.read_parquet(found.a)
    partners = partners_of(pd.read_parquet(found.truth), b)
    now = datetime.now(UTC).replace(microsecond=0)
    wanted = args.events + WARM_UP
    stream = events_of(
        stream_rows(a, partners, wanted, args.planted, args.seed), partners,
        now - timedelta(days=3),
    )[:wanted]  # fmt: skip
    day = events_of(
        stream_rows(a, partners, args.file_events, args.file_planted, args.seed + 7), partners,
        now - timedelta(days=2),
    )[: args.file_events]  # fmt: skip
    profiles = [particulars_of(row) for row in b.to_dict("records")]
    return Tables(profiles, b, stream, day)


def run(args: argparse.Namespace) -> Iterator[tuple[str, Any]]:
    data = tables(args)
    print(f"{len(data.profiles):,} profiles; {len(data.stream) - WARM_UP:,} single events "
          f"({sum(e.partner is not None for e in data.stream[WARM_UP:])} planted); "
          f"a file of {len(data.file):,} ({sum(e.partner is not None for e in data.file):,} "
          "planted)")  # fmt: skip
    from interagency.demo import load_demo

    with database(args.server_url, None, keep=args.keep) as db:
        # This process's platform enqueues the manifest's job where the worker looks, and
        # both take a day's file (the attachments' default limit is 25 MiB).
        os.environ["INTERAGENCY_JOBS_QUEUE_URL"] = worker_env(db.url, db.folder)[
            "INTERAGENCY_JOBS_QUEUE_URL"
        ]
        os.environ["INTERAGENCY_ATTACHMENT_MAX_BYTES"] = str(FILE_MAX_BYTES)
        container = scratch_platform(db.url, db.folder)
        load_demo(container)
        clear_movements(container)
        clear_records(container)
        yield "seeding", seed_profiles(container, data.held, args.workers)
        caller, secret = border_system(container)
        yield "stream", run_stream(args, db, container, secret, data.stream, data.profiles)
        yield "file", run_file(args, db, container, caller, data.file, data.profiles)
        container.engine.dispose()


def main() -> None:
    args = arguments()
    logging.basicConfig(level=logging.ERROR, format="%(asctime)s %(message)s")
    found: dict[str, Any] = {"source": source_note(), "profiles": args.profiles,
                             "arguments": {k: str(v) for k, v in vars(args).items()}}  # fmt: skip
    began = time.perf_counter()
    for name, part in run(args):
        found[name] = part
        if args.json:
            args.json.write_text(json.dumps(found, indent=2, default=str), encoding="utf-8")
    found["seconds"] = time.perf_counter() - began
    report(found)
    print(f"the whole run took {found['seconds'] / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(found, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
