"""`verify_chain` catches every kind of tampering an owner can do, and only tampering."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import Connection, text

from interagency.audit import sign_head, verify_chain
from interagency.bootstrap import Container
from tests.integration.audit.chain_helpers import append_entries, drop_protections


def test_an_untouched_chain_is_valid_and_fully_witnessed_after_signing(
    audit_container: Container, connection: Connection
) -> None:
    append_entries(audit_container, 25, personal_every=4)
    assert sign_head(audit_container) is not None
    report = verify_chain(connection, audit_container.settings)
    assert report.valid
    assert report.entries == 25
    assert report.last_witnessed_seq == 25
    assert report.unwitnessed is None


def test_an_edited_entry_is_named(audit_container: Container, connection: Connection) -> None:
    append_entries(audit_container, 12)
    drop_protections(connection)
    connection.execute(text("UPDATE audit_entries SET actor_login = 'someone.else' WHERE seq = 7"))
    report = verify_chain(connection, audit_container.settings)
    assert report.broken is not None
    assert report.broken.seq == 7
    assert "edited" in report.broken.reason


def test_edited_personal_data_is_named(audit_container: Container, connection: Connection) -> None:
    append_entries(audit_container, 6, personal_every=2)
    drop_protections(connection)
    # Another entry's sealed value copied over: bound to its own entry, it opens nowhere else.
    connection.execute(
        text(
            "UPDATE audit_personal SET data_sealed = "
            "(SELECT data_sealed FROM audit_personal WHERE seq = 1) WHERE seq = 3"
        )
    )
    report = verify_chain(connection, audit_container.settings)
    assert report.broken is not None
    assert report.broken.seq == 3


def test_a_deleted_entry_is_named(audit_container: Container, connection: Connection) -> None:
    append_entries(audit_container, 12)
    drop_protections(connection)
    connection.execute(text("DELETE FROM audit_entries WHERE seq = 5"))
    report = verify_chain(connection, audit_container.settings)
    assert report.broken is not None
    assert report.broken.seq == 5
    assert "missing" in report.broken.reason


def canonical_hash(row: dict[str, object]) -> str:
    """The chain's hash written independently: sorted compact JSON, detail embedded."""
    body = dict(row)
    body["detail"] = json.loads(str(row["detail"]))
    text_of = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text_of.encode()).hexdigest()


def test_an_inserted_entry_is_caught_even_with_a_correct_hash_of_its_own(
    audit_container: Container, connection: Connection
) -> None:
    append_entries(audit_container, 8)
    drop_protections(connection)
    # Make room at 5 by moving entries 5..8 up by one (two steps keep seq unique).
    connection.execute(text("UPDATE audit_entries SET seq = seq + 1000 WHERE seq >= 5"))
    connection.execute(text("UPDATE audit_entries SET seq = seq - 999 WHERE seq >= 1000"))
    at, prev = connection.execute(
        text("SELECT at, entry_hash FROM audit_entries WHERE seq = 4")
    ).one()
    at_text = at if isinstance(at, str) else at.isoformat(timespec="microseconds")
    forged = {
        "seq": 5,
        "at": at_text,
        "action": "records:person:read",
        "outcome": "ok",
        "actor_user_id": None,
        "actor_login": "forger",
        "actor_agency_id": 1,
        "object_kind": None,
        "object_ref": None,
        "client_address": None,
        "detail": "{}",
        "personal_digest": None,
        "prev_hash": prev,
    }
    connection.execute(
        text(
            "INSERT INTO audit_entries (seq, at, action, outcome, actor_login, actor_agency_id,"
            " detail, prev_hash, entry_hash)"
            " VALUES (5, :at, 'records:person:read', 'ok', 'forger', 1, '{}', :prev, :hash)"
        ),
        {"at": at, "prev": prev, "hash": canonical_hash(forged)},
    )
    report = verify_chain(connection, audit_container.settings)
    assert report.broken is not None
    # The forged entry itself checks out; the entry pushed behind it does not.
    assert report.broken.seq == 6


