"""API tokens for machine clients: random, shown once, stored as SHA-256, expiring."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select, update

from interagency.db import UnitOfWork, UTCDateTime, utcnow
from interagency.errors import InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity.models import ApiToken, User
from interagency.identity.policy import Principal
from interagency.identity.principals import enabled_principals, principal_from

PREFIX = "ia_"
MAX_DAYS = 365
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(uow: UnitOfWork, user: User, name: str, days: int = DEFAULT_DAYS) -> IssuedToken:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise InvalidInput(lazy("Give the token a name of 1 to 100 characters."), for_field="name")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            lazy("A token lives 1 to {max} days; ask for a new one when it expires."),
            for_field="days",
            max=MAX_DAYS,
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=digest(secret),
        prefix=secret[:10],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    uow.session.add(row)
    uow.session.flush()
    return IssuedToken(token=row, secret=secret)


LAST_USED_PRECISION = timedelta(minutes=1)

# Built once, run by every API request.
_LIVE_TOKEN = (
    enabled_principals(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > bindparam("now", type_=UTCDateTime()),
    )
    .join(ApiToken, ApiToken.user_id == User.id)
    .add_columns(ApiToken.id.label("token_id"), ApiToken.last_used_at)
)
_TOUCH = update(ApiToken).where(ApiToken.id == bindparam("token_id"))


def resolve(uow: UnitOfWork, secret: str) -> Principal | None:
    """The principal of a live token's enabled user, or None (unknown, expired, revoked,
    disabled)."""
    if not secret.startswith(PREFIX):
        return None
    now = utcnow()
    rows = uow.rows(_LIVE_TOKEN, {"token_hash": digest(secret), "now": now})
    principal = principal_from(rows)
    if principal is None:
        return None
    # A minute's precision is enough to tell a token in use from a forgotten one, and it
    # spares every API request a write and a synchronous commit.
    last_used = rows[0].last_used_at
    if last_used is None or now - last_used >= LAST_USED_PRECISION:
        uow.write(_TOUCH.values(last_used_at=now), [{"token_id": rows[0].token_id}])
    return principal


def list_for_user(uow: UnitOfWork, user_id: int) -> list[ApiToken]:
    return list(
        uow.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke(uow: UnitOfWork, user_id: int, token_id: int) -> ApiToken:
    row = uow.session.get(ApiToken, token_id)
    # Another user's token is "not found", not "forbidden": ids must not be probed.
    if row is None or row.user_id != user_id:
        raise NotFound(lazy("You have no such token."))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return row


def revoke_all_for_user(uow: UnitOfWork, user_id: int) -> int:
    result = uow.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)
