"""Checking the whole chain: every hash, every link, every personal-data digest, and the
signed heads of the witness file and of `audit_checkpoints`.

Rows are streamed in sequence order, so memory stays flat however long the chain is.
The first problem found is reported with the sequence number of the entry and why;
checking stops there, because every later hash depends on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine, Select, String, select, type_coerce
from sqlalchemy.orm import Session

from interagency.audit import chain, witness
from interagency.audit import personal as personal_values
from interagency.audit.keys import trusted_public_keys
from interagency.audit.models import AuditCheckpoint, AuditEntry, AuditPersonal
from interagency.audit.witness import HeadProblem, WitnessedHead
from interagency.config import Settings
from interagency.vault import FileKeyProvider, Tampered, Vault
from interagency.vault.columns import bind_session

STREAM_BATCH = 10_000


@dataclass(frozen=True)
class Break:
    """The first broken entry: its sequence number and what is wrong with it."""

    seq: int
    reason: str


@dataclass
class VerifyReport:
    entries: int = 0
    last_seq: int | None = None
    # Highest head signed in the witness file with a good signature.
    last_witnessed_seq: int | None = None
    broken: Break | None = None
    head_problems: list[HeadProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.broken is None and not self.head_problems

    @property
    def unwitnessed(self) -> tuple[int, int] | None:
        """First and last seq of the entries written after the last witnessed head."""
        if self.broken is not None or self.last_seq is None:
            return None
        first = (self.last_witnessed_seq or 0) + 1
        return (first, self.last_seq) if first <= self.last_seq else None


def verify_chain(bind: Engine | Connection, settings: Settings) -> VerifyReport:
    """Verifies the chain in `bind`'s database against the witness file of `settings`.

    Given a connection, reads in its current transaction (and sees its uncommitted rows).
    """
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return verify_chain(connection, settings)
    keys = trusted_public_keys(settings.key_dir)
    witnessed, problems = witness.read_heads(settings.audit_witness_file, keys)
    report = VerifyReport(head_problems=problems)
    signed = list(witnessed)
    for row in bind.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)):
        checked = witness.check_head(
            {
                "seq": row.seq,
                "entry_hash": row.entry_hash,
                "signed_at": chain.canonical_time(row.signed_at),
                "key_id": row.key_id,
                "signature": row.signature,
            },
            keys,
            f"the database checkpoint of entry {row.seq}",
        )
        if isinstance(checked, WitnessedHead):
            signed.append(checked)
        else:
            report.head_problems.append(checked)
    if witnessed:
        report.last_witnessed_seq = max(head.seq for head in witnessed)
    _walk(bind, report, signed, _opener(bind, settings))
    return report


def _opener(connection: Connection, settings: Settings) -> Callable[[int, int, bytes], str]:
    """Opens sealed personal values with the key file of `settings`, on `connection`."""
    session = Session(bind=connection)
    bind_session(session, Vault(FileKeyProvider(settings.master_key_path)))

    def open_value(seq: int, agency_id: int, sealed: bytes) -> str:
        opened = personal_values.open_json(session, seq, agency_id, sealed)
        assert opened is not None
        return opened

    return open_value


def _entries_query() -> Select[Any]:
    entry, personal = AuditEntry.__table__.c, AuditPersonal.__table__.c
    return (
        select(
            entry.seq,
            # Raw text on SQLite (stored canonical), a timestamp on PostgreSQL.
            type_coerce(entry.at, String),
            entry.action,
            entry.outcome,
            entry.actor_user_id,
            entry.actor_login,
            entry.actor_agency_id,
            entry.object_kind,
            entry.object_ref,
            entry.client_address,
            entry.detail,
            entry.personal_digest,
            entry.prev_hash,
            entry.entry_hash,
            personal.seq,
            personal.salt,
            personal.data_sealed,
            personal.sealed_under_agency_id,
        )
        .select_from(AuditEntry.__table__.outerjoin(AuditPersonal.__table__))
        .order_by(entry.seq)
    )


def _walk(
    connection: Connection,
    report: VerifyReport,
    signed: list[WitnessedHead],
    open_value: Callable[[int, int, bytes], str],
) -> None:
    heads_by_seq: dict[int, list[WitnessedHead]] = {}
    for head in signed:
        heads_by_seq.setdefault(head.seq, []).append(head)
    # A server-side cursor on PostgreSQL: closed by `with` even when the walk stops early.
    with connection.execute(_entries_query().execution_options(yield_per=STREAM_BATCH)) as rows:
        # Whole batches: fetching row by row costs as much as hashing.
        batches = rows.partitions()
        expected = _walk_rows(
            (row for batch in batches for row in batch), report, heads_by_seq, open_value
        )
    report.entries = expected - 1
    report.last_seq = expected - 1 if expected > 1 else None
    if report.broken is None and signed:
        highest = max(signed, key=lambda head: head.seq)
        if highest.seq >= expected:
            report.broken = Break(
                expected,
                f"missing: {highest.source} signed entry {highest.seq}, but the chain ends at "
                f"entry {expected - 1}; entries {expected} to {highest.seq} were removed",
            )


def _walk_rows(
    rows: Iterable[Any],
    report: VerifyReport,
    heads_by_seq: dict[int, list[WitnessedHead]],
    open_value: Callable[[int, int, bytes], str],
) -> int:
    """Checks rows in order until the first break; returns the seq the next row should have."""
    # Local names: this loop runs once per entry, a million times for a large chain.
    sha256, entry_bytes, canonical_time = hashlib.sha256, chain.entry_bytes, chain.canonical_time
    personal_digest = chain.personal_digest
    expected, previous = 1, chain.GENESIS_HASH
    for (
        seq, at, action, outcome, actor_user_id, actor_login, actor_agency_id, object_kind,
        object_ref, client_address, detail, digest, prev_hash, stored_hash,
        personal_seq, salt, sealed, agency_id,
    ) in rows:  # fmt: skip
        if seq != expected:
            report.broken = Break(expected, _gap(expected, seq))
            break
        if prev_hash != previous:
            report.broken = Break(
                seq,
                f"it does not link to entry {seq - 1}: entry {seq - 1} was edited and given a "
                "new hash, or an entry between them was removed or inserted",
            )
            break
        computed = sha256(
            entry_bytes(
                seq=seq,
                at=canonical_time(at),
                action=action,
                outcome=outcome,
                actor_user_id=actor_user_id,
                actor_login=actor_login,
                actor_agency_id=actor_agency_id,
                object_kind=object_kind,
                object_ref=object_ref,
                client_address=client_address,
                detail_json=detail,
                personal_digest=digest,
                prev_hash=prev_hash,
            )
        ).hexdigest()
        if computed != stored_hash:
            report.broken = Break(seq, "its content does not match its hash: it was edited")
            break
        problem = None
        if digest is not None or personal_seq is not None:
            problem = _personal_problem(
                digest,
                personal_seq,
                salt,
                sealed,
                partial(open_value, seq, agency_id, sealed),
                personal_digest,
            )
        if problem is None and seq in heads_by_seq:
            problem = _signed_head_problem(heads_by_seq[seq], stored_hash)
        if problem is not None:
            report.broken = Break(seq, problem)
            break
        previous = stored_hash
        expected += 1
    return expected


def _gap(expected: int, found: int) -> str:
    if expected == 1:
        return f"missing: the chain starts at entry {found}"
    return f"missing: the chain jumps from entry {expected - 1} to entry {found}"


def _personal_problem(
    digest: str | None,
    personal_seq: int | None,
    salt: str | None,
    sealed: bytes | None,
    opened: Callable[[], str],
    personal_digest: Callable[[str, str], str],
) -> str | None:
    if digest is None:
        return None if personal_seq is None else "it has a personal data row it never chained"
    if personal_seq is None or salt is None:
        return "its personal data row was removed (erasure clears the data, keeps the row)"
    if sealed is None:
        return None  # erased
    try:
        data = opened()
    except Tampered:
        return "its sealed personal data does not open: it was edited or moved"
    if personal_digest(salt, data) != digest:
        return "its personal data does not match the chained digest: it was edited"
    return None


def _signed_head_problem(heads: list[WitnessedHead] | None, stored_hash: str) -> str | None:
    for head in heads or ():
        if head.entry_hash != stored_hash:
            return f"it differs from the head signed in {head.source}: it was replaced"
    return None
