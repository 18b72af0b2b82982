"""Server-side browser sessions: random ids, stored hashed, rotated after each factor.

A session ends on logout, after `session_idle_minutes` without a request, after
`session_absolute_hours` in any case, and at once when its user is disabled.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from interagency.db import UnitOfWork, utcnow
from interagency.identity.models import AuthSession, SessionStage, User

# A session between the password and the code is good for this long only: the code is
# typed within a minute, and a half-open session must not linger.
SECOND_FACTOR_WINDOW = timedelta(minutes=5)
# Writing last-seen on every request would make every page a write; a minute is precise
# enough for an idle limit counted in tens of minutes.
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class ActiveSession:
    session_id: int
    user: User
    stage: SessionStage


def digest(raw_id: str) -> str:
    return hashlib.sha256(raw_id.encode()).hexdigest()


def start(
    uow: UnitOfWork, user: User, stage: SessionStage, limits: SessionLimits, client: str | None
) -> str:
    """Opens a session and returns its raw id, which only the browser's cookie keeps."""
    raw_id = secrets.token_urlsafe(32)
    now = utcnow()
    uow.session.add(
        AuthSession(
            id_hash=digest(raw_id),
            user_id=user.id,
            stage=stage.value,
            created_at=now,
            last_seen_at=now,
            expires_at=now + limits.absolute,
            client_address=client,
        )
    )
    uow.session.flush()
    return raw_id


def resolve(uow: UnitOfWork, raw_id: str, limits: SessionLimits) -> ActiveSession | None:
    """The live session with this id, or None; an expired one is ended on the way."""
    row = uow.session.scalar(select(AuthSession).where(AuthSession.id_hash == digest(raw_id)))
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    if now >= row.expires_at:
        _end(row, now, "expired")
        return None
    if now - row.last_seen_at >= limits.idle:
        _end(row, now, "idle")
        return None
    if row.stage == SessionStage.PASSWORD.value and now - row.created_at >= SECOND_FACTOR_WINDOW:
        _end(row, now, "code not given")
        return None
    user = uow.session.get(User, row.user_id)
    if user is None or user.disabled_at is not None or user.pending:
        _end(row, now, "user disabled")
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
    return ActiveSession(session_id=row.id, user=user, stage=SessionStage(row.stage))


def advance(
    uow: UnitOfWork, raw_id: str, stage: SessionStage, limits: SessionLimits, client: str | None
) -> str:
    """Ends the session and opens a new one at `stage`: a new id after every factor, so an id
    planted before sign-in (session fixation) is worth nothing after it."""
    row = uow.session.scalar(select(AuthSession).where(AuthSession.id_hash == digest(raw_id)))
    if row is None:
        raise LookupError("no such session")
    user = uow.session.get(User, row.user_id)
    if user is None:
        raise LookupError("the session's user is gone")
    _end(row, utcnow(), "rotated")
    return start(uow, user, stage, limits, client)


def end(uow: UnitOfWork, raw_id: str, reason: str = "logout") -> int | None:
    """Ends the session; returns its user's id, or None when there was no live session."""
    row = uow.session.scalar(select(AuthSession).where(AuthSession.id_hash == digest(raw_id)))
    if row is None or row.ended_at is not None:
        return None
    _end(row, utcnow(), reason)
    return row.user_id


def end_all_for_user(uow: UnitOfWork, user_id: int, reason: str, *, keep: str | None = None) -> int:
    """Ends every live session of the user, except the one whose raw id is `keep`."""
    query = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(AuthSession.id_hash != digest(keep))
    result = uow.session.execute(query.values(ended_at=utcnow(), ended_reason=reason))
    return int(getattr(result, "rowcount", 0) or 0)


def live_sessions(uow: UnitOfWork, user_id: int) -> list[AuthSession]:
    now = utcnow()
    rows = uow.session.scalars(
        select(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
        .order_by(AuthSession.created_at.desc())
    )
    return [row for row in rows if row.expires_at > now]


def _end(row: AuthSession, now: datetime, reason: str) -> None:
    row.ended_at = now
    row.ended_reason = reason
