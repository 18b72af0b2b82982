"""What a long batch job keeps between its transactions, so that a day's manifest does not
read, open and analyse the same candidates again in every batch of its rows.

Each for at most `MEMO_SECONDS`: the keyed hashes of the kinds screened against, with
their subjects (an index of terms and ids, no personal data; read whole only while it has
at most `INDEX_MOST_KEYS` keys, else looked up batch by batch), and, for
`service.would_hit`, the candidates' safeguards and what they are compared by (a person's
features). A profile made, changed, cleared, blocked or erased meanwhile reaches the
job's choice of rows within that time.

What a hit records is judged on what stands when it is recorded: `service.screen_many`
reads the candidates' safeguards and features afresh, under the screening lock, and
takes only the index from a memo (a subject it finds there is judged as any other; one
keyed after the last reading is found by the next one).

A memo lives as long as its job, in the job's process (a manifest's parts, jobs that act
for one user, hand theirs on to the next part the process takes), and holds only what the
job opened anyway: the candidates' features, never a traveller's.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final, TypeVar

from sqlalchemy import func, select

from interagency.db import UnitOfWork
from interagency.matching.screen.levels import Keys
from interagency.records.particulars import Particulars
from interagency.records.policy import Safeguards
from interagency.screening import subjects
from interagency.screening.models import Screened, Subject, SubjectKey, SubjectRow
from interagency.vault import Vault

# Reading the safeguards of 100,000 profiles again costs some 25 seconds: every minute,
# it took a quarter of a day's manifest's time; every five, a twentieth. A change to
# a profile older than that is seen by every row after it, and a hit is always judged
# on what stands when it is recorded.
MEMO_SECONDS: Final = 300.0
# Some 200 MB of memory: the keys of a few hundred thousand subjects.
INDEX_MOST_KEYS: Final = 3_000_000

_Value = TypeVar("_Value")


class Index:
    """Subjects by the terms they are found under, and the subjects themselves."""

    def __init__(self, holding: dict[str, list[int]], pool: Mapping[int, Screened]) -> None:
        self.holding = holding
        self.pool = pool


class Memo:
    """The index of candidates' keys, their safeguards and what they are compared by, each
    for `seconds` (0: never kept, as for a single screening)."""

    def __init__(
        self, seconds: float = MEMO_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._guards: dict[int, tuple[float, Safeguards]] = {}
        self._compared: dict[int, tuple[float, Keys | Particulars]] = {}
        self._index: tuple[float, tuple[str, ...], Index | None] | None = None

    def index(self, uow: UnitOfWork, kinds: Sequence[str]) -> Index | None:
        """The keys of the subjects of `kinds` and those subjects, read again once older
        than `seconds`; None when they are too many to hold (or nothing is kept)."""
        now = self._clock()
        wanted = tuple(sorted(kinds))
        if self._index is not None:
            read_at, read_kinds, index = self._index
            if read_kinds == wanted and now - read_at < self.seconds:
                return index
        index = _read_index(uow, wanted) if self.seconds > 0 else None
        self._index = (now, wanted, index)
        return index

    def safeguards(self, uow: UnitOfWork, found: Iterable[Screened]) -> dict[int, Safeguards]:
        """`subjects.safeguards_of`, read again once older than `seconds`."""
        return self._kept(self._guards, found, lambda gone: subjects.safeguards_of(uow, gone))

    def compared(
        self, uow: UnitOfWork, vault: Vault, found: Iterable[Screened]
    ) -> dict[int, Keys | Particulars]:
        """`subjects.compared`, read again once older than `seconds`."""
        return self._kept(self._compared, found, lambda gone: subjects.compared(uow, vault, gone))

    def _kept(
        self,
        store: dict[int, tuple[float, _Value]],
        found: Iterable[Screened],
        read: Callable[[list[Screened]], Mapping[int, _Value]],
    ) -> dict[int, _Value]:
        now = self._clock()
        wanted = {subject.id: subject for subject in found}
        result: dict[int, _Value] = {}
        for subject_id in wanted:
            kept = store.get(subject_id)
            if kept is not None and now - kept[0] < self.seconds:
                result[subject_id] = kept[1]
        missing = [subject for subject_id, subject in wanted.items() if subject_id not in result]
        if missing:
            # A subject whose row is gone is left out, and asked for again next time.
            fresh = read(missing)
            if self.seconds > 0:
                store.update((subject_id, (now, value)) for subject_id, value in fresh.items())
            result.update(fresh)
        return result


def _read_index(uow: UnitOfWork, kinds: tuple[str, ...]) -> Index | None:
    of_kinds = Subject.kind.in_(kinds)
    count = uow.session.scalar(
        select(func.count()).select_from(SubjectKey).join(Subject).where(of_kinds)
    )
    if not count or count > INDEX_MOST_KEYS:
        return None if count else Index({}, {})
    rows = uow.session.execute(select(*SubjectRow.columns()).where(of_kinds))
    pool = {row[0]: SubjectRow(*row) for row in rows}
    holding: dict[str, list[int]] = defaultdict(list)
    for term, subject_id in uow.session.execute(
        select(SubjectKey.term, SubjectKey.subject_id).join(Subject).where(of_kinds)
    ):
        holding[term].append(subject_id)
    return Index(dict(holding), pool)
