"""Database foundations: declarative base, column types, engine, sessions and the unit of work.

Nothing here knows a feature. Features declare their models on `Base` and receive a
`UnitOfWork` from the service layer; no module holds a global engine or session.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from select import POLLIN, poll
from types import TracebackType
from typing import Annotated, Any, ClassVar, Self

from psycopg.pq import TransactionStatus
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    DateTime,
    Engine,
    Executable,
    MetaData,
    Row,
    Select,
    String,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator, TypeEngine

# Named constraints make migrations reviewable and let errors say which rule was broken.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, in Python and in the database.

    PostgreSQL stores `timestamptz`. SQLite has no date type, so the value is stored as
    fixed-width ISO 8601 text with its `+00:00` offset: still aware in the file, and
    text order is time order. Naive input is refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: pass a timezone-aware value")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.isoformat(timespec="microseconds")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a timestamp from the database, got {type(moment).__name__}")
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
timestamp = Annotated[datetime, mapped_column(UTCDateTime())]
created_at = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow)]
code = Annotated[str, mapped_column(String(32))]
short_text = Annotated[str, mapped_column(String(200))]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


PUBLIC_ID_LENGTH = 26


def new_public_id() -> str:
    """128 random bits in lower-case base32 (26 characters, a-z and 2-7): says nothing of
    when the row was made or how many there are, and reads aloud without ambiguity."""
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=").lower()


class HasPublicId:
    """A row that users name: in URLs, the API, exports, notifications and e-mail it is
    known only by its random public id; the integer key stays inside the database. The
    public id is given when the row is built, so it is known before the row is stored."""

    public_id: Mapped[str] = mapped_column(
        String(PUBLIC_ID_LENGTH), unique=True, default=new_public_id
    )


@event.listens_for(HasPublicId, "init", propagate=True)
def _give_public_id(_target: HasPublicId, _args: Any, kwargs: dict[str, Any]) -> None:
    kwargs.setdefault("public_id", new_public_id())


# Connections a pool keeps open while idle; more are opened when needed and closed after.
IDLE_CONNECTIONS = 10


def make_engine(url: str, *, most_connections: int | None = None, **options: Any) -> Engine:
    """An engine with the settings every connection needs; SQLite folders are created.

    `most_connections` caps the pool (SQLAlchemy's default is 15). An in-memory SQLite
    database lives in a single connection and has no pool to size.
    """
    parsed = make_url(url)
    in_memory = parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")
    if most_connections is not None and not in_memory:
        kept = min(most_connections, IDLE_CONNECTIONS)
        options = {"pool_size": kept, "max_overflow": most_connections - kept, **options}
    if parsed.get_backend_name() == "sqlite":
        if not in_memory:
            Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    # No `pool_pre_ping`: a round trip before every transaction costs more than the short
    # queries of a request. A connection is checked without one as it leaves the pool.
    engine = create_engine(url, **options)
    event.listen(engine, "checkout", _refuse_dead_connection)
    return engine


def _refuse_dead_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Makes the pool replace a connection that can be seen to be dead, without asking the
    server: closed or broken on our side, left inside a transaction, or with something to
    read on its socket. An idle connection is sent nothing, so a readable socket means the
    server closed it (a restart, `pg_terminate_backend`, an idle timeout) or sent what no
    query asked for; either way it is not worth keeping.

    A connection that dies unseen (a network cut without a word from the server) fails
    at its first statement, and that request fails: nothing is retried once a statement
    has been sent, so nothing is ever done twice.
    """
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection is closed")
    if dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
        raise DisconnectionError("the connection was returned inside a transaction")
    # poll, not select: it has no limit on the descriptor's number.
    poller = poll()
    poller.register(dbapi_connection.fileno(), POLLIN)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection or sent something unasked")


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 module opens transactions on its own and breaks SAVEPOINT and
    # transactional DDL; SQLAlchemy emits BEGIN itself instead (see `_begin_sqlite`).
    dbapi_connection.isolation_level = None
    # Foreign keys are off by default in SQLite; WAL lets pages be read while a write runs.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Deleted and replaced content is overwritten, not left in free pages of the file:
    # erased personal data and plaintext replaced by sealed values must not linger.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


# The execution option of a transaction that only reads (`UnitOfWork(read_only=True)`).
READ_ONLY = "interagency_read_only"


def _begin_sqlite(connection: Any) -> None:
    # IMMEDIATE takes the write lock at the start, so two writers queue instead of one
    # failing half-way with "database is locked". A transaction that only reads takes no
    # lock at all: in WAL mode it reads a snapshot while a writer goes on.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN DEFERRED")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


SessionFactory = Callable[[], Session]


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


class UnitOfWork:
    """One transaction for one request or command: commit once, roll back otherwise.

    Services flush; only the caller that owns the request commits. Leaving the block
    without `commit()` discards everything, so a failure never leaves half a change.
    """

    def __init__(self, session_factory: SessionFactory, *, read_only: bool = False) -> None:
        self._session_factory = session_factory
        # A long read (a worker opening thousands of records) must not hold SQLite's
        # write lock (PostgreSQL's readers never block its writers).
        self.read_only = read_only
        self._session: Session | None = None
        self._before_commit: list[Callable[[], None]] = []
        self._after_commit: list[Callable[[], None]] = []
        self._after_rollback: list[Callable[[], None]] = []
        self._committed = False
        # Whether `write` ran since the transaction began (the ORM keeps its own count).
        self._wrote = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use it in a `with` block")
        return self._session

    def __enter__(self) -> Self:
        self._session = self._session_factory()
        self._committed = False
        self._wrote = False
        if self.read_only:
            self._session.connection(execution_options={READ_ONLY: True})
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            session.rollback()
        finally:
            session.close()
            self._session = None
        callbacks = self._after_commit if self._committed else self._after_rollback
        self._before_commit, self._after_commit, self._after_rollback = [], [], []
        for callback in callbacks:
            callback()

    def rows(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[Row[Any]]:
        """The rows of a Core statement, run on the transaction's own connection.

        The hot paths (lists, the audit append, notices) read and write plain columns
        this way: the ORM's execution layer costs more than a short query itself. Pending
        ORM changes are flushed first, so the statement sees them."""
        self.session.flush()
        return self.session.connection().execute(statement, parameters).all()

    def write(
        self, statement: Executable, parameters: Sequence[Mapping[str, Any]] | None = None
    ) -> None:
        """Runs a Core insert, update or delete (once per row of `parameters`, if given)
        on the transaction's connection, after flushing pending ORM changes."""
        self.session.flush()
        self.session.connection().execute(statement, parameters)
        self._wrote = True

    def commit(self) -> None:
        for hook in _EVERY_COMMIT:
            hook(self.session)
        while self._before_commit:
            self._before_commit.pop(0)()
        self.session.commit()
        self._committed = True

    def commit_written(self, *, end: bool = False) -> None:
        """Commits at once what the transaction has written so far, if anything; with `end`,
        ends the transaction even if it only read (its connection goes back to the pool and,
        on SQLite, its write lock is released). The block goes on in a new transaction, which
        its owner commits or not as usual; callbacks still wait for the end of the block.

        For the few writes that must last whatever the rest of the work does: a request's
        authentication ends an expired session and touches a live one once a minute, and a
        page that only reads commits nothing.
        """
        session = self.session
        if end or self._wrote or session.new or session.dirty or session.deleted:
            session.commit()
            self._wrote = False

    def before_commit(self, callback: Callable[[], None]) -> None:
        """Runs `callback` in the transaction just before it commits (e.g. appending the
        audit entries, so that the audit trail's lock is held only for the commit)."""
        self._before_commit.append(callback)

    def new(self) -> UnitOfWork:
        """A fresh, unopened unit of work on the same session factory (its own transaction)."""
        return UnitOfWork(self._session_factory)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Runs `callback` once the block ends, if it committed (e.g. signing a new head)."""
        self._after_commit.append(callback)

    def after_rollback(self, callback: Callable[[], None]) -> None:
        """Runs `callback` once the block ends without a commit, outside the transaction.

        A refusal must be audited even though the refused request changes nothing: the
        audit trail records it in a transaction of its own after this one is rolled back.
        """
        self._after_rollback.append(callback)


# Work a feature does in every transaction before it commits, ahead of the unit of work's
# own callbacks: those append the audit entries, under a lock held until the commit, and
# nothing that could have been done before the lock should wait inside it.
_EVERY_COMMIT: list[Callable[[Session], None]] = []


def before_every_commit(hook: Callable[[Session], None]) -> Callable[[Session], None]:
    """Registers `hook`, run with the session as each unit of work commits, before the
    unit of work's own callbacks (a decorator)."""
    _EVERY_COMMIT.append(hook)
    return hook


@contextmanager
def unit_of_work(session_factory: SessionFactory) -> Iterator[UnitOfWork]:
    with UnitOfWork(session_factory) as uow:
        yield uow


def lock_for_transaction(session: Session, key: int) -> None:
    """Waits for, then holds until the transaction ends, the lock named by `key` (a
    64-bit number): transactions that take the same key run that part one at a time.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback. SQLite:
    nothing to take, every transaction holds the write lock from BEGIN IMMEDIATE.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(_advisory_lock(key))


def one_of(session: Session, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN values`. On PostgreSQL, `column = ANY(:values)`, one array parameter:
    a list of thousands of parameters costs the driver more to convert than the database
    to answer, and a batch's screening reads tens of thousands of candidates a statement."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def lock_key(name: str) -> int:
    """The 64-bit lock key of a name such as "records:screening:person"."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@cache
def _advisory_lock(key: int) -> Select[Any]:
    # Built once a key: some locks are taken on every request.
    return select(func.pg_advisory_xact_lock(key))


def connected_as_owner(engine: Engine) -> bool:
    """True when the engine's PostgreSQL role is a superuser or owns the database or schema.

    The application must run as a role that can only read and write rows: an owner could
    alter tables and drop the audit trail's protections.
    """
    if engine.dialect.name != "postgresql":
        return False
    query = text(
        "SELECT r.rolsuper"
        " OR d.datdba = r.oid"
        " OR EXISTS (SELECT 1 FROM pg_tables t"
        "            WHERE t.schemaname = current_schema() AND t.tableowner = current_user)"
        " FROM pg_roles r, pg_database d"
        " WHERE r.rolname = current_user AND d.datname = current_database()"
    )
    with engine.connect() as connection:
        return bool(connection.execute(query).scalar())
