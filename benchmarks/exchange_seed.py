"""Bulk seeding of the exchange for the benchmark at scale: a decade of threads in minutes.

Rows are what posting stores, written with COPY instead of the services: threads,
recipients, messages, blind-index terms and the inbox's rows. Subjects and bodies are
sealed by the vault with the originator's (or author's) data key under the contexts
posting uses, so thread and message ids are taken from their sequences first. The inbox
rows of each thread come from `listing.entries_for`, the function the application itself
calls whenever a flush touches a thread.

Index terms are composed, not recomputed per message: `Vault.index_terms` gives the set
of terms of a text's words (each word normalised, stemmed and hashed alone), so a text's
terms are the union of its words' terms. Texts are made of a fixed vocabulary, whose
words' terms are computed once per agency with the vault; each batch checks the
composition against the vault on a real subject and body, so a change in the vault's
tokenising fails the seeding rather than seeding a different index.

The plan of a thread (who, to whom, markings, times, statuses, texts) is drawn by
`plan_thread`, and its rows are made by `thread_rows`; both are pure and tested.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

import exchange_search
from interagency.db import new_public_id
from interagency.exchange.codes import MessageKind, Status, least_status
from interagency.exchange.deadlines import deadline_for
from interagency.exchange.listing import RecipientState, ThreadState, entries_for
from interagency.exchange.policy import CONTENT_ROLES
from interagency.exchange.sealing import body_context, subject_context

if TYPE_CHECKING:
    from interagency.bootstrap import Container

YEARS = 10
BATCH_THREADS = 2_000
# Adding more than this (and more than the tables hold) drops the two large tables'
# secondary indexes and builds them again afterwards: inserting a hundred million terms
# into a random-order index costs far more than sorting them once.
REBUILD_ABOVE = 50_000
BIG_TABLES = ("exchange_index_terms", "exchange_inbox_entries")

THREAD_COLUMNS = (
    "id", "public_id", "reference", "originator_agency_id", "originator_desk_id", "author_id",
    "kind", "priority", "handling_code", "tlp", "subject_sealed", "restriction_sealed", "status",
    "case_numbers", "created_at", "updated_at", "closed_at", "version",
)  # fmt: skip
RECIPIENT_COLUMNS = (
    "thread_id", "agency_id", "desk_id", "user_id", "status", "deadline_at", "acknowledged_at",
    "acknowledged_by", "answered_at", "dissemination_id", "created_at",
)  # fmt: skip
MESSAGE_COLUMNS = (
    "id", "public_id", "thread_id", "author_id", "author_agency_id", "kind", "handling_code",
    "tlp", "source_grade", "information_grade", "body_sealed", "created_at",
)  # fmt: skip
TERM_COLUMNS = ("agency_id", "term", "message_id", "thread_id", "in_subject")
ENTRY_COLUMNS = (
    "thread_id", "holder", "relation", "agency_id", "expires_at", "tlp", "handling_code", "kind",
    "priority", "status", "originator_agency_id", "updated_at", "received", "unacknowledged",
    "earliest_deadline",
)  # fmt: skip

# Shares of the markings and kinds: mostly GREEN and AMBER, a few RED (which names a desk
# or a user of every recipient agency, as sending requires).
TLPS = (("GREEN", 55), ("AMBER", 35), ("AMBER+STRICT", 3), ("CLEAR", 2), ("RED", 5))
HANDLING = (("H0", 50), ("H1", 35), ("H2", 15))
KINDS = (("request", 45), ("notification", 45), ("alert", 10))
PRIORITIES = (("routine", 75), ("urgent", 20), ("immediate", 5))
SOURCE_GRADES = (("A", 20), ("B", 45), ("C", 25), ("X", 10))
INFORMATION_GRADES = (("1", 15), ("2", 45), ("3", 30), ("4", 10))
MESSAGES = ((1, 35), (2, 40), (3, 25))
RECIPIENTS = ((1, 85), (2, 12), (3, 3))
# Weight of an agency as a party: the council's bodies exchange less than members do.
WEIGHT_OF_KIND = {"member_agency": 1.0, "secretariat": 0.4, "review_board": 0.1}
# How many threads are closed, by age: nearly all of the old ones.
CLOSED_SHARE = ((timedelta(days=7), 0.05), (timedelta(days=60), 0.3), (timedelta.max, 0.9))


def pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


# -- the council as the seeder sees it ------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    agency_id: int
    desk_ids: tuple[int, ...]


@dataclass(frozen=True)
class Party:
    """An agency: its time zone, desks, the people who exchange, and those it lists."""

    agency_id: int
    kind: str
    zone: str
    desk_ids: tuple[int, ...]
    senders: tuple[Person, ...]
    listed: tuple[Person, ...]

    @property
    def weight(self) -> float:
        return WEIGHT_OF_KIND.get(self.kind, 0.0) if self.senders else 0.0


@dataclass(frozen=True)
class Council:
    parties: tuple[Party, ...]

    def __post_init__(self) -> None:
        if len([p for p in self.parties if p.weight > 0]) < 2:
            raise ValueError("a council needs two agencies with people who exchange")

    def by_agency(self, agency_id: int) -> Party:
        return next(p for p in self.parties if p.agency_id == agency_id)


def read_council(connection: Any, default_zone: str) -> Council:
    """The agencies, desks and users of the database, as parties to threads."""
    roles: dict[int, set[str]] = {}
    for user_id, role in connection.execute(text("SELECT user_id, role FROM user_roles")):
        roles.setdefault(user_id, set()).add(role)
    desks_of: dict[int, list[int]] = {}
    for user_id, desk_id in connection.execute(
        text("SELECT user_id, desk_id FROM user_desks ORDER BY desk_id")
    ):
        desks_of.setdefault(user_id, []).append(desk_id)
    content = {role.value for role in CONTENT_ROLES}
    people: dict[int, list[tuple[Person, bool]]] = {}
    for user_id, agency_id, listed in connection.execute(
        text(
            "SELECT id, agency_id, listed_in_directory FROM users"
            " WHERE disabled_at IS NULL AND NOT pending AND kind = 'person' ORDER BY id"
        )
    ):
        if roles.get(user_id, set()) & content:
            person = Person(user_id, agency_id, tuple(desks_of.get(user_id, ())))
            people.setdefault(agency_id, []).append((person, bool(listed)))
    agency_desks: dict[int, list[int]] = {}
    for desk_id, agency_id in connection.execute(
        text("SELECT id, agency_id FROM desks ORDER BY id")
    ):
        agency_desks.setdefault(agency_id, []).append(desk_id)
    parties = []
    for agency_id, kind, zone in connection.execute(
        text(
            "SELECT a.id, a.kind, s.timezone FROM agencies a"
            " LEFT JOIN member_states s ON s.id = a.member_state_id ORDER BY a.id"
        )
    ):
        mine = people.get(agency_id, [])
        parties.append(
            Party(
                agency_id=agency_id,
                kind=kind,
                zone=zone or default_zone,
                desk_ids=tuple(agency_desks.get(agency_id, ())),
                senders=tuple(p for p, _ in mine),
                listed=tuple(p for p, listed in mine if listed),
            )
        )
    return Council(tuple(parties))


# -- a thread's plan ----------------------------------------------------------------


@dataclass(frozen=True)
class RecipientPlan:
    agency_id: int
    desk_id: int | None
    user_id: int | None
    status: str
    deadline_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    answered_at: datetime | None


@dataclass(frozen=True)
class MessagePlan:
    author_id: int
    agency_id: int
    kind: str
    source_grade: str
    information_grade: str
    words: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class ThreadPlan:
    originator_agency_id: int
    author_id: int
    desk_id: int | None
    kind: str
    priority: str
    handling_code: str
    tlp: str
    status: str
    subject_words: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    version: int
    recipients: tuple[RecipientPlan, ...]
    messages: tuple[MessagePlan, ...]

    @property
    def agencies(self) -> list[int]:
        """The agencies whose index holds the thread's terms (`indexing.agencies_on`)."""
        return sorted({self.originator_agency_id} | {r.agency_id for r in self.recipients})