def test_a_tail_removed_up_to_the_last_witnessed_head_is_caught(
    audit_container: Container, connection: Connection
) -> None:
    append_entries(audit_container, 30)
    assert sign_head(audit_container) is not None
    drop_protections(connection)
    connection.execute(text("DELETE FROM audit_checkpoints"))
    connection.execute(text("DELETE FROM audit_entries WHERE seq >= 28"))
    report = verify_chain(connection, audit_container.settings)
    assert report.broken is not None
    assert report.broken.seq == 28
    assert "30" in report.broken.reason
    assert "removed" in report.broken.reason


def test_a_tail_removed_from_long_before_the_witnessed_head_is_caught(
    audit_container: Container, connection: Connection
) -> None:
    append_entries(audit_container, 40)
    assert sign_head(audit_container) is not None
    drop_protections(connection)
    connection.execute(text("DELETE FROM audit_checkpoints"))
    connection.execute(text("DELETE FROM audit_entries WHERE seq >= 3"))
    report = verify_chain(connection, audit_container.settings)
    assert report.broken is not None
    assert report.broken.seq == 3


def test_a_removed_tail_is_caught_by_the_database_checkpoint_too(
    audit_container: Container, connection: Connection
) -> None:
    append_entries(audit_container, 15)
    assert sign_head(audit_container) is not None
    audit_container.settings.audit_witness_file.unlink()
    drop_protections(connection)
    connection.execute(text("DELETE FROM audit_entries WHERE seq >= 11"))
    report = verify_chain(connection, audit_container.settings)
    assert report.broken is not None
    assert report.broken.seq == 11


def test_entries_after_the_last_witnessed_head_are_reported_as_not_yet_witnessed(
    audit_container: Container, connection: Connection
) -> None:
    append_entries(audit_container, 7)
    assert sign_head(audit_container) is not None
    append_entries(audit_container, 3)
    report = verify_chain(connection, audit_container.settings)
    assert report.valid
    assert report.last_witnessed_seq == 7
    assert report.unwitnessed == (8, 10)


def test_a_tail_removed_after_the_last_witnessed_head_is_only_not_witnessed(
    audit_container: Container, connection: Connection
) -> None:
    # The limit of a local witness file, and why other nodes will witness too.
    append_entries(audit_container, 7)
    assert sign_head(audit_container) is not None
    append_entries(audit_container, 3)
    drop_protections(connection)
    connection.execute(text("DELETE FROM audit_entries WHERE seq >= 9"))
    report = verify_chain(connection, audit_container.settings)
    assert report.valid
    assert report.unwitnessed == (8, 8)


def edit_last_witness_line(container: Container, change: dict[str, object]) -> None:
    path = container.settings.audit_witness_file
    lines = path.read_text().splitlines()
    values = json.loads(lines[-1])
    values.update(change)
    lines[-1] = json.dumps(values)
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "change",
    [{"seq": 999}, {"entry_hash": "0" * 64}, {"signature": "A" * 86 + "=="}],
    ids=["seq", "hash", "signature"],
)
def test_an_edited_witness_line_is_reported(
    audit_container: Container, connection: Connection, change: dict[str, object]
) -> None:
    append_entries(audit_container, 4)
    assert sign_head(audit_container) is not None
    edit_last_witness_line(audit_container, change)
    report = verify_chain(connection, audit_container.settings)
    assert not report.valid
    assert [problem.source for problem in report.head_problems] == ["witness file line 1"]
    assert "signature" in report.head_problems[0].reason
    assert report.last_witnessed_seq is None


def test_a_replaced_entry_with_recomputed_hashes_is_caught_by_the_signed_head(
    audit_container: Container, connection: Connection
) -> None:
    append_entries(audit_container, 3)
    assert sign_head(audit_container) is not None
    drop_protections(connection)
    # A forger rewrites the whole chain consistently (here: entry 3 only, the head).
    row = dict(
        connection.execute(text("SELECT * FROM audit_entries WHERE seq = 3")).mappings().one()
    )
    at = row["at"] if isinstance(row["at"], str) else row["at"].isoformat(timespec="microseconds")
    body = {key: row[key] for key in row if key != "entry_hash"} | {"at": at, "actor_login": "x"}
    connection.execute(
        text("UPDATE audit_entries SET actor_login = 'x', entry_hash = :hash WHERE seq = 3"),
        {"hash": canonical_hash(body)},
    )
    report = verify_chain(connection, audit_container.settings)
    assert report.broken is not None
    assert report.broken.seq == 3
    assert "signed" in report.broken.reason
