"""Back-off after failed sign-ins, per account and per client address; never a lock-out.

After a few free failures each further one doubles the wait before the next attempt, up
to a ceiling. A permanent lock-out would let anyone lock a colleague out by guessing;
a growing delay stops guessing and lets the real user in once it has passed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from interagency.db import UnitOfWork, utcnow
from interagency.identity.models import LoginThrottle


@dataclass(frozen=True)
class Rule:
    free_failures: int
    first_delay: timedelta
    ceiling: timedelta
    forget_after: timedelta


# Many users can share one address (an agency's network), so it gets more free failures.
ACCOUNT = Rule(3, timedelta(seconds=2), timedelta(minutes=15), timedelta(hours=24))
ADDRESS = Rule(20, timedelta(seconds=2), timedelta(minutes=15), timedelta(hours=1))


def normalise(login: str) -> str:
    """The one spelling of a login: "  Ivanov " and "ivanov" are one account to count."""
    return login.strip().lower()


def key_for(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}\x00{value}".encode()).hexdigest()


def keys(login: str, address: str | None) -> list[tuple[str, Rule]]:
    pairs = [(key_for("account", normalise(login)), ACCOUNT)]
    if address:
        pairs.append((key_for("address", address), ADDRESS))
    return pairs


def wait_seconds(uow: UnitOfWork, login: str, address: str | None) -> int:
    """Seconds until another attempt is allowed for this login from this address; 0 if now."""
    now = utcnow()
    longest = 0.0
    for key, _rule in keys(login, address):
        row = uow.session.get(LoginThrottle, key)
        if row is not None and row.blocked_until is not None and row.blocked_until > now:
            longest = max(longest, (row.blocked_until - now).total_seconds())
    return int(longest + 0.999)


def record_failure(uow: UnitOfWork, login: str, address: str | None) -> None:
    now = utcnow()
    for key, rule in keys(login, address):
        row = uow.session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key_hash=key, failures=0, last_failure_at=now)
            uow.session.add(row)
        elif now - row.last_failure_at > rule.forget_after:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        row.blocked_until = _blocked_until(rule, row.failures, now)
    uow.session.flush()


def record_success(uow: UnitOfWork, login: str) -> None:
    """A right password and code clear the account's count (not the address's)."""
    row = uow.session.get(LoginThrottle, key_for("account", normalise(login)))
    if row is not None:
        uow.session.delete(row)


def hold(uow: UnitOfWork, login: str, address: str | None) -> None:
    """Locks the counters of this login and address until the transaction ends, creating
    them if need be. Parallel attempts then queue behind each other: none of them can
    read a count that another is about to raise (on SQLite writers queue anyway)."""
    for key, _rule in keys(login, address):
        if uow.session.get(LoginThrottle, key, with_for_update=True) is not None:
            continue
        try:
            with uow.session.begin_nested():
                uow.session.add(LoginThrottle(key_hash=key, failures=0, last_failure_at=utcnow()))
        except IntegrityError:  # another attempt created it first: lock theirs
            pass
        uow.session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)


def _blocked_until(rule: Rule, failures: int, now: datetime) -> datetime | None:
    excess = failures - rule.free_failures
    if excess <= 0:
        return None
    delay: timedelta = min(rule.first_delay * (2 ** min(excess - 1, 20)), rule.ceiling)
    return now + delay