_CUMULATIVE = tuple(itertools.accumulate(exchange_search.WEIGHTS))


def words(rng: random.Random, count: int) -> list[str]:
    """`count` vocabulary words drawn with the benchmark's Zipf-like law."""
    return rng.choices(exchange_search.VOCABULARY, cum_weights=_CUMULATIVE, k=count)


def compose(text_words: Sequence[str]) -> str:
    """A text of these words in sentences of ten, as posting would receive it."""
    sentences = [" ".join(text_words[i : i + 10]) for i in range(0, len(text_words), 10)]
    return ". ".join(s.capitalize() for s in sentences) + "."


def _after(rng: random.Random, at: datetime, least: timedelta, most: timedelta) -> datetime:
    return at + least + (most - least) * rng.random()


def plan_thread(rng: random.Random, council: Council, now: datetime) -> ThreadPlan:
    """A thread between random parties, at a random time of the last ten years, with what
    happened to it since: acknowledgements, one or two replies, perhaps its closing."""
    parties = [p for p in council.parties if p.weight > 0]
    weights = [p.weight for p in parties]
    origin = rng.choices(parties, weights=weights)[0]
    others = [p for p in council.parties if p.agency_id != origin.agency_id and p.desk_ids]
    count = min(pick(rng, RECIPIENTS), len(others))
    chosen: list[Party] = []
    while len(chosen) < count:
        candidate = rng.choices(others, weights=[max(p.weight, 0.05) for p in others])[0]
        if candidate not in chosen:
            chosen.append(candidate)
    author = rng.choice(origin.senders)
    tlp = pick(rng, TLPS)
    red = tlp == "RED"
    desk_id = None
    if author.desk_ids and rng.random() < (0.7 if red else 0.3):
        desk_id = rng.choice(author.desk_ids)
    kind = pick(rng, KINDS)
    created = now - timedelta(days=YEARS * 365.25) * rng.random()
    deadline_day: date | None = None
    if kind == MessageKind.REQUEST.value:
        deadline_day = created.date() + timedelta(days=rng.randint(3, 30))

    wanted = pick(rng, MESSAGES)
    messages = [_message(rng, author.id, origin.agency_id, kind, created)]
    touches = 0
    first = chosen[0]
    replier = rng.choice(first.senders) if first.senders else None
    reply_at = _after(rng, created, timedelta(minutes=10), timedelta(days=5))
    replied = wanted >= 2 and replier is not None and reply_at < now
    if replied:
        assert replier is not None
        messages.append(_message(rng, replier.id, first.agency_id, "reply", reply_at))
        touches += 1
        follow_at = _after(rng, reply_at, timedelta(minutes=10), timedelta(days=3))
        if wanted >= 3 and follow_at < now:
            follower = rng.choice(origin.senders)
            messages.append(_message(rng, follower.id, origin.agency_id, "reply", follow_at))
            touches += 1

    recipients = []
    for party in chosen:
        desk = user = None
        named = rng.random()
        if red:  # RED names a desk or a user of every recipient agency
            if party.listed and named < 0.3:
                user = rng.choice(party.listed).id
            else:
                desk = rng.choice(party.desk_ids)
        elif named < 0.15:
            desk = rng.choice(party.desk_ids)
        elif named < 0.23 and party.listed:
            user = rng.choice(party.listed).id
        status, acknowledged_at, acknowledged_by, answered_at = Status.NEW.value, None, None, None
        ack_at = _after(rng, created, timedelta(minutes=5), timedelta(days=2))
        if party is first and replied:
            status = Status.ANSWERED.value
            answered_at = messages[1].at
            acknowledged_at = min(ack_at, answered_at)
            acknowledged_by = messages[1].author_id
        elif ack_at < now and rng.random() < 0.6 and party.senders:
            status = Status.ACKNOWLEDGED.value
            acknowledged_at = ack_at
            acknowledged_by = rng.choice(party.senders).id
            touches += 1
        deadline_at = deadline_for(deadline_day, party.zone) if deadline_day else None
        recipients.append(
            RecipientPlan(
                party.agency_id, desk, user, status, deadline_at, acknowledged_at,
                acknowledged_by, answered_at,
            )
        )  # fmt: skip

    last = max([m.at for m in messages] + [r.acknowledged_at or created for r in recipients])
    closed_at = None
    share = next(s for age, s in CLOSED_SHARE if now - created < age)
    closing = _after(rng, last, timedelta(hours=1), timedelta(days=10))
    if closing < now and rng.random() < share:
        closed_at = closing
        touches += 1
    status = (
        Status.CLOSED.value
        if closed_at
        else least_status([Status(r.status) for r in recipients]).value
    )
    return ThreadPlan(
        originator_agency_id=origin.agency_id,
        author_id=author.id,
        desk_id=desk_id,
        kind=kind,
        priority=pick(rng, PRIORITIES),
        handling_code=pick(rng, HANDLING),
        tlp=tlp,
        status=status,
        subject_words=tuple(words(rng, 6)),
        created_at=created,
        updated_at=closed_at or last,
        closed_at=closed_at,
        version=1 + touches,
        recipients=tuple(recipients),
        messages=tuple(messages),
    )


