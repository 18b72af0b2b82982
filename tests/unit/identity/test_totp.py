"""TOTP codes: accepted once, one step of drift, secrets sealed under a key file."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from cryptography.exceptions import InvalidTag

from interagency.identity import totp

MOMENT = datetime(2026, 11, 28, 12, 0, 10, tzinfo=UTC)
STEP = int(MOMENT.timestamp()) // 30
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_at(step: int) -> str:
    return pyotp.TOTP(SECRET).at(step * 30)


def test_the_current_code_is_accepted_and_names_its_step() -> None:
    assert totp.accepted_step(SECRET, code_at(STEP), MOMENT, None) == STEP


def test_a_code_is_never_accepted_twice() -> None:
    assert totp.accepted_step(SECRET, code_at(STEP), MOMENT, last_step=STEP) is None


def test_an_older_code_is_refused_once_a_newer_one_was_used() -> None:
    assert totp.accepted_step(SECRET, code_at(STEP - 1), MOMENT, last_step=STEP) is None


def test_one_step_of_clock_drift_is_forgiven_two_are_not() -> None:
    assert totp.accepted_step(SECRET, code_at(STEP - 1), MOMENT, None) == STEP - 1
    assert totp.accepted_step(SECRET, code_at(STEP + 1), MOMENT, None) == STEP + 1
    assert totp.accepted_step(SECRET, code_at(STEP - 2), MOMENT, None) is None
    assert totp.accepted_step(SECRET, code_at(STEP + 2), MOMENT, None) is None


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_are_refused(typed: str) -> None:
    assert totp.accepted_step(SECRET, typed, MOMENT, None) is None


def test_a_code_typed_with_a_space_is_read() -> None:
    code = code_at(STEP)
    assert totp.accepted_step(SECRET, f"{code[:3]} {code[3:]}", MOMENT, None) == STEP


def test_sealed_secrets_open_only_for_their_user_and_key(tmp_path: Path) -> None:
    sealed = totp.seal(tmp_path, SECRET, user_id=7)
    assert SECRET not in sealed
    assert totp.unseal(tmp_path, sealed, user_id=7) == SECRET
    with pytest.raises(InvalidTag):
        totp.unseal(tmp_path, sealed, user_id=8)
    other_keys = tmp_path / "other"
    with pytest.raises(InvalidTag):
        totp.unseal(other_keys, sealed, user_id=7)


def test_the_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    totp.seal(tmp_path / "keys", SECRET, user_id=1)
    mode = stat.S_IMODE((tmp_path / "keys" / totp.KEY_FILE).stat().st_mode)
    assert mode == 0o600


def test_enrolment_qr_code_is_an_svg_data_uri_carrying_the_uri() -> None:
    uri = totp.provisioning_uri(SECRET, "ivanov")
    assert uri.startswith("otpauth://totp/Interagency:ivanov?")
    assert f"secret={SECRET}" in uri
    assert totp.qr_data_uri(uri).startswith("data:image/svg+xml")


def test_code_for_matches_an_authenticator() -> None:
    later = MOMENT + timedelta(seconds=95)
    assert totp.code_for(SECRET, later) == pyotp.TOTP(SECRET).at(later)
