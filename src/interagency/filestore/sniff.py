"""What a file is, judged from its bytes only (never its name), against an allowlist.

A small table of magic numbers recognises PDF, images and Parquet; ZIP containers are opened and
accepted only as Word/Excel (OOXML) or OpenDocument files without macros; anything else
must be UTF-8 text with no control characters and no markup at its start (an HTML or SVG
file is refused even though it is text). Everything not recognised is refused.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from interagency.i18n import gettext, lazy

HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str


PDF = FileType("application/pdf", "PDF")
PNG = FileType("image/png", "PNG")
JPEG = FileType("image/jpeg", "JPEG")
GIF = FileType("image/gif", "GIF")
TEXT = FileType("text/plain", lazy("plain text (UTF-8)"))
CSV = FileType("text/csv", "CSV")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)"
)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)")
ODT = FileType("application/vnd.oasis.opendocument.text", lazy("OpenDocument text (ODT)"))
ODS = FileType(
    "application/vnd.oasis.opendocument.spreadsheet", lazy("OpenDocument spreadsheet (ODS)")
)
# Columnar data (a day's passenger manifest): read only by pyarrow, which refuses a file
# that is not whole.
PARQUET = FileType("application/vnd.apache.parquet", "Parquet")

KNOWN_TYPES: tuple[FileType, ...] = (
    PDF, PNG, JPEG, GIF, TEXT, CSV, DOCX, XLSX, ODT, ODS, PARQUET
)  # fmt: skip
BY_MEDIA_TYPE = {file_type.media_type: file_type for file_type in KNOWN_TYPES}

# Leading bytes of the binary formats accepted as they are.
MAGIC_NUMBERS: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"PAR1", PARQUET),
)
ZIP_MAGIC = b"PK\x03\x04"

# What the main part of a container declares, in OOXML's [Content_Types].xml or in
# OpenDocument's uncompressed "mimetype" entry. Macro-enabled variants declare other
# types (e.g. "...document.macroEnabled.main+xml") and are thus refused.
OOXML_MAIN_PARTS: tuple[tuple[bytes, FileType], ...] = (
    (b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", DOCX),
    (b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", XLSX),
)
OPENDOCUMENT_TYPES = {ODT.media_type.encode(): ODT, ODS.media_type.encode(): ODS}
# Entries that carry macros or scripts in either family.
_MACRO_ENTRY = re.compile(r"(^|/)(vbaProject\.bin|Basic/|Scripts/)", re.IGNORECASE)
_CONTENT_TYPES_MAX = 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MARKUP_START = re.compile(r"\A\s*<[!?a-zA-Z]")
_DELIMITERS = (",", ";", "\t")


def allowed_labels(allowed: frozenset[str]) -> str:
    """The allowed types, named for a person in their language, in the table's order."""
    return ", ".join(gettext(str(t.label)) for t in KNOWN_TYPES if t.media_type in allowed)


class ContentSniffer:
    """Fed the plaintext while it streams; `verdict` tells what it was.

    Keeps the first bytes for the magic numbers, and checks the whole stream as UTF-8
    text as it goes, so that a text file with a binary tail is caught too.
    """

    def __init__(self) -> None:
        self.head = bytearray()
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self._text_ok = True

    def update(self, data: bytes) -> None:
        if len(self.head) < HEAD_BYTES:
            self.head += data[: HEAD_BYTES - len(self.head)]
        if self._text_ok:
            self._text_check(data, final=False)

    def _text_check(self, data: bytes, *, final: bool) -> None:
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError:
            self._text_ok = False
            return
        if _CONTROL.search(text):
            self._text_ok = False

    def verdict(self) -> FileType | None:
        """The type from the bytes seen; `ZIP_CONTAINER` when the container must be
        opened (see `inspect_container`); None when the content is not allowed."""
        if self._text_ok:
            self._text_check(b"", final=True)
        head = bytes(self.head)
        for magic, file_type in MAGIC_NUMBERS:
            if head.startswith(magic):
                return file_type
        if head.startswith(ZIP_MAGIC):
            return ZIP_CONTAINER
        if not self._text_ok:
            return None
        text = head.decode("utf-8-sig", errors="ignore")
        if _MARKUP_START.match(text):
            return None
        return CSV if _looks_like_csv(text) else TEXT


# Not a type that is stored: a signal that the ZIP container needs opening.
ZIP_CONTAINER = FileType("application/zip", "ZIP")


def _looks_like_csv(text: str) -> bool:
    # Only whole lines: the head may end in the middle of one (after the last "\n").
    lines = [line.rstrip("\r") for line in text.split("\n")[:-1] if line.strip()][:5]
    if len(lines) < 2:
        return False
    return any(
        len({line.count(delimiter) for line in lines}) == 1 and lines[0].count(delimiter) > 0
        for delimiter in _DELIMITERS
    )


def inspect_container(source: BinaryIO) -> FileType | None:
    """DOCX, XLSX, ODT or ODS from a ZIP container's entries; None for any other ZIP,
    one with macros, or a broken one."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            if any(_MACRO_ENTRY.search(name) for name in names):
                return None
            if "mimetype" in names:
                declared = _read_small(archive, "mimetype").strip()
                return OPENDOCUMENT_TYPES.get(declared)
            if "[Content_Types].xml" in names:
                content_types = _read_small(archive, "[Content_Types].xml")
                for marker, file_type in OOXML_MAIN_PARTS:
                    if marker in content_types:
                        return file_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError):
        return None
    return None


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    # The declared size of a small entry can lie (a zip bomb): read no more than the cap.
    with archive.open(name) as entry:
        data = entry.read(_CONTENT_TYPES_MAX + 1)
    if len(data) > _CONTENT_TYPES_MAX:
        raise ValueError(f"{name} is implausibly large")
    return data