def _message(
    rng: random.Random, author_id: int, agency_id: int, kind: str, at: datetime
) -> MessagePlan:
    body = words(rng, rng.randint(20, 60))
    if rng.random() < 0.7:
        body.insert(rng.randrange(len(body) + 1), exchange_search.document_number(rng))
    return MessagePlan(
        author_id=author_id,
        agency_id=agency_id,
        kind=kind,
        source_grade=pick(rng, SOURCE_GRADES),
        information_grade=pick(rng, INFORMATION_GRADES),
        words=tuple(body),
        at=at,
    )


# -- a thread's rows ----------------------------------------------------------------

Seal = Callable[[int, str, str], bytes]  # (agency id, text, context) -> sealed bytes
WordTerms = Callable[[int, str], frozenset[str]]  # (agency id, word) -> its terms


def reference_for(thread_id: int, year: int) -> str:
    """A reference in posting's form (EX-year-8 hex digits), unique among seeded threads:
    the id is scattered by multiplying with an odd number modulo 2**32 (a bijection), so
    it reveals neither order nor volume, as posting's random one does not."""
    return f"EX-{year}-{(thread_id * 0x9E3779B1) % 2**32:08X}"


def text_terms(word_terms: WordTerms, agency_id: int, text_words: Sequence[str]) -> set[str]:
    """The terms of a text made of these words: the union of each word's terms."""
    found: set[str] = set()
    for word in set(text_words):
        found |= word_terms(agency_id, word)
    return found


