"""Signing in: password, then the TOTP code (or its enrolment), each step auditing itself.

Every failure answers the same way whether the login exists or not, and counts towards
the back-off of this account from this client address (`throttle`). Failures are
returned, not raised, so that the caller commits the failure count and its audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.identity import passwords, sessions, throttle, totp
from interagency.identity.models import SessionStage, User
from interagency.identity.principals import Caller, principal_of
from interagency.identity.sessions import SessionLimits


@dataclass(frozen=True)
class LoginConfig:
    limits: SessionLimits
    key_dir: Path
    # In production every user must have a second factor; elsewhere it is asked for when
    # the user has one, and offered on the account page otherwise.
    second_factor_required: bool


@dataclass(frozen=True)
class Step:
    """A step passed: the new session id and what the user must do next."""

    session_id: str
    stage: SessionStage
    must_enrol: bool = False


@dataclass(frozen=True)
class Refused:
    """A step failed; `wait_seconds` > 0 when the back-off holds the next attempt."""

    wait_seconds: int = 0


def find_user(uow: UnitOfWork, login: str) -> User | None:
    return uow.session.scalar(select(User).where(User.login == throttle.normalise(login)))


def sign_in(
    uow: UnitOfWork, login: str, password: str, address: str | None, config: LoginConfig
) -> Step | Refused:
    typed = login
    login = throttle.normalise(login)

    def failed(outcome: str, reason: str) -> None:
        # The attempted login is personal data: it goes to the audit trail's side table.
        event = Caller(None, address).event(
            "auth:login:failed",
            outcome=outcome,
            detail={"reason": reason},
            personal={"login": typed},
        )
        # Attempts the back-off turns away are refusals: counted, not chained, in a flood.
        (audit.record_refused if outcome == "denied" else audit.record)(uow, event)

    throttle.hold(uow, login, address)
    wait = throttle.wait_seconds(uow, login, address)
    if wait:
        failed("denied", "back-off")
        return Refused(wait)
    user = find_user(uow, login)
    usable = user is not None and user.disabled_at is None
    if not passwords.verify_password(user.password_hash if usable and user else None, password):
        throttle.record_failure(uow, login, address)
        failed("failed", "password")
        return Refused(throttle.wait_seconds(uow, login, address))
    assert user is not None  # (verify_password is False without a user)
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hasher().hash(password)
    signed_in = Caller(principal_of(user), address)
    if user.totp_secret is None and not config.second_factor_required:
        throttle.record_success(uow, login, address)
        audit.record(uow, signed_in.event("auth:login:ok", detail={"factors": 1}))
        return Step(
            sessions.start(uow, user, SessionStage.COMPLETE, config.limits, address),
            SessionStage.COMPLETE,
        )
    audit.record(uow, signed_in.event("auth:password:ok"))
    session_id = sessions.start(uow, user, SessionStage.PASSWORD, config.limits, address)
    return Step(session_id, SessionStage.PASSWORD, must_enrol=user.totp_secret is None)


def confirm_code(
    uow: UnitOfWork, session_id: str, code: str, address: str | None, config: LoginConfig
) -> Step | Refused:
    """The second factor: a TOTP code from the enrolled secret, or, while enrolling, from
    the pending one. A new session id is issued on success."""
    active = sessions.resolve(uow, session_id, config.limits)
    if active is None or active.stage is not SessionStage.PASSWORD:
        return Refused()
    user = _locked(uow, active.user.id)
    caller = Caller(principal_of(user), address)
    throttle.hold(uow, user.login, address)
    wait = throttle.wait_seconds(uow, user.login, address)
    if wait:
        refused = caller.event("auth:totp:failed", outcome="denied", detail={"reason": "back-off"})
        audit.record_refused(uow, refused)
        return Refused(wait)
    enrolling = user.totp_secret is None
    sealed = user.totp_pending if enrolling else user.totp_secret
    step = None
    if sealed is not None:
        secret = totp.unseal(config.key_dir, sealed, user.id)
        step = totp.accepted_step(secret, code, utcnow(), user.totp_last_step)
    if step is None:
        throttle.record_failure(uow, user.login, address)
        audit.record(uow, caller.event("auth:totp:failed", outcome="failed"))
        return Refused(throttle.wait_seconds(uow, user.login, address))
    user.totp_last_step = step
    if enrolling:
        user.totp_secret, user.totp_pending = user.totp_pending, None
        audit.record(
            uow, caller.event("auth:totp:enrolled", object_kind="user", object_ref=user.id)
        )
    throttle.record_success(uow, user.login, address)
    audit.record(uow, caller.event("auth:login:ok", detail={"factors": 2}))
    new_id = sessions.advance(uow, session_id, SessionStage.COMPLETE, config.limits, address)
    return Step(new_id, SessionStage.COMPLETE)


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str
    qr_data_uri: str


def begin_enrolment(uow: UnitOfWork, user: User, key_dir: Path) -> Enrolment:
    """A new pending secret; the current factor (if any) stays until a code confirms it."""
    secret = totp.new_secret()
    user.totp_pending = totp.seal(key_dir, secret, user.id)
    uow.session.flush()
    uri = totp.provisioning_uri(secret, user.login)
    return Enrolment(secret=secret, uri=uri, qr_data_uri=totp.qr_data_uri(uri))


def pending_enrolment(user: User, key_dir: Path) -> Enrolment | None:
    if user.totp_pending is None:
        return None
    secret = totp.unseal(key_dir, user.totp_pending, user.id)
    uri = totp.provisioning_uri(secret, user.login)
    return Enrolment(secret=secret, uri=uri, qr_data_uri=totp.qr_data_uri(uri))


def finish_enrolment(
    uow: UnitOfWork, user_id: int, code: str, address: str | None, key_dir: Path
) -> bool:
    """For a signed-in user replacing or adding a factor: True when the code confirmed it."""
    user = _locked(uow, user_id)
    if user.totp_pending is None:
        return False
    secret = totp.unseal(key_dir, user.totp_pending, user.id)
    step = totp.accepted_step(secret, code, utcnow(), user.totp_last_step)
    caller = Caller(principal_of(user), address)
    if step is None:
        audit.record(uow, caller.event("auth:totp:enrol-failed", outcome="failed"))
        return False
    user.totp_secret, user.totp_pending, user.totp_last_step = user.totp_pending, None, step
    audit.record(uow, caller.event("auth:totp:enrolled", object_kind="user", object_ref=user.id))
    return True


def sign_out(uow: UnitOfWork, session_id: str, address: str | None) -> None:
    user_id = sessions.end(uow, session_id)
    if user_id is None:
        return
    user = uow.session.get(User, user_id)
    if user is not None:
        audit.record(uow, Caller(principal_of(user), address).event("auth:logout"))


def _locked(uow: UnitOfWork, user_id: int) -> User:
    # Row lock on PostgreSQL (SQLite's writers are serialised anyway): two requests with
    # the same code cannot both read the old last step and both be accepted.
    user = uow.session.scalar(
        select(User)
        .where(User.id == user_id)
        .with_for_update(of=User)
        .execution_options(populate_existing=True)
    )
    if user is None:
        raise LookupError("the session's user is gone")
    return user


def current_code_is_right(uow: UnitOfWork, user: User, code: str, key_dir: Path) -> bool:
    """A code of the user's enrolled factor, accepted once like at sign-in."""
    locked = _locked(uow, user.id)
    if locked.totp_secret is None:
        return False
    secret = totp.unseal(key_dir, locked.totp_secret, locked.id)
    step = totp.accepted_step(secret, code, utcnow(), locked.totp_last_step)
    if step is None:
        return False
    locked.totp_last_step = step
    return True
