"""Tables of the screening service: what is screened or screened against, and the keyed
hashes its candidates are found by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from interagency.db import Base, created_at, intpk


class Subject(Base):
    """One thing screened or screened against: a record, and later a border crossing, an
    accreditation applicant or a channel's facilitator. `kind` names its registration
    (`registry.SubjectKind`), `ref` its row in that kind's own table; the personal data
    stays there, sealed. Hits point to subjects, whatever their kind."""

    __tablename__ = "screening_subjects"
    __table_args__ = (UniqueConstraint("kind", "ref"),)

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[int] = mapped_column(Integer)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    # What its particulars describe (person, document, vehicle, phone, organisation):
    # only subjects that describe the same are compared.
    matches_as: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[created_at]
    # The last screening; a kind's retention counts from it.
    screened_at: Mapped[datetime | None]
    # What a screening compares it by (`keys.features_text`): the engine's features of a
    # person, sealed under its holder's data key, written with its keys. Candidates are
    # compared without opening their particulars or analysing their names again (a
    # million candidates cost minutes of that). None for a kind nothing is screened
    # against, for what is not a person, and once erased. Read only where compared.
    features_sealed: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))


class Screened(Protocol):
    """What the service reads of a subject it screens: a stored `Subject`, or a row it
    judges without storing it (`service.would_hit`, where a day's manifest has a million)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def ref(self) -> int: ...
    @property
    def owner_agency_id(self) -> int: ...
    @property
    def matches_as(self) -> str: ...


@dataclass(frozen=True, slots=True)
class SubjectRow:
    """A subject as plain values (`Screened`): a candidate the service found by its keys,
    or a probe it judges without storing it (a negative id). A batch meets tens of
    thousands, and an ORM object costs tens of times as much to make."""

    id: int
    kind: str
    ref: int
    owner_agency_id: int
    matches_as: str

    @staticmethod
    def columns() -> tuple[Any, ...]:
        """The subjects' columns to make one from, in its order."""
        return (Subject.id, Subject.kind, Subject.ref, Subject.owner_agency_id,
                Subject.matches_as)  # fmt: skip


class SubjectKey(Base):
    """A candidate key of a subject (`screening.keys`): a keyed hash under the council's
    matching key, so that candidates come from an equality join and a dump of this table
    reveals no name. Rewritten whenever the subject's particulars are."""

    __tablename__ = "screening_keys"
    __table_args__ = (Index("ix_screening_keys_subject", "subject_id"),)

    term: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("screening_subjects.id"), primary_key=True)