@dataclass
class Rows:
    """Rows for COPY, in the column order of the *_COLUMNS tuples."""

    threads: list[tuple[Any, ...]] = field(default_factory=list)
    recipients: list[tuple[Any, ...]] = field(default_factory=list)
    messages: list[tuple[Any, ...]] = field(default_factory=list)
    terms: list[tuple[Any, ...]] = field(default_factory=list)
    entries: list[tuple[Any, ...]] = field(default_factory=list)


def thread_rows(
    plan: ThreadPlan,
    thread_id: int,
    message_ids: Sequence[int],
    seal: Seal,
    word_terms: WordTerms,
    rows: Rows,
) -> None:
    """Adds the rows posting would have stored for the plan: the thread and subject as
    `services.send` writes them, each message as `_write_message` does, its index terms
    as `indexing.index_message` makes them, and the inbox rows from `entries_for`."""
    subject = compose(plan.subject_words)
    rows.threads.append((
        thread_id, new_public_id(), reference_for(thread_id, plan.created_at.year),
        plan.originator_agency_id, plan.desk_id, plan.author_id, plan.kind, plan.priority,
        plan.handling_code, plan.tlp,
        seal(plan.originator_agency_id, subject, subject_context(thread_id)), None, plan.status,
        "", plan.created_at, plan.updated_at, plan.closed_at, plan.version,
    ))  # fmt: skip
    for r in plan.recipients:
        rows.recipients.append((
            thread_id, r.agency_id, r.desk_id, r.user_id, r.status, r.deadline_at,
            r.acknowledged_at, r.acknowledged_by, r.answered_at, None, plan.created_at,
        ))  # fmt: skip
    agencies = plan.agencies
    for number, (message, message_id) in enumerate(zip(plan.messages, message_ids, strict=True)):
        body = compose(message.words)
        rows.messages.append((
            message_id, new_public_id(), thread_id, message.author_id, message.agency_id,
            message.kind, plan.handling_code, plan.tlp, message.source_grade,
            message.information_grade, seal(message.agency_id, body, body_context(message_id)),
            message.at,
        ))  # fmt: skip
        for agency_id in agencies:
            in_subject = (
                text_terms(word_terms, agency_id, plan.subject_words) if number == 0 else set()
            )
            terms = in_subject | text_terms(word_terms, agency_id, message.words)
            rows.terms += [
                (agency_id, term, message_id, thread_id, term in in_subject)
                for term in sorted(terms)
            ]
    state = ThreadState(
        thread_id, plan.author_id, plan.originator_agency_id, plan.desk_id, plan.tlp,
        plan.handling_code, plan.kind, plan.priority, plan.status, plan.updated_at,
        plan.closed_at,
    )  # fmt: skip
    parties = [
        RecipientState(r.agency_id, r.desk_id, r.user_id, r.status, r.deadline_at)
        for r in plan.recipients
    ]
    for entry in entries_for(state, parties, []):
        rows.entries.append(tuple(entry[column] for column in ENTRY_COLUMNS))


