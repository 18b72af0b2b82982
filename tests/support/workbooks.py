"""Workbooks written byte by byte: a minimal valid XLSX with rows exactly as given, so that
tests can make the files a spreadsheet program would refuse to (two million rows, a
part that inflates past a limit) in milliseconds."""

from __future__ import annotations

import io
import zipfile

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def header_row(names: list[str], prefix: str = "") -> bytes:
    cells = "".join(
        f'<{prefix}c r="{chr(65 + i)}1" t="inlineStr"><{prefix}is><{prefix}t>{name}'
        f"</{prefix}t></{prefix}is></{prefix}c>"
        for i, name in enumerate(names)
    )
    return f'<{prefix}row r="1">{cells}</{prefix}row>'.encode()


def workbook(
    rows: bytes, *, prefix: str = "", shared_strings: bytes | None = None, extra_parts: int = 0
) -> bytes:
    """A minimal valid XLSX: one sheet whose sheetData holds `rows` as they are."""
    ns = f"xmlns:{prefix[:-1]}" if prefix else "xmlns"
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet {ns}="{MAIN_NS}">'
        f"<{prefix}sheetData>".encode()
        + rows
        + f"</{prefix}sheetData></{prefix}worksheet>".encode()
    )
    overrides = (
        f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>'
    )
    if shared_strings is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/>'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{overrides}</Types>"
        ).encode(),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{DOC_RELS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    for number in range(extra_parts):
        parts[f"docProps/extra{number}.xml"] = b"<extra/>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()
