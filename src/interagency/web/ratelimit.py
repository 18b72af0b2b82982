"""Rate limits on the JSON API, per token and per client address (token buckets in memory).

The buckets live in each server process. With several processes
(`interagency serve --workers N`) each keeps an equal share of every limit, so that
together they never allow more than the limit (see docs/operations.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass
class _Bucket:
    tokens: float
    updated: float


def process_share(per_minute: int, processes: int) -> int:
    """One process's part of a limit shared by `processes`, rounded down: together they
    never allow more than the limit, and a client whose requests all reach one process
    gets less. Settings refuse more processes than the smallest limit."""
    if not 1 <= processes <= per_minute:
        raise ValueError(f"{processes} processes cannot share {per_minute} requests a minute")
    return per_minute // processes


class RateLimiter:
    """Allows `per_minute` requests a minute per key, in bursts up to the same number."""

    MAX_KEYS = 100_000

    def __init__(self, per_minute: int, clock: Clock = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int:
        """0 when the request may go ahead (and is counted); else seconds to wait."""
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.MAX_KEYS:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(self.capacity, now)
            bucket.tokens = min(
                self.capacity, bucket.tokens + (now - bucket.updated) * self.refill_per_second
            )
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0
            return max(1, int((1 - bucket.tokens) / self.refill_per_second + 0.999))

    def _forget_full(self, now: float) -> None:
        # Buckets that have refilled carry no information: dropping them bounds the memory
        # an attacker can make us spend by cycling addresses.
        full_after = self.capacity / self.refill_per_second
        for key in [k for k, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[key]
