"""TOTP second factor: secrets encrypted at rest, each code accepted once.

The secret is encrypted with AES-256-GCM under a key file outside the database, so a
database dump alone cannot mint codes. A code is accepted for its own 30-second step or
one step either side (clock drift), and never for a step at or before the last one used.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from pathlib import Path

import pyotp
import segno
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from interagency.identity.keyfile import load_or_create_key

ISSUER = "Interagency"
KEY_FILE = "totp.key"
STEP_SECONDS = 30
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def _cipher(key_dir: Path) -> AESGCM:
    return AESGCM(load_or_create_key(key_dir / KEY_FILE))


def seal(key_dir: Path, secret: str, user_id: int) -> str:
    nonce = secrets.token_bytes(12)
    # The user id is bound as associated data: a sealed secret copied to another row fails.
    sealed = _cipher(key_dir).encrypt(nonce, secret.encode(), str(user_id).encode())
    return base64.b64encode(nonce + sealed).decode()


def unseal(key_dir: Path, sealed: str, user_id: int) -> str:
    raw = base64.b64decode(sealed)
    return _cipher(key_dir).decrypt(raw[:12], raw[12:], str(user_id).encode()).decode()


def provisioning_uri(secret: str, login: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI: drawn here, no inline style for the CSP."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step the code belongs to, or None if it is wrong or was already used."""
    code = code.strip().replace(" ", "")
    # ASCII only: str.isdigit() also accepts digits of other scripts ("１２３…").
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def code_for(secret: str, moment: datetime) -> str:
    """The code an authenticator shows at `moment` (for the demo and the tests)."""
    return pyotp.TOTP(secret).at(moment)
