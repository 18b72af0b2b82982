"""Enrolment links: the only way a user's password and second factor come to exist.

A new account, and an account whose credentials were reset, gets a single-use link once a
supervisor of its agency has approved the change. Only the link's SHA-256 is stored; the
link is shown once, to the approving supervisor, to hand to the user in person. Through it
the user chooses the password and enrols the authenticator in one step, so that nobody
else ever knows either: not the administrator who asked, not the operator.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import InvalidInput
from interagency.i18n import lazy
from interagency.identity import login, passwords, sessions, throttle, tokens, totp
from interagency.identity.models import EnrolmentLink, User
from interagency.identity.principals import Caller, principal_of

LIFETIME = timedelta(hours=72)
PATH = "/enrol/"


@dataclass(frozen=True)
class IssuedLink:
    link: EnrolmentLink
    secret: str  # shown once, never stored

    @property
    def path(self) -> str:
        return PATH + self.secret


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(uow: UnitOfWork, user: User, approval_id: int) -> IssuedLink:
    """A new link for the account; any earlier unused one stops working."""
    now = utcnow()
    uow.session.execute(
        update(EnrolmentLink)
        .where(
            EnrolmentLink.user_id == user.id,
            EnrolmentLink.used_at.is_(None),
            EnrolmentLink.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    secret = secrets.token_urlsafe(32)
    row = EnrolmentLink(
        user_id=user.id,
        approval_id=approval_id,
        token_hash=digest(secret),
        created_at=now,
        expires_at=now + LIFETIME,
    )
    uow.session.add(row)
    uow.session.flush()
    return IssuedLink(row, secret)


def find(uow: UnitOfWork, secret: str) -> tuple[EnrolmentLink, User] | None:
    """The live link with this secret and its account, or None (unknown, used, revoked,
    expired, or the account is disabled)."""
    if not 20 <= len(secret) <= 100:
        return None
    row = uow.session.scalar(
        select(EnrolmentLink).where(EnrolmentLink.token_hash == digest(secret))
    )
    if row is None or row.used_at is not None or row.revoked_at is not None:
        return None
    if utcnow() >= row.expires_at:
        return None
    user = uow.session.get(User, row.user_id)
    if user is None or user.disabled_at is not None or user.pending or user.is_service:
        return None
    return row, user


def authenticator(uow: UnitOfWork, user: User, key_dir: Path) -> login.Enrolment:
    """The authenticator the user is asked to add (kept until a code confirms it)."""
    return login.pending_enrolment(user, key_dir) or login.begin_enrolment(uow, user, key_dir)


def complete(
    uow: UnitOfWork,
    secret: str,
    password: str,
    code: str,
    address: str | None,
    key_dir: Path,
) -> User:
    """Sets the password and the second factor and uses the link up. A wrong code counts
    towards the account's back-off, like a wrong code at sign-in; the caller commits it."""
    found = find(uow, secret)
    if found is None:
        raise LinkUnusable(lazy("This enrolment link is unknown, used, or expired."))
    link, user = found
    # Before the code: a typo costs no attempt.
    passwords.check_new_password(password, field="password")
    caller = Caller(principal_of(user), address)
    throttle.hold(uow, user.login, address)
    pending = user.totp_pending
    step = None
    if not throttle.wait_seconds(uow, user.login, address) and pending is not None:
        plain = totp.unseal(key_dir, pending, user.id)
        step = totp.accepted_step(plain, code, utcnow(), user.totp_last_step)
    if step is None:
        throttle.record_failure(uow, user.login, address)
        audit.record(
            uow,
            caller.event(
                "auth:enrolment:failed", outcome="failed", object_kind="user", object_ref=user.id
            ),
        )
        raise CodeRefused(
            lazy("The code is wrong or was used already, or too many attempts were made."),
            for_field="code",
        )
    user.password_hash = passwords.hash_password(password)
    user.password_must_change = False
    user.totp_secret, user.totp_pending, user.totp_last_step = pending, None, step
    link.used_at = utcnow()
    # Whatever was open before the enrolment belonged to the credentials it replaces.
    ended = sessions.end_all_for_user(uow, user.id, "enrolled")
    revoked = tokens.revoke_all_for_user(uow, user.id)
    throttle.record_success(uow, user.login, address)
    audit.record(
        uow,
        caller.event(
            "auth:enrolment:complete",
            object_kind="user",
            object_ref=user.id,
            detail={"link": link.id, "sessions_ended": ended, "tokens_revoked": revoked},
        ),
    )
    return user


class LinkUnusable(InvalidInput):
    """The link cannot be used (any reason: they all look alike from outside)."""


class CodeRefused(InvalidInput):
    """The code was wrong; the failure is counted and must be committed. It answers as a
    failed sign-in does."""

    status = 401
