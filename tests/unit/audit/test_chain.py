"""The canonical form, written out independently of the code that produces it."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interagency.audit import AuditEvent
from interagency.audit.chain import canonical_json, canonical_time, entry_bytes, personal_digest

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=10,
)


@given(st.dictionaries(st.text(), json_values))
def test_canonical_json_is_sorted_compact_utf8(value: dict[str, object]) -> None:
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == expected.encode()


def test_times_are_utc_with_microseconds() -> None:
    almaty = timezone(timedelta(hours=5))
    assert canonical_time(datetime(2026, 3, 1, 9, 30, tzinfo=almaty)) == (
        "2026-03-01T04:30:00.000000+00:00"
    )
    with pytest.raises(ValueError, match="naive"):
        canonical_time(datetime(2026, 3, 1, 9, 30))


def test_an_entry_hashes_as_documented() -> None:
    columns = {
        "seq": 7,
        "at": "2026-03-01T04:30:00.000000+00:00",
        "action": "identity:user:read",
        "outcome": "ok",
        "actor_user_id": 3,
        "actor_login": "ana",
        "actor_agency_id": 1,
        "object_kind": "user",
        "object_ref": "17",
        "client_address": "10.0.0.1",
        "personal_digest": None,
        "prev_hash": "ab" * 32,
    }
    expected = json.dumps(
        {**columns, "detail": {"b": 1, "a": [2]}}, sort_keys=True, separators=(",", ":")
    )
    produced = entry_bytes(**columns, detail_json='{"a":[2],"b":1}')  # type: ignore[arg-type]
    assert produced == expected.encode()
    assert hashlib.sha256(produced).hexdigest() == hashlib.sha256(expected.encode()).hexdigest()


def test_the_personal_digest_is_salted() -> None:
    data = '{"name":"Ivanov"}'
    salt = "00" * 16
    assert personal_digest(salt, data) == hashlib.sha256(bytes(16) + data.encode()).hexdigest()
    assert personal_digest("11" * 16, data) != personal_digest(salt, data)


def test_an_event_needs_a_known_outcome_and_an_action() -> None:
    with pytest.raises(ValueError, match="outcome"):
        AuditEvent(action="a:b", outcome="maybe")
    with pytest.raises(ValueError, match="action"):
        AuditEvent(action="")
