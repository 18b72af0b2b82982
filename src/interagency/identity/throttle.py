"""Back-off after failed sign-ins: it holds the guesser, never the account's owner.

Guesses are counted per (account, client address) and per client address. After a few
free failures each further one doubles the wait before that address may try again, up
to a ceiling. The account as a whole is never held: a lock-out, or a back-off per
account, would let anyone who knows a login keep its owner out by guessing. Failures
of the account over every address only make it stricter: once an account has drawn
many failures, an address gets no free failure on it, so guessing from many addresses
is slowed too, while the owner, typing the right password and code from an address that
has not been guessing, always gets in at once.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, replace
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


# One address guessing one account.
ACCOUNT_FROM_ADDRESS = Rule(3, timedelta(seconds=2), timedelta(minutes=15), timedelta(hours=24))
# One address guessing across accounts. Many users can share one address (an agency's
# network), so it gets more free failures.
ADDRESS = Rule(20, timedelta(seconds=2), timedelta(minutes=15), timedelta(hours=1))
# Failures of one account over every address: counted, never a wait of its own.
ACCOUNT = Rule(10, timedelta(0), timedelta(0), timedelta(hours=24))
# Once the account is past its free failures, each address starts with none on it.
UNDER_ATTACK = replace(ACCOUNT_FROM_ADDRESS, free_failures=0)

# An IPv6 client usually holds a whole /64: counting single addresses would give it 2^64
# fresh starts.
IPV6_PREFIX = 64


def normalise(login: str) -> str:
    """The one spelling of a login: "  Ivanov " and "ivanov" are one account to count."""
    return login.strip().lower()


def source_of(address: str | None) -> str | None:
    """The unit of client address that is counted: the address, or an IPv6 /64."""
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:  # not an IP address (a test client, a socket path): counted as written
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def key_for(kind: str, *values: str) -> str:
    return hashlib.sha256("\x00".join((kind, *values)).encode()).hexdigest()


@dataclass(frozen=True)
class Keys:
    """The counters one attempt touches; the address ones are None without an address."""

    account: str
    pair: str | None
    address: str | None

    def waiting(self) -> list[str]:
        """The counters that can hold an attempt: never the account's own."""
        return [key for key in (self.pair, self.address) if key is not None]

    def all(self) -> list[str]:
        return [self.account, *self.waiting()]


def keys(login: str, address: str | None) -> Keys:
    account = normalise(login)
    source = source_of(address)
    return Keys(
        account=key_for("account", account),
        pair=key_for("pair", account, source) if source else None,
        address=key_for("address", source) if source else None,
    )


def wait_seconds(uow: UnitOfWork, login: str, address: str | None) -> int:
    """Seconds until this address may try this login again; 0 if now."""
    now = utcnow()
    longest = 0.0
    for key in keys(login, address).waiting():
        row = uow.session.get(LoginThrottle, key)
        if row is not None and row.blocked_until is not None and row.blocked_until > now:
            longest = max(longest, (row.blocked_until - now).total_seconds())
    return int(longest + 0.999)


def record_failure(uow: UnitOfWork, login: str, address: str | None) -> None:
    now = utcnow()
    counted = keys(login, address)
    account = _count(uow, counted.account, ACCOUNT, now)
    under_attack = account.failures > ACCOUNT.free_failures
    if counted.pair is not None:
        _count(uow, counted.pair, UNDER_ATTACK if under_attack else ACCOUNT_FROM_ADDRESS, now)
    if counted.address is not None:
        _count(uow, counted.address, ADDRESS, now)
    uow.session.flush()


def record_success(uow: UnitOfWork, login: str, address: str | None) -> None:
    """A right password and code clear what this address counted against this account;
    the account's own count and the address's count across accounts stay, so a guesser
    who also holds one account cannot wipe either by signing in to it."""
    pair = keys(login, address).pair
    row = uow.session.get(LoginThrottle, pair) if pair else None
    if row is not None:
        uow.session.delete(row)


def hold(uow: UnitOfWork, login: str, address: str | None) -> None:
    """Locks the counters of this login and address until the transaction ends, creating
    them if need be. Parallel attempts then queue behind each other: none of them can
    read a count that another is about to raise (on SQLite writers queue anyway)."""
    for key in keys(login, address).all():
        if uow.session.get(LoginThrottle, key, with_for_update=True) is not None:
            continue
        try:
            with uow.session.begin_nested():
                uow.session.add(LoginThrottle(key_hash=key, failures=0, last_failure_at=utcnow()))
        except IntegrityError:  # another attempt created it first: lock theirs
            pass
        uow.session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)


def _count(uow: UnitOfWork, key: str, rule: Rule, now: datetime) -> LoginThrottle:
    row = uow.session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key_hash=key, failures=0, last_failure_at=now)
        uow.session.add(row)
    elif now - row.last_failure_at > rule.forget_after:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    row.blocked_until = _blocked_until(rule, row.failures, now)
    return row


def _blocked_until(rule: Rule, failures: int, now: datetime) -> datetime | None:
    excess = failures - rule.free_failures
    if excess <= 0 or not rule.ceiling:
        return None
    delay: timedelta = min(rule.first_delay * (2 ** min(excess - 1, 20)), rule.ceiling)
    return now + delay
