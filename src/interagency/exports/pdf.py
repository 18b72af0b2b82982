"""PDF through WeasyPrint: HTML built here from the neutral document, every page watermarked."""

from __future__ import annotations

import base64
from html import escape

from weasyprint import HTML, URLFetcher

from interagency.exports.document import ExportDocument, Section, Svg, Table, Watermark
from interagency.exports.labels import page_label, watermark_line

# Noto covers Cyrillic, Armenian and Georgian; fontconfig picks the face per script.
FONT_STACK = '"Noto Sans", "Noto Sans Armenian", "Noto Sans Georgian", sans-serif'


def css_string(text: str) -> str:
    """A CSS string literal holding `text`: every character but letters, digits and spaces
    is written as a hex escape (ended by a space the parser consumes), so no text can end
    the string or the rule."""
    escaped = "".join(
        char if char.isalnum() or char == " " else f"\\{ord(char):06x} " for char in text
    )
    return f'"{escaped}"'


def stylesheet(watermark_text: str, language: str) -> str:
    page_word, of_word = page_label(language)
    line = css_string(watermark_text)
    return f"""
@page {{
  size: A4;
  margin: 24mm 18mm 22mm 18mm;
  @top-center {{ content: {line}; font-size: 7.5pt; color: #555; }}
  @bottom-left {{ content: {line}; font-size: 7.5pt; color: #555; }}
  @bottom-right {{
    content: {css_string(page_word)} " " counter(page) " " {css_string(of_word)} " "
      counter(pages);
    font-size: 7.5pt; color: #555;
  }}
}}
html {{ font-family: {FONT_STACK}; font-size: 10.5pt; line-height: 1.4; color: #111; }}
h1 {{ font-size: 17pt; margin: 0 0 4pt; }}
h2 {{ font-size: 13pt; margin: 14pt 0 4pt; break-after: avoid; }}
h3 {{ font-size: 11pt; margin: 10pt 0 3pt; break-after: avoid; }}
.subtitle {{ font-size: 11pt; color: #333; margin: 0 0 8pt; }}
.marking {{ display: inline-block; border: 1.2pt solid #8a1c1c; color: #8a1c1c;
  font-weight: bold; padding: 1pt 5pt; margin-bottom: 8pt; }}
table {{ border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; }}
th, td {{ border: 0.6pt solid #999; padding: 2pt 4pt; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
table.facts th {{ width: 30%; }}
caption {{ caption-side: top; text-align: left; font-style: italic; padding-bottom: 2pt; }}
p {{ margin: 0 0 5pt; white-space: pre-wrap; }}
figure {{ margin: 6pt 0 10pt; break-inside: avoid; }}
figure img {{ width: 100%; }}
figcaption {{ font-style: italic; font-size: 9pt; }}
.watermark {{ position: fixed; top: 110mm; left: -20mm; width: 210mm; text-align: center;
  transform: rotate(-30deg); font-size: 20pt; color: rgba(140, 28, 28, 0.12); }}
"""


def _table(table: Table, css_class: str = "") -> str:
    head = "".join(f"<th scope='col'>{escape(column)}</th>" for column in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in table.rows
    )
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    css = f" class='{css_class}'" if css_class else ""
    return f"<table{css}>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _svg(image: Svg) -> str:
    data = base64.b64encode(image.markup.encode()).decode()
    alt = escape(image.caption or "")
    caption = f"<figcaption>{alt}</figcaption>" if image.caption else ""
    return f"<figure><img src='data:image/svg+xml;base64,{data}' alt='{alt}'>{caption}</figure>"


def _section(section: Section) -> str:
    level = 2 if section.level <= 1 else 3
    parts = [f"<h{level}>{escape(section.heading)}</h{level}>"]
    for block in section.blocks:
        if isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, Svg):
            parts.append(_svg(block))
        else:
            parts.append(f"<p>{escape(block)}</p>")
    return "".join(parts)


def to_html(document: ExportDocument, watermark: Watermark, language: str) -> str:
    line = watermark_line(watermark, language)
    facts = ""
    if document.facts:
        rows = "".join(
            f"<tr><th scope='row'>{escape(label)}</th><td>{escape(value)}</td></tr>"
            for label, value in document.facts
        )
        facts = f"<table class='facts'><tbody>{rows}</tbody></table>"
    subtitle = f"<p class='subtitle'>{escape(document.subtitle)}</p>" if document.subtitle else ""
    sections = "".join(_section(section) for section in document.sections)
    return (
        f"<!doctype html><html lang='{escape(language)}'><head><meta charset='utf-8'>"
        f"<title>{escape(document.title)}</title>"
        f"<style>{stylesheet(line, language)}</style></head><body>"
        f"<div class='watermark' aria-hidden='true'>{escape(line)}</div>"
        f"<div class='marking'>{escape(document.marking)}</div>"
        f"<h1>{escape(document.title)}</h1>{subtitle}{facts}{sections}</body></html>"
    )


def render_pdf(document: ExportDocument, watermark: Watermark, language: str) -> bytes:
    """The document as PDF bytes; every page carries the watermark and the marking."""
    # Only data: URLs (the embedded charts): a document never makes the server fetch a
    # file or a network address, whatever its text contains.
    fetcher = URLFetcher(allowed_protocols=["data"])
    html = HTML(string=to_html(document, watermark, language), url_fetcher=fetcher)
    pdf: bytes = html.write_pdf()
    return pdf
