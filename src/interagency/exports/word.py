"""DOCX through python-docx: the watermark in the header and footer of every section."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from interagency.exports.document import ExportDocument, Svg, Table, Watermark
from interagency.exports.labels import watermark_line

FONT = "Noto Sans"
MARKING_COLOUR = RGBColor(0x8A, 0x1C, 0x1C)


def _set_font(document: DocxDocument, language: str) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    # Word picks a font per script range; naming Noto for all of them keeps Cyrillic,
    # Armenian and Georgian in one face where the reader has it installed.
    fonts = normal.element.rPr.rFonts
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "ru-RU" if language == "ru" else "en-GB")
    normal.element.rPr.append(lang)


def _table(document: DocxDocument, table: Table) -> None:
    if table.caption:
        document.add_paragraph(table.caption).runs[0].italic = True
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = column
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value


def _watermark(document: DocxDocument, line: str) -> None:
    # Every section gets its own header and footer (not linked to the previous one), so
    # a section added later by an editor still shows who exported the file.
    for section in document.sections:
        for part in (section.header, section.footer):
            part.is_linked_to_previous = False
            paragraph = part.paragraphs[0]
            paragraph.text = ""
            run = paragraph.add_run(line)
            run.font.size = Pt(7.5)
            run.font.color.rgb = MARKING_COLOUR
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def render_docx(document: ExportDocument, watermark: Watermark, language: str) -> bytes:
    """The document as DOCX bytes; each section's header and footer carry the watermark.

    SVG images are not embedded (DOCX has no portable SVG): their caption and fallback
    table stand in their place.
    """
    output = Document()
    _set_font(output, language)
    output.core_properties.title = document.title
    output.core_properties.language = language
    marking = output.add_paragraph()
    marking_run = marking.add_run(document.marking)
    marking_run.bold = True
    marking_run.font.color.rgb = MARKING_COLOUR
    output.add_heading(document.title, level=0)
    if document.subtitle:
        output.add_paragraph(document.subtitle)
    if document.facts:
        facts = output.add_table(rows=0, cols=2)
        facts.style = "Table Grid"
        for label, value in document.facts:
            cells = facts.add_row().cells
            cells[0].text = label
            cells[1].text = value
    for section in document.sections:
        output.add_heading(section.heading, level=1 if section.level <= 1 else 2)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(output, block)
            elif isinstance(block, Svg):
                if block.caption:
                    output.add_paragraph(block.caption).runs[0].italic = True
                if block.fallback is not None:
                    _table(output, block.fallback)
            else:
                output.add_paragraph(block)
    _watermark(output, watermark_line(watermark, language))
    buffer = BytesIO()
    output.save(buffer)
    return buffer.getvalue()
