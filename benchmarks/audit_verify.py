"""Benchmark: verify an audit chain of N entries (target: 1,000,000 in under 10 s).

Builds the chain with a bulk insert (the benchmark measures verification, not appends),
then times `verify_chain`, and in the same run a reference: plain SHA-256 over the same
canonical bytes in memory, which no verifier can beat. Reports both and their ratio.

    .venv/bin/python benchmarks/audit_verify.py --entries 1000000
    .venv/bin/python benchmarks/audit_verify.py --entries 1000000 --database-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from interagency import migrations
from interagency.audit import chain, verify_chain
from interagency.audit.models import AuditEntry
from interagency.config import Settings
from interagency.db import make_engine

BATCH = 20_000
ACTIONS = ("identity:user:read", "records:person:search", "auth:login:ok", "exchange:message:read")


def build(database_url: str, entries: int) -> list[bytes]:
    """Inserts `entries` chained entries; returns their canonical bytes for the reference."""
    engine = make_engine(database_url)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    previous = chain.GENESIS_HASH
    canonical: list[bytes] = []
    rows: list[dict[str, object]] = []
    with engine.begin() as connection:
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
            data = chain.entry_bytes(**columns, detail_json=detail)  # type: ignore[arg-type]
            canonical.append(data)
            previous = hashlib.sha256(data).hexdigest()
            rows.append({**columns, "at": moment, "detail": detail, "entry_hash": previous})
            if len(rows) == BATCH:
                connection.execute(insert(AuditEntry), rows)
                rows = []
        if rows:
            connection.execute(insert(AuditEntry), rows)
    engine.dispose()
    return canonical


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'audit-bench.db'}"
        migrations.upgrade(url)
        began = time.perf_counter()
        canonical = build(url, args.entries)
        print(f"built {args.entries:,} entries in {time.perf_counter() - began:.1f} s")

        began = time.perf_counter()
        for data in canonical:
            hashlib.sha256(data).hexdigest()
        reference = time.perf_counter() - began

        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=url,
            key_dir=Path(folder) / "keys",
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
