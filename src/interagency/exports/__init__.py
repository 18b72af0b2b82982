"""Watermarked exports to PDF and DOCX, shared by every feature.

The package knows no feature, no database and no web layer (an import-linter contract
keeps it so). A feature builds a neutral document and renders it::

    from interagency.exports import ExportDocument, Section, Table, Svg, Watermark
    from interagency.exports import render_pdf, render_docx

    document = ExportDocument(
        title="Agenda of the 45th meeting",
        marking="H2 · TLP:AMBER",
        facts=[("Date", "2026-03-14"), ("Place", "Moscow")],
        sections=[
            Section("Items", [Table(["No.", "Item", "Rapporteur"], [["1", "…", "RU-FSB"]])]),
            Section("Progress", ["A paragraph of plain text.", Svg(svg_markup, "Chart")]),
        ],
    )
    watermark = Watermark("orlova (COUNCIL-SEC)", utcnow(), document.marking, "Europe/Moscow")
    pdf_bytes = render_pdf(document, watermark, "ru")
    docx_bytes = render_docx(document, watermark, "ru")

- Text is plain text everywhere: the renderers escape it.
- Every page of the PDF carries the watermark (user, time in the watermark's zone, marking)
  in its header and footer and diagonally across the page; every section of the DOCX
  carries it in its header and footer.
- `language` ("ru" or "en") sets the document's language and the watermark's words.
- Fonts are Noto (Debian's fonts-noto-core), so Cyrillic, Armenian and Georgian render.
- The PDF renderer fetches nothing: only `data:` URLs are read, so a document can never
  make the server open a file or a network address.
- The caller audits the export (who, what, which marking) before returning the bytes.
"""

from interagency.exports.document import (
    Block,
    ExportDocument,
    Section,
    Svg,
    Table,
    Watermark,
    local_time,
)
from interagency.exports.pdf import render_pdf
from interagency.exports.word import render_docx

PDF_MEDIA_TYPE = "application/pdf"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

__all__ = [
    "DOCX_MEDIA_TYPE",
    "PDF_MEDIA_TYPE",
    "Block",
    "ExportDocument",
    "Section",
    "Svg",
    "Table",
    "Watermark",
    "local_time",
    "render_docx",
    "render_pdf",
]
