"""The neutral document every export renders: no feature, no database, no web.

A feature builds an `ExportDocument` from what its caller may see and hands it, with a
`Watermark` naming who exported it, to `render_pdf` or `render_docx`. Text is plain text
(never markup): the renderers escape it, so content can never inject HTML or styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Table:
    """Rows of plain text under named columns; every row has as many cells as columns."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"row {number} has {len(row)} cells for {width} columns")


@dataclass(frozen=True)
class Svg:
    """A server-drawn SVG image (a chart). DOCX cannot embed SVG, so it shows `fallback`,
    a table of the same figures, in its place; the PDF draws the image itself."""

    markup: str
    caption: str | None = None
    fallback: Table | None = None


# A paragraph is a plain string; blocks keep their order within a section.
Block = str | Table | Svg


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: Sequence[Block] = ()
    # 1 for a main heading, 2 for a subsection.
    level: int = 1


@dataclass(frozen=True)
class ExportDocument:
    """What is exported: a title, its marking (shown on every page), facts and sections.

    `marking` is the text of the handling and distribution codes as the owner states it,
    e.g. "H2 · TLP:AMBER"; `facts` are label/value pairs shown under the title.
    """

    title: str
    marking: str
    sections: Sequence[Section] = ()
    subtitle: str | None = None
    facts: Sequence[tuple[str, str]] = field(default_factory=tuple)


@dataclass(frozen=True)
class Watermark:
    """Who exported the document and when: printed on every page of the export.

    `generated_at` must be timezone-aware; it is shown in `timezone` (an IANA name), with
    the zone's name, so a reader in another zone cannot misread it.
    """

    user_label: str
    generated_at: datetime
    marking: str
    timezone: str = "UTC"
    # The export gate's id of this export, so that a later withdrawal names it.
    export_id: str = ""
    # The earliest review date of what the export holds: after it, the copy is stale.
    expires: date | None = None

    def __post_init__(self) -> None:
        if self.generated_at.tzinfo is None:
            raise ValueError("the watermark's time must be timezone-aware")

    def local_time(self) -> str:
        return local_time(self.generated_at, self.timezone)


def local_time(moment: datetime, timezone: str) -> str:
    """An aware moment as the clock of `timezone` (an IANA name; UTC if unknown) shows it,
    with the zone's name, the same way in every export."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