# -- writing ------------------------------------------------------------------------


class WordTermCache:
    """Each vocabulary word's terms per agency, computed once with the vault; other
    words (document numbers, unique to their message) are computed each time."""

    def __init__(self, terms_of: Callable[[int, str], set[str]]) -> None:
        self._terms_of = terms_of
        self._known: dict[tuple[int, str], frozenset[str]] = {}
        self._vocabulary = frozenset(exchange_search.VOCABULARY)

    def __call__(self, agency_id: int, word: str) -> frozenset[str]:
        key = (agency_id, word)
        found = self._known.get(key)
        if found is None:
            found = frozenset(self._terms_of(agency_id, word))
            if word in self._vocabulary:
                self._known[key] = found
        return found


def _reserve(connection: Any, table: str, count: int) -> list[int]:
    """`count` ids from the table's sequence, taken now: a sealed value is bound to its
    row's id, so ids are known before sealing."""
    if count == 0:
        return []
    rows = connection.execute(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table, "n": count},
    )
    return [int(row[0]) for row in rows]


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_terms(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    """Terms are hex and numbers: the text format needs no escaping, and formatting the
    lines here is several times faster than adapting a hundred million rows one by one."""
    lines = [f"{a}\t{term}\t{m}\t{t}\t{'t' if s else 'f'}\n" for a, term, m, t, s in rows]
    with cursor.copy(f"COPY exchange_index_terms ({', '.join(TERM_COLUMNS)}) FROM STDIN") as copy:
        for start in range(0, len(lines), 20_000):
            copy.write("".join(lines[start : start + 20_000]))


def _check_composition(vault: Any, session: Any, word_terms: WordTerms, plan: ThreadPlan) -> None:
    """Composed terms must equal what the vault makes of the whole text."""
    for agency_id in plan.agencies:
        for text_words in (plan.subject_words, plan.messages[0].words):
            composed = text_terms(word_terms, agency_id, text_words)
            whole = vault.index_terms(session, agency_id, compose(text_words))
            if composed != whole:
                raise RuntimeError(
                    "the vault's terms of a text are not the union of its words' terms: "
                    "the seeder's composition no longer matches posting"
                )


@dataclass
class Seeded:
    threads: int = 0
    messages: int = 0
    terms: int = 0
    entries: int = 0
    seconds: float = 0.0
    rebuild_seconds: float = 0.0
    vacuum_seconds: float = 0.0


def seed_threads(
    container: Container,
    count: int,
    rng: random.Random,
    *,
    progress: Callable[[str], None] = print,
) -> Seeded:
    """Adds `count` threads with their history, in transactions of `BATCH_THREADS`."""
    done = Seeded()
    began = time.perf_counter()
    now = datetime.now(UTC)
    with container.engine.connect() as connection:
        council = read_council(connection, container.settings.default_timezone)
    rebuild = count > max(REBUILD_ABOVE, seeded_count(container))
    with _indexes_set_aside(container, rebuild, progress) as timing:
        for batch in itertools.count(1):
            size = min(BATCH_THREADS, count - done.threads)
            if size <= 0:
                break
            rows = _write_batch(container, [plan_thread(rng, council, now) for _ in range(size)])
            done.threads += size
            done.messages += len(rows.messages)
            done.terms += len(rows.terms)
            done.entries += len(rows.entries)
            if batch % 25 == 0 or done.threads == count:
                spent = time.perf_counter() - began
                progress(
                    f"  {done.threads:>9,} threads, {done.messages:,} messages, "
                    f"{done.terms:,} index terms, {done.entries:,} inbox rows "
                    f"({spent:.0f} s, {done.threads / spent:,.0f} threads/s)"
                )
    done.rebuild_seconds = timing.get("rebuild", 0.0)
    vacuum_began = time.perf_counter()
    vacuum_analyse(container)
    done.vacuum_seconds = time.perf_counter() - vacuum_began
    done.seconds = time.perf_counter() - began
    return done


def _write_batch(container: Container, plans: Sequence[ThreadPlan]) -> Rows:
    """The plans' rows, written in one transaction."""
    vault = container.vault
    rows = Rows()
    with container.session_factory() as session, session.begin():
        connection = session.connection()
        # Only the benchmark's own database waits for these commits.
        connection.execute(text("SET LOCAL synchronous_commit = off"))
        word_terms = WordTermCache(partial(vault.index_terms, session))
        _check_composition(vault, session, word_terms, plans[0])
        seal = partial(_seal, vault, session)
        thread_ids = _reserve(connection, "exchange_threads", len(plans))
        message_ids = iter(
            _reserve(connection, "exchange_messages", sum(len(p.messages) for p in plans))
        )
        for plan, thread_id in zip(plans, thread_ids, strict=True):
            ids = list(itertools.islice(message_ids, len(plan.messages)))
            thread_rows(plan, thread_id, ids, seal, word_terms, rows)
        driver: Any = connection.connection.driver_connection  # psycopg's own connection
        cursor = driver.cursor()
        _copy(cursor, "exchange_threads", THREAD_COLUMNS, rows.threads)
        _copy(cursor, "exchange_recipients", RECIPIENT_COLUMNS, rows.recipients)
        _copy(cursor, "exchange_messages", MESSAGE_COLUMNS, rows.messages)
        _copy_terms(cursor, rows.terms)
        _copy(cursor, "exchange_inbox_entries", ENTRY_COLUMNS, rows.entries)
    return rows


def _seal(vault: Any, session: Any, agency_id: int, plain: str, context: str) -> bytes:
    return bytes(vault.seal_text(session, agency_id, plain, context=context))


@contextmanager
def _indexes_set_aside(
    container: Container, rebuild: bool, progress: Callable[[str], None]
) -> Iterator[dict[str, float]]:
    """When `rebuild`, the big tables' secondary indexes and unique constraints are
    dropped for the load and made again, by their own definitions, afterwards (also when
    the load fails)."""
    timing: dict[str, float] = {}
    if not rebuild:
        yield timing
        return
    with container.engine.connect() as connection:
        indexes = connection.execute(
            text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i"
                " WHERE i.tablename = ANY(:tables) AND i.indexname NOT IN"
                " (SELECT conname FROM pg_constraint WHERE conrelid::regclass::text = i.tablename)"
            ),
            {"tables": list(BIG_TABLES)},
        ).all()
        constraints = connection.execute(
            text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                " FROM pg_constraint WHERE conrelid::regclass::text = ANY(:tables)"
                " AND contype = 'u'"
            ),
            {"tables": list(BIG_TABLES)},
        ).all()
        for name, _ in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
        for table, name, _ in constraints:
            connection.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        connection.commit()
    progress(f"  set aside {len(indexes)} indexes and {len(constraints)} unique constraints")
    try:
        yield timing
    finally:
        began = time.perf_counter()
        with container.engine.connect() as connection:
            connection.execute(text("SET maintenance_work_mem = '1GB'"))
            for name, definition in indexes:
                step = time.perf_counter()
                connection.execute(text(definition))
                connection.commit()
                progress(f"  built {name} in {time.perf_counter() - step:.0f} s")
            for table, name, definition in constraints:
                step = time.perf_counter()
                connection.execute(
                    text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                )
                connection.commit()
                progress(f"  built {name} in {time.perf_counter() - step:.0f} s")
        timing["rebuild"] = time.perf_counter() - began


