"""Password hashing with argon2id, and the rules a new password must meet."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from interagency.errors import InvalidInput
from interagency.i18n import lazy

MIN_LENGTH = 12
MAX_LENGTH = 256


@cache
def hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's recommended cost (RFC 9106)


@cache
def _dummy_hash() -> str:
    return hasher().hash("a password nobody has, hashed once to spend the same time")


DIFFERENT = lazy("The two new passwords differ: type the same one twice.")


def check_new_password(password: str, field: str | None = None) -> None:
    """Refuses a password out of bounds; `field` names the form field that holds it."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput(
            lazy("A password needs {min} to {max} characters; a passphrase of words is fine."),
            for_field=field,
            min=MIN_LENGTH,
            max=MAX_LENGTH,
        )


def hash_password(password: str) -> str:
    check_new_password(password)
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches. With no stored hash (unknown user) a dummy hash is
    checked, so an unknown login costs the same time as a wrong password."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher().verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher().check_needs_rehash(stored_hash)
