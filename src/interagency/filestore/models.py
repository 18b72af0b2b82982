"""Tables of filestore: one row per stored (encrypted, content-addressed) file."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from interagency.db import Base, created_at, intpk


class FileStatus(StrEnum):
    # Every file starts here and is never served until the scanner has passed it.
    QUARANTINED = "quarantined"
    CLEAN = "clean"
    REJECTED = "rejected"


class StoredFile(Base):
    """A file's content, stored once per agency (each agency's files are sealed with its
    own key) at `<attachment_dir>/<agency_id>/<sha256[:2]>/<sha256>`.

    Attachments of messages point here and hold one reference each; when the count
    drops to zero the row goes and the file is deleted after commit, so erasure of the
    last message that holds a file erases the file.
    """

    __tablename__ = "stored_files"
    __table_args__ = (
        UniqueConstraint("agency_id", "sha256"),
        CheckConstraint("status IN ('quarantined', 'clean', 'rejected')", name="status_known"),
        CheckConstraint("reference_count >= 0", name="reference_count_not_negative"),
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    # SHA-256 of the plaintext, hex: the content address, shown to users to compare copies.
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger, comment="bytes of plaintext")
    media_type: Mapped[str] = mapped_column(String(100), comment="sniffed from the content")
    status: Mapped[str] = mapped_column(String(16), default=FileStatus.QUARANTINED.value)
    reference_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[created_at]
