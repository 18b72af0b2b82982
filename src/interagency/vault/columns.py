"""Sealed columns: free text that the database only ever holds encrypted.

A model declares a text it keeps sealed as

    class Record(Sealed, Base):
        sealed_under = "owner_agency_id"
        purpose_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
        purpose = SealedText[str]()

and reads and writes `record.purpose` as plain text. The plaintext never reaches the
database: setting the attribute keeps it in memory, and the session seals it (under the
owning agency's data key, bound to the table, the row's public id and the column) just
before the row is flushed. Reading opens the column once and keeps the text beside the
sealed value it came from, so a row reloaded with another value is opened again.

A model is `Sealed` by naming, in `sealed_under`, the attribute that holds the owning
agency's id, or by overriding `sealing_agency_id` (the council seals under the
secretariat's key). Every sealed row has a public id: random, fixed length, known before
the row is inserted, so a value is bound to its row from the moment it is sealed.

The session must know the vault (`bind_vault`, done by `bootstrap`); a session that does
not refuses to flush a sealed value rather than writing anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, Self, TypeVar, overload

from sqlalchemy import Integer, String, column, delete, event, select, table
from sqlalchemy.orm import (
    Session,
    UOWTransaction,
    object_session,
    sessionmaker,
)

from interagency.db import HasPublicId
from interagency.vault.blind_index import Spelling
from interagency.vault.models import SealedTerm
from interagency.vault.services import Vault

_VAULT_KEY = "interagency.vault"
_PLATFORM_ID_KEY = "interagency.vault.platform_agency_id"
_OPENED = "_interagency_opened"

T = TypeVar("T", str, str | None)


def bind_vault(factory: sessionmaker[Session], vault: Vault) -> None:
    """Lets the sessions `factory` makes from now on seal and open sealed columns."""
    factory.configure(info={**factory.kw.get("info", {}), _VAULT_KEY: vault})


def bind_session(session: Session, vault: Vault) -> None:
    """Lets one session seal and open sealed values (e.g. the audit verifier's)."""
    session.info[_VAULT_KEY] = vault


def vault_of(session: Session) -> Vault:
    vault: Vault | None = session.info.get(_VAULT_KEY)
    if vault is None:
        raise RuntimeError("this session has no vault: build it through bootstrap()")
    return vault


# The directory's table as the vault needs it (the vault imports no feature).
_agencies = table("agencies", column("id", Integer), column("kind", String))


@overload
def platform_agency_id(session: Session) -> int: ...
@overload
def platform_agency_id(session: Session, *, required: bool) -> int | None: ...
def platform_agency_id(session: Session, *, required: bool = True) -> int | None:
    """The agency whose key seals what belongs to the council as a whole rather than to
    one member agency: the secretariat's. Looked up once a transaction. Without one in
    the directory: an error, or None when not `required`."""
    known: int | None = session.info.get(_PLATFORM_ID_KEY)
    if known is None:
        known = session.scalar(select(_agencies.c.id).where(_agencies.c.kind == "secretariat"))
        if known is None:
            if not required:
                return None
            raise RuntimeError(
                "the council secretariat is not in the directory yet: add it first "
                "(interagency agencies add CODE --kind secretariat ...)"
            )
        session.info[_PLATFORM_ID_KEY] = known
    return known


def sealing_context(table: str, public_id: str, column: str) -> str:
    """What a sealed value is bound to: moved to another row or column, it does not open."""
    return f"{table}:{public_id}:{column}"


class _Pending:
    """Stands in a sealed column between setting the text and the flush that seals it; a
    value the flush did not replace cannot be written (the driver refuses the object)."""

    def __repr__(self) -> str:
        return "<text waiting to be sealed>"


_PENDING = _Pending()


class Sealed(HasPublicId):
    """A row with sealed columns (see the module's documentation)."""

    sealed_under: ClassVar[str]
    sealed_columns: ClassVar[dict[str, SealedText[Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.sealed_columns = {
            name: value
            for klass in reversed(cls.__mro__)
            for name, value in vars(klass).items()
            if isinstance(value, SealedText)
        }

    def sealing_agency_id(self, session: Session) -> int:
        """The agency whose data key seals this row's texts."""
        agency_id: int | None = getattr(self, self.sealed_under)
        if agency_id is None:
            raise RuntimeError(f"{type(self).__name__} has no {self.sealed_under} to seal under")
        return agency_id

    def sealing_context(self, column: str) -> str:
        return sealing_context(self.__tablename__, self.public_id, column)  # type: ignore[attr-defined]


class SealedText(Generic[T]):
    """The plain text of the column `<name>_sealed`, sealed at flush, opened on first read.

    A `searchable` text also gets blind-index terms (`SealedTerm`), found by `matching`;
    it must always have a value. A searchable text indexed `across_scripts` (with a
    transliterating spelling, `blind_index.Spelling`) also gets the cross-script terms of
    its names, so that a name written in one script is found by its spelling in another:
    an option, not the rule, because those terms are looser than stems and only texts
    searched for names need them."""

    def __init__(self, *, searchable: bool = False, across_scripts: Spelling | None = None) -> None:
        if across_scripts is not None and not searchable:
            raise TypeError("only a searchable text is indexed across scripts")
        self.searchable = searchable
        self.across_scripts = across_scripts

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.column = f"{name}_sealed"

    def source(self, instance: Sealed) -> str:
        return f"{instance.__tablename__}.{self.name}"  # type: ignore[attr-defined]

    @overload
    def __get__(self, instance: None, owner: type) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type) -> T: ...
    def __get__(self, instance: object, owner: type) -> Self | T:
        if instance is None:
            return self
        assert isinstance(instance, Sealed), f"{type(instance).__name__} must be Sealed"
        stored = getattr(instance, self.column)
        opened: dict[str, tuple[object, str]] = instance.__dict__.setdefault(_OPENED, {})
        known = opened.get(self.name)
        if known is not None and known[0] is stored:
            return known[1]
        if stored is None:
            return None  # type: ignore[return-value]
        session = object_session(instance)
        if session is None:
            raise RuntimeError(f"{self.name} of a detached row cannot be opened")
        text = vault_of(session).open_text(
            session,
            instance.sealing_agency_id(session),
            stored,
            context=instance.sealing_context(self.name),
        )
        opened[self.name] = (stored, text)
        return text

    def __set__(self, instance: object, value: T) -> None:
        if value is None:
            if self.searchable:
                raise TypeError(f"{self.name} is searchable and must have a value")
            setattr(instance, self.column, None)
            instance.__dict__.setdefault(_OPENED, {}).pop(self.name, None)
            return
        if not isinstance(value, str):
            raise TypeError(f"{self.name} takes text, not {type(value).__name__}")
        setattr(instance, self.column, _PENDING)
        instance.__dict__.setdefault(_OPENED, {})[self.name] = (_PENDING, value)

    def seal_pending(self, session: Session, instance: Sealed) -> None:
        if instance.__dict__.get(self.column) is not _PENDING:
            return
        text = instance.__dict__[_OPENED][self.name][1]
        vault, agency_id = vault_of(session), instance.sealing_agency_id(session)
        sealed = vault.seal_text(
            session, agency_id, text, context=instance.sealing_context(self.name)
        )
        setattr(instance, self.column, sealed)
        instance.__dict__[_OPENED][self.name] = (sealed, text)
        if self.searchable:
            self.write_terms(session, instance, agency_id, text)

    def write_terms(self, session: Session, instance: Sealed, agency_id: int, text: str) -> None:
        """Replaces the row's blind-index terms of this column with those of `text`."""
        source = self.source(instance)
        session.execute(
            delete(SealedTerm).where(
                SealedTerm.source == source, SealedTerm.public_id == instance.public_id
            )
        )
        terms = vault_of(session).index_terms(
            session, agency_id, text, across_scripts=self.across_scripts
        )
        session.add_all(
            SealedTerm(agency_id=agency_id, source=source, public_id=instance.public_id, term=t)
            for t in sorted(terms)
        )


@event.listens_for(Session, "before_flush")
def _seal_pending(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    for instance in (*session.new, *session.dirty):
        if isinstance(instance, Sealed):
            for column in instance.sealed_columns.values():
                column.seal_pending(session, instance)


def index_again(session: Session, rows: Iterable[Sealed]) -> int:
    """Writes the blind-index terms of the rows' searchable texts again from their sealed
    values, for rows stored before a release that changed how terms are made (e.g. a
    column newly indexed `across_scripts`); returns the number of texts indexed. The
    vault needs the master key for this, so it is an operator's command, not a migration."""
    count = 0
    for row in rows:
        agency_id = row.sealing_agency_id(session)
        for text_column in row.sealed_columns.values():
            if text_column.searchable:
                text: str | None = getattr(row, text_column.name)
                if text is not None:
                    text_column.write_terms(session, row, agency_id, text)
                    count += 1
    session.flush()
    return count


def matching(
    session: Session,
    source: str,
    agency_id: int,
    word: str,
    *,
    across_scripts: Spelling | None = None,
) -> set[str] | None:
    """Public ids of the rows whose searchable text `source` ("table.column", sealed under
    `agency_id`) has a word of the same stem as `word` (or, for a column indexed
    `across_scripts`, given its spelling, a name of the same cross-script key); None when
    `word` is a function word or too short to be indexed (it then says nothing either
    way)."""
    terms = vault_of(session).query_terms(session, agency_id, word, across_scripts=across_scripts)
    if not terms:
        return None
    found = session.scalars(
        select(SealedTerm.public_id).where(
            SealedTerm.agency_id == agency_id,
            SealedTerm.source == source,
            SealedTerm.term.in_(terms),
        )
    )
    return set(found)