def vacuum_analyse(container: Container) -> None:
    """What autovacuum does after many inserts, at once: the planner's statistics, and
    the visibility map that index-only scans need."""
    with container.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE"))


def seeded_count(container: Container) -> int:
    with container.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM exchange_threads")).scalar_one())


def verify_sample(container: Container, count: int, rng: random.Random) -> int:
    """Checks `count` random threads against the application's own writers, in a
    transaction rolled back at the end: the inbox rows `listing.rewrite` derives and the
    index `indexing.rebuild_thread_index` writes (which opens the subject and every body
    under their contexts) must equal the stored ones. Returns the number checked."""
    from interagency.exchange import indexing, listing
    from interagency.exchange.models import InboxEntry, IndexTerm

    with container.uow() as uow:
        connection = uow.session.connection()
        highest = connection.execute(text("SELECT max(id) FROM exchange_threads")).scalar_one()
        candidates = sorted({rng.randint(1, highest) for _ in range(count * 2)})
        ids = list(
            connection.execute(
                text("SELECT id FROM exchange_threads WHERE id = ANY(:ids) ORDER BY id"),
                {"ids": candidates},
            ).scalars()
        )[:count]

        def stored() -> tuple[list[Any], list[Any]]:
            found = []
            for model, columns in ((InboxEntry, ENTRY_COLUMNS), (IndexTerm, TERM_COLUMNS)):
                table = model.__table__
                query = select(*(table.c[c] for c in columns)).where(table.c.thread_id.in_(ids))
                found.append(sorted(tuple(row) for row in connection.execute(query)))
            return found[0], found[1]

        before = stored()
        listing.rewrite(uow.session, ids)
        for thread_id in ids:
            indexing.rebuild_thread_index(uow, container.vault, thread_id)
        uow.session.flush()
        after = stored()
        for name, was, now in zip(("inbox rows", "index terms"), before, after, strict=True):
            if was != now:
                raise RuntimeError(
                    f"seeded {name} differ from what the application writes for threads {ids}"
                )
    return len(ids)
