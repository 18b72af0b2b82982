"""`record` is atomic with the caller's change; `record_refusal` survives its rollback;
heads are signed every N committed entries, never before the commit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from interagency.audit import (
    AuditEvent,
    erase_personal_data,
    record,
    record_refusal,
    sign_head,
    verify_chain,
)
from interagency.audit.models import AuditCheckpoint, AuditEntry, AuditPersonal
from interagency.bootstrap import Container
from interagency.db import utcnow
from interagency.errors import Conflict, NotFound
from tests.integration.audit.chain_helpers import append_entries
from tests.integration.audit.conftest import SIGN_EVERY

REFUSED = AuditEvent(action="identity:user:read", outcome="denied", actor_login="guest")


def actions(container: Container) -> list[str]:
    with container.uow() as uow:
        return list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_records_are_appended_in_order_when_the_caller_commits(
    audit_container: Container,
) -> None:
    with audit_container.uow() as uow:
        record(uow, AuditEvent(action="a:one"))
        record(uow, AuditEvent(action="a:two"))
        # Appended at the commit, so the audit lock is held only for the commit itself.
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
        uow.commit()
    with audit_container.uow() as uow:
        rows = uow.session.execute(select(AuditEntry.seq, AuditEntry.action)).all()
    assert [tuple(row) for row in rows] == [(1, "a:one"), (2, "a:two")]


def test_record_is_rolled_back_with_the_caller(audit_container: Container) -> None:
    with audit_container.uow() as uow:
        record(uow, AuditEvent(action="a:lost"))
    assert actions(audit_container) == []


def refuse(container: Container) -> None:
    with container.uow() as uow:
        record_refusal(uow, REFUSED)
        raise PermissionError("refused")


def fail_a_constraint_then_refuse(container: Container) -> None:
    with container.uow() as uow:
        record(uow, AuditEvent(action="a:x"))
        # An outcome the check constraint refuses leaves the transaction failed.
        uow.session.add(
            AuditEntry(
                seq=99, at=utcnow(), action="a:x", outcome="bad", detail="{}",
                prev_hash="0" * 64, entry_hash="0" * 64,
            )
        )  # fmt: skip
        try:
            uow.session.flush()
        except IntegrityError:
            record_refusal(uow, REFUSED)
            raise


def test_a_refusal_is_kept_when_the_callers_transaction_has_failed(
    audit_container: Container, connection: Connection
) -> None:
    with pytest.raises(IntegrityError):
        fail_a_constraint_then_refuse(audit_container)
    assert actions(audit_container) == ["identity:user:read"]
    assert verify_chain(connection, audit_container.settings).valid


def test_a_refusal_is_kept_when_the_caller_rolls_back(
    audit_container: Container, connection: Connection
) -> None:
    with pytest.raises(PermissionError):
        refuse(audit_container)
    assert actions(audit_container) == ["identity:user:read"]
    assert verify_chain(connection, audit_container.settings).valid


def test_a_refusal_is_kept_once_when_the_caller_commits(audit_container: Container) -> None:
    with audit_container.uow() as uow:
        record(uow, AuditEvent(action="a:before"))
        record_refusal(uow, REFUSED)
        uow.commit()
    assert actions(audit_container) == ["a:before", "identity:user:read"]


def test_a_refusal_after_other_work_is_kept_alone_when_that_work_is_rolled_back(
    audit_container: Container,
) -> None:
    with audit_container.uow() as uow:
        record(uow, AuditEvent(action="a:undone"))
        record_refusal(uow, REFUSED)
    assert actions(audit_container) == ["identity:user:read"]


def checkpoints(container: Container) -> list[int]:
    with container.uow() as uow:
        return list(uow.session.scalars(select(AuditCheckpoint.seq).order_by(AuditCheckpoint.seq)))


def test_the_head_is_signed_after_every_n_committed_entries(signing_container: Container) -> None:
    append_entries(signing_container, 2 * SIGN_EVERY + 3)
    assert checkpoints(signing_container) == [SIGN_EVERY, 2 * SIGN_EVERY]
    lines = signing_container.settings.audit_witness_file.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [SIGN_EVERY, 2 * SIGN_EVERY]


def test_a_head_that_is_rolled_back_is_never_signed(signing_container: Container) -> None:
    append_entries(signing_container, SIGN_EVERY - 1)
    with signing_container.uow() as uow:
        record(uow, AuditEvent(action="a:rolled-back"))
    assert checkpoints(signing_container) == []
    assert not signing_container.settings.audit_witness_file.exists()
    append_entries(signing_container, 1)
    assert checkpoints(signing_container) == [SIGN_EVERY]


def test_signing_a_signed_head_again_does_nothing(audit_container: Container) -> None:
    assert sign_head(audit_container) is None  # empty chain
    append_entries(audit_container, 3)
    first = sign_head(audit_container)
    assert first is not None
    assert first.seq == 3
    assert sign_head(audit_container) is None
    assert len(audit_container.settings.audit_witness_file.read_text().splitlines()) == 1


def test_the_signing_key_is_made_private_on_first_use(audit_container: Container) -> None:
    append_entries(audit_container, 1)
    sign_head(audit_container)
    key = audit_container.settings.key_dir / "audit-signing.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert audit_container.settings.key_dir.stat().st_mode & 0o777 == 0o700


def test_erasure_clears_personal_data_and_keeps_the_chain_valid(
    audit_container: Container, connection: Connection
) -> None:
    append_entries(audit_container, 6, personal_every=2)
    assert sign_head(audit_container) is not None
    with audit_container.uow() as uow:
        erase_personal_data(uow, 3, "request DP-2026-15", actor_login="dpo.kz")
        uow.commit()
    with audit_container.uow() as uow:
        row = uow.session.get(AuditPersonal, 3)
        assert row is not None
        assert row.data_sealed is None
        assert row.erasure_reason == "request DP-2026-15"
        kept = uow.session.scalar(
            select(func.count()).where(AuditPersonal.data_sealed.is_not(None))
        )
        assert kept == 2
    report = verify_chain(connection, audit_container.settings)
    assert report.valid
    assert report.entries == 7
    assert actions(audit_container)[-1] == "audit:personal:erased"


def test_erasure_of_an_entry_without_personal_data_or_twice_is_refused(
    audit_container: Container,
) -> None:
    append_entries(audit_container, 2, personal_every=2)
    with audit_container.uow() as uow:
        with pytest.raises(NotFound):
            erase_personal_data(uow, 2, "no such data")
        erase_personal_data(uow, 1, "first")
        with pytest.raises(Conflict):
            erase_personal_data(uow, 1, "second")


def test_personal_values_with_no_key_to_seal_them_are_not_kept_in_clear(
    audit_container: Container, connection: Connection
) -> None:
    """Before the directory holds any agency, nothing can be sealed: a failed sign-in
    with a typed login keeps the entry and its digest, not the login."""
    with audit_container.uow() as uow:
        record(uow, AuditEvent(action="auth:login:failed", personal={"login": "someone"}))
        uow.commit()
    with audit_container.uow() as uow:
        row = uow.session.get(AuditPersonal, 1)
        assert row is not None
        assert row.data_sealed is None
        assert row.erasure_reason is not None
        assert "not kept" in row.erasure_reason
    assert verify_chain(connection, audit_container.settings).valid
