"""Benchmark: verify an audit chain of N entries (target: 1,000,000 in under 10 s).

Builds the chain with a bulk insert (the benchmark measures verification, not appends),
one entry in `--personal-every` with personal values sealed as the platform seals them,
then times `verify_chain`, and in the same run a reference: plain SHA-256 over the same
canonical bytes in memory, which no verifier can beat. Reports both and their ratio.

    .venv/bin/python benchmarks/audit_verify.py --entries 1000000
    .venv/bin/python benchmarks/audit_verify.py --entries 1000000 --database-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import hashlib
import secrets
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from interagency import migrations
from interagency.audit import chain, personal, verify_chain
from interagency.audit.models import AuditEntry, AuditPersonal
from interagency.config import Settings
from interagency.db import make_engine
from interagency.identity.models import Agency, MemberState
from interagency.vault import FileKeyProvider, Vault
from interagency.vault.columns import bind_session

BATCH = 20_000
ACTIONS = ("identity:user:read", "records:person:search", "auth:login:ok", "exchange:message:read")


def _agency(connection: Connection) -> int:
    """The one agency whose key seals the benchmark's personal values."""
    state = connection.execute(
        insert(MemberState).values(
            iso_alpha2="KZ", iso_alpha3="KAZ", name_ru="Казахстан", name_en="Kazakhstan",
            timezone="Asia/Almaty",
        )
    ).inserted_primary_key[0]  # fmt: skip
    return int(
        connection.execute(
            insert(Agency).values(
                code="KZ-BENCH",
                kind="member_agency",
                member_state_id=state,
                name_ru="Служба",
                name_en="Service",
            )
        ).inserted_primary_key[0]
    )


def build(database_url: str, entries: int, personal_every: int, vault: Vault) -> list[bytes]:
    """Inserts `entries` chained entries; returns their canonical bytes for the reference."""
    engine = make_engine(database_url)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    previous = chain.GENESIS_HASH
    canonical: list[bytes] = []
    rows: list[dict[str, object]] = []
    personal_rows: list[dict[str, object]] = []
    with engine.begin() as connection:
        agency_id = _agency(connection)
        session = Session(bind=connection)
        bind_session(session, vault)
        for seq in range(1, entries + 1):
            moment = start + timedelta(milliseconds=seq)
            detail = chain.canonical_json({"ids": [seq, seq + 1], "filters": {"q": "x"}}).decode()
            columns = {
                "seq": seq,
                "at": chain.canonical_time(moment),
                "action": ACTIONS[seq % len(ACTIONS)],
                "outcome": "ok",
                "actor_user_id": seq % 500,
                "actor_login": f"user{seq % 500}",
                "actor_agency_id": seq % 12,
                "object_kind": "person",
                "object_ref": str(seq),
                "client_address": "10.1.2.3",
                "personal_digest": None,
                "prev_hash": previous,
            }
            if personal_every and seq % personal_every == 0:
                salt = secrets.token_hex(chain.SALT_BYTES)
                data_json = chain.canonical_json({"query": f"Гусейнов Рашад {seq}"}).decode()
                columns["personal_digest"] = chain.personal_digest(salt, data_json)
                sealed = personal.seal(session, seq, agency_id, data_json)
                personal_rows.append(
                    {"seq": seq, "salt": salt, "data_sealed": sealed,
                     "sealed_under_agency_id": agency_id}
                )  # fmt: skip
            data = chain.entry_bytes(**columns, detail_json=detail)  # type: ignore[arg-type]
            canonical.append(data)
            previous = hashlib.sha256(data).hexdigest()
            rows.append({**columns, "at": moment, "detail": detail, "entry_hash": previous})
            if len(rows) == BATCH:
                _insert(connection, rows, personal_rows)
                rows, personal_rows = [], []
        _insert(connection, rows, personal_rows)
        session.flush()
    engine.dispose()
    return canonical


def _insert(
    connection: Connection, rows: list[dict[str, object]], personal_rows: list[dict[str, object]]
) -> None:
    if rows:
        connection.execute(insert(AuditEntry), rows)
    if personal_rows:
        connection.execute(insert(AuditPersonal), personal_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument(
        "--personal-every", type=int, default=10, help="one entry in N has sealed personal values"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'audit-bench.db'}"
        migrations.upgrade(url)
        began = time.perf_counter()
        key_dir = Path(folder) / "keys"
        vault = Vault(FileKeyProvider(key_dir / "vault-master.key"))
        canonical = build(url, args.entries, args.personal_every, vault)
        print(f"built {args.entries:,} entries in {time.perf_counter() - began:.1f} s")

        began = time.perf_counter()
        for data in canonical:
            hashlib.sha256(data).hexdigest()
        reference = time.perf_counter() - began

        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=url,
            key_dir=key_dir,
            audit_witness_file=Path(folder) / "witness.jsonl",
        )
        engine = make_engine(url)
        began = time.perf_counter()
        report = verify_chain(engine, settings)
        verify = time.perf_counter() - began
        engine.dispose()
        if not report.valid or report.entries != args.entries:
            raise SystemExit(f"the benchmark chain did not verify: {report}")
        print(f"verify_chain: {verify:.2f} s ({args.entries / verify:,.0f} entries/s)")
        print(f"reference, SHA-256 of the same bytes in memory: {reference:.2f} s")
        print(f"ratio verify / reference: {verify / reference:.1f}")


if __name__ == "__main__":
    main()
