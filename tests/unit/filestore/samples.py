"""Small files of each kind, built here byte by byte (the tests know what they are)."""

from __future__ import annotations

import io
import zipfile

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20) + b"\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
TEXT = "Запрос о серии поддельных паспортов.\nRequest about forged passports.\n".encode()
CSV = "фамилия;имя;год\nИванов;Иван;1980\nPetrov;Petr;1975\n".encode()
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01" + bytes(9)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'  <svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
XML = b'<?xml version="1.0"?><note>hello</note>'

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def zip_of(entries: dict[str, bytes], stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first is not None:
            archive.writestr(stored_first, entries[stored_first], zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


def content_types(main: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>'
        "</Types>"
    ).encode()


def ooxml(main: str, *, last: bool = False, extra: dict[str, bytes] | None = None) -> bytes:
    # Some writers put [Content_Types].xml first, others last: both are found.
    parts = {"word/document.xml": b"<w:document/>", **(extra or {})}
    types = {"[Content_Types].xml": content_types(main)}
    return zip_of({**parts, **types} if last else {**types, **parts})


DOCX = ooxml(WORD_MAIN)
XLSX = ooxml(EXCEL_MAIN, last=True)
DOCM = ooxml(WORD_MACRO_MAIN, extra={"word/vbaProject.bin": b"\x00macro"})
DOCX_WITH_MACRO = ooxml(WORD_MAIN, extra={"word/vbaProject.bin": b"\x00macro"})


def opendocument(media_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    entries = {"mimetype": media_type.encode(), "content.xml": b"<office:document-content/>"}
    return zip_of({**entries, **(extra or {})}, stored_first="mimetype")


ODT = opendocument("application/vnd.oasis.opendocument.text")
ODS = opendocument("application/vnd.oasis.opendocument.spreadsheet")
ODT_WITH_SCRIPT = opendocument(
    "application/vnd.oasis.opendocument.text", {"Basic/Standard/Module1.xml": b"<macro/>"}
)
PLAIN_ZIP = zip_of({"notes.txt": b"hello"})
JAR = zip_of({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", "A.class": b"\xca\xfe"})
