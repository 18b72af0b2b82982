"""Types come from the bytes, and only the allowlisted ones pass."""

from __future__ import annotations

import io

import pytest

from interagency.config import ATTACHMENT_TYPES
from interagency.filestore import sniff
from tests.unit.filestore import samples


def judge(data: bytes, piece: int = 7) -> str | None:
    sniffer = sniff.ContentSniffer()
    for start in range(0, len(data), piece):
        sniffer.update(data[start : start + piece])
    verdict = sniffer.verdict()
    if verdict is sniff.ZIP_CONTAINER:
        verdict = sniff.inspect_container(io.BytesIO(data))
    return None if verdict is None else verdict.media_type


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.PDF, "application/pdf"),
        (samples.PNG, "image/png"),
        (samples.JPEG, "image/jpeg"),
        (samples.GIF, "image/gif"),
        (samples.TEXT, "text/plain"),
        (b"\xef\xbb\xbf" + samples.TEXT, "text/plain"),
        (samples.CSV, "text/csv"),
        (b"a,b\n1,2\n", "text/csv"),
        (
            samples.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (samples.XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (samples.ODT, "application/vnd.oasis.opendocument.text"),
        (samples.ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_allowed_types_are_recognised_from_content(data: bytes, expected: str) -> None:
    assert judge(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        samples.WINDOWS_EXE,
        samples.ELF,
        samples.HTML,
        samples.SVG,
        samples.XML,
        samples.DOCM,
        samples.DOCX_WITH_MACRO,
        samples.ODT_WITH_SCRIPT,
        samples.PLAIN_ZIP,
        samples.JAR,
        b"PK\x03\x04 broken zip",
        b"plain text with a NUL\x00 inside",
        b"text then a bell \x07",
        "латиница и кириллица".encode("cp1251"),
    ],
)
def test_everything_else_is_refused(data: bytes) -> None:
    assert judge(data) is None


def test_a_text_with_a_binary_tail_beyond_the_head_is_refused() -> None:
    data = b"harmless line\n" * 2000 + b"\x00\x01\x02"
    assert len(data) > sniff.HEAD_BYTES
    assert judge(data, piece=4096) is None


def test_a_multibyte_letter_split_between_chunks_is_still_text() -> None:
    assert judge("ж".encode() * 100, piece=3) == "text/plain"


def test_the_table_knows_exactly_the_types_the_settings_offer() -> None:
    assert {t.media_type for t in sniff.KNOWN_TYPES} == set(ATTACHMENT_TYPES)


def test_allowed_labels_name_the_allowed_types_only() -> None:
    labels = sniff.allowed_labels(frozenset({"application/pdf", "text/csv"}))
    assert labels == "PDF, CSV"
