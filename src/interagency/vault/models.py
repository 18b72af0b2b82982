"""Tables of vault: each agency's data keys, stored only wrapped by a master key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from interagency.db import Base, created_at, intpk


class AgencyDataKey(Base):
    """One version of an agency's data key, wrapped (encrypted) under a master key.

    The master key lives outside the database (a key file or a KMS), so these rows alone
    open nothing. The highest version seals new content; every version still opens what
    it sealed. Version 1 also derives the agency's blind-index key, so it is never removed.
    """

    __tablename__ = "agency_data_keys"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # Which master key wraps this row: a fingerprint, never the key itself.
    master_key_id: Mapped[str] = mapped_column(String(64))
    wrapped_key: Mapped[bytes] = mapped_column(
        LargeBinary, comment="AES-256-GCM under the master key: nonce | ciphertext | tag"
    )
    created_at: Mapped[created_at]
    # Set when a newer version takes over sealing; the row stays so old content opens.
    retired_at: Mapped[datetime | None]


class CouncilKey(Base):
    """A key of the council as a whole rather than of one agency, wrapped under a master
    key as the agencies' data keys are. "matching" keys the screening index
    (`Vault.matching_terms`): every agency's subjects must meet under one key."""

    __tablename__ = "council_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    master_key_id: Mapped[str] = mapped_column(String(64))
    wrapped_key: Mapped[bytes] = mapped_column(
        LargeBinary, comment="AES-256-GCM under the master key: nonce | ciphertext | tag"
    )
    created_at: Mapped[created_at]


class SealedTerm(Base):
    """A blind-index term of a searchable sealed column (`vault.columns.SealedText`): a
    keyed hash of one stemmed word, under the sealing agency's index key."""

    __tablename__ = "sealed_terms"
    __table_args__ = (
        Index("ix_sealed_terms_lookup", "agency_id", "source", "term"),
        Index("ix_sealed_terms_row", "source", "public_id"),
    )

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    # "table.column" of the sealed text the term comes from.
    source: Mapped[str] = mapped_column(String(100))
    public_id: Mapped[str] = mapped_column(String(26))
    term: Mapped[str] = mapped_column(String(32))
