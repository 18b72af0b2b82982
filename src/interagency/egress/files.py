"""A document exported as a watermarked PDF or DOCX file through the export gate: what
every feature's file exports share.

A feature checks its own policy, builds the neutral `ExportDocument` and the gate's
`Item`, and calls `watermarked_file`: the gate lets the item out (or refuses, audited),
the file is rendered with the reader, the time, the marking and the export id on every
page, and the feature's own audit entry is written through `record` before the bytes
are handed back.

    file = files.watermarked_file(uow, caller, Door.COUNCIL_FILE, item, document, options,
                                  stem="meeting-45-agenda",
                                  record=lambda detail: access.record(..., detail))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from interagency import exports
from interagency.db import UnitOfWork, utcnow
from interagency.egress.doors import Door
from interagency.egress.gate import READER, Destination, Item, Receipt, release
from interagency.errors import InvalidInput
from interagency.exports import ExportDocument, Watermark
from interagency.i18n import lazy
from interagency.identity.models import Agency
from interagency.identity.principals import Caller


class Format(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


MEDIA_TYPES: Final = {Format.PDF: exports.PDF_MEDIA_TYPE, Format.DOCX: exports.DOCX_MEDIA_TYPE}
# The council's two working languages: every export is written in one of them.
LANGUAGES: Final = ("ru", "en")


@dataclass(frozen=True)
class Options:
    """How the caller asked for the file, and for whom."""

    fmt: Format
    language: str
    timezone: str = "UTC"
    # The reader's own agency, or a third party the secretariat registered.
    destination: Destination = READER


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    content: bytes
    # The gate's receipt: the export id, marking and expiry the download carries.
    receipt: Receipt


def options(
    fmt: str, language: str, timezone: str = "UTC", destination: Destination = READER
) -> Options:
    """The options of a request, or the error that says which value is wrong and why."""
    if fmt not in {known.value for known in Format}:
        raise InvalidInput(
            lazy("Files are exported as PDF or DOCX, not as {format}."),
            format=fmt[:16],
            for_field="fmt",
        )
    if language not in LANGUAGES:
        raise InvalidInput(
            lazy("Files are written in Russian (ru) or English (en), not in {language}."),
            language=language[:16],
            for_field="lang",
        )
    return Options(Format(fmt), language, timezone, destination)


def watermarked_file(
    uow: UnitOfWork,
    caller: Caller,
    door: Door,
    item: Item,
    document: ExportDocument,
    chosen: Options,
    *,
    stem: str,
    record: Callable[[Mapping[str, object]], None],
) -> ExportFile:
    """`document` as a file, once the gate has let `item` out through `door`. `record`
    writes the feature's audit entry of the export, given its format, language, marking
    and export id; it is called before the bytes are returned."""
    principal = caller.principal
    assert principal is not None  # (the feature's policy has let a principal in)
    fmt = chosen.fmt
    receipt = release(uow, caller, door, [item], fmt=fmt.value, destination=chosen.destination)
    agency = uow.session.get(Agency, principal.agency_id)
    user = f"{principal.full_name} · {principal.login} · {agency.code if agency else '?'}"
    watermark = Watermark(
        user,
        utcnow(),
        document.marking,
        chosen.timezone,
        export_id=receipt.export_id,
        expires=receipt.expires,
    )
    render = exports.render_pdf if fmt is Format.PDF else exports.render_docx
    content = render(document, watermark, chosen.language)
    record(
        {
            "format": fmt.value,
            "language": chosen.language,
            "marking": document.marking,
            "export": receipt.export_id,
        }
    )
    filename = f"{stem}-{chosen.language}.{fmt.value}"
    return ExportFile(filename, MEDIA_TYPES[fmt], content, receipt)
