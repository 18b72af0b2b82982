"""The shared export package: watermark on every page, escaping, and glyphs that really
render in Cyrillic, Armenian and Georgian (checked on the rendered pixels)."""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from PIL import Image

from interagency.exports import (
    ExportDocument,
    Section,
    Svg,
    Table,
    Watermark,
    render_docx,
    render_pdf,
)
from tests.unit.council import pdfcheck

MARKING = "H2 · TLP:AMBER"
MOMENT = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
SCRIPTS = ["Հայաստան", "საქართველო", "Казахстан"]
CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="20">'
    '<rect width="60" height="20" fill="#2f6f4f"/></svg>'
)


def document(paragraphs: int = 3) -> ExportDocument:
    return ExportDocument(
        title="Повестка дня заседания № 45",
        marking=MARKING,
        facts=[("Место", "Ереван")],
        sections=[
            Section("Страны", [" ".join(SCRIPTS)]),
            Section(
                "Пункты",
                [
                    Table(["№", "Пункт"], [["1", "Обмен сведениями"], ["2", "</td><b>x"]]),
                    *(f"Абзац {n}." for n in range(paragraphs)),
                    Svg(CHART, "Ход выполнения", Table(["Год", "%"], [["2015", "60"]])),
                ],
            ),
        ],
    )


def watermark() -> Watermark:
    return Watermark("Орлова М. Д. · orlova · COUNCIL-SEC", MOMENT, MARKING, "Asia/Yerevan")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "long.pdf"
    path.write_bytes(render_pdf(document(paragraphs=120), watermark(), "en"))
    return path


def test_every_page_carries_who_when_and_the_marking(pdf: Path) -> None:
    pages = pdfcheck.page_count(pdf)
    assert pages >= 3
    for page in range(1, pages + 1):
        text = pdfcheck.page_text(pdf, page)
        # 09:30 UTC is 13:30 in Yerevan (UTC+4), and the zone is named.
        assert "Exported by Орлова М. Д. · orlova · COUNCIL-SEC on 2026-03-14 13:30 +04" in text
        assert MARKING in text
        assert f"Page {page} of {pages}" in text


def test_text_is_escaped_not_interpreted(pdf: Path) -> None:
    text = pdfcheck.page_text(pdf, 1)
    assert "</td><b>x" in text
    assert "Повестка дня заседания № 45" in text


def test_armenian_and_georgian_render_as_letters_not_boxes(pdf: Path) -> None:
    for word in SCRIPTS:
        occurrences = pdfcheck.glyph_scores(pdf, word)
        assert len(occurrences) == 1, word
        assert len(occurrences[0]) == len(word)  # one glyph per letter, all found
        assert not pdfcheck.has_tofu(pdf, word), word


def test_the_glyph_check_catches_boxes_from_a_font_without_the_script(tmp_path: Path) -> None:
    """Renders the same document where fontconfig knows one Latin-and-Cyrillic font only:
    the text layer still says Հայաստան, but the page shows boxes, and the check sees them."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", fonts)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{fonts}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    out = tmp_path / "tofu.pdf"
    script = (
        "import sys, pathlib\n"
        "from tests.unit.council.test_exports import document, watermark\n"
        "from interagency.exports import render_pdf\n"
        "pathlib.Path(sys.argv[1]).write_bytes(render_pdf(document(), watermark(), 'ru'))\n"
    )
    environment = {**os.environ, "FONTCONFIG_FILE": str(config)}
    subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=environment)
    assert "Հայաստան" in pdfcheck.page_text(out, 1)
    assert pdfcheck.has_tofu(out, "Հայաստան")
    assert pdfcheck.has_tofu(out, "საქართველო")
    assert not pdfcheck.has_tofu(out, "Казахстан")


def test_russian_watermark_and_docx_headers_and_footers() -> None:
    content = render_docx(document(), watermark(), "ru")
    word = docx.Document(io.BytesIO(content))
    assert len(word.sections) >= 1
    for section in word.sections:
        for part in (section.header, section.footer):
            text = "\n".join(p.text for p in part.paragraphs)
            assert "orlova" in text
            assert "2026-03-14 13:30 +04" in text
            assert MARKING in text
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[0] == MARKING
    assert "Повестка дня заседания № 45" in paragraphs
    assert " ".join(SCRIPTS) in paragraphs
    # The chart's figures stand in for the SVG, which DOCX cannot carry.
    cells = [[c.text for c in row.cells] for table in word.tables for row in table.rows]
    assert ["2015", "60"] in cells
    assert ["2", "</td><b>x"] in cells


def test_a_watermark_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Watermark("x", datetime(2026, 1, 1), MARKING)


def image_count(content: bytes, folder: Path) -> int:
    pdf = folder / "images.pdf"
    pdf.write_bytes(content)
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return len(listing.strip().splitlines()) - 2  # two header lines


def test_the_pdf_reads_embedded_images_but_never_a_file(tmp_path: Path) -> None:
    picture = tmp_path / "secret.png"
    Image.new("RGB", (8, 8), "red").save(picture)
    inline = base64.b64encode(picture.read_bytes()).decode()

    def with_image(href: str) -> bytes:
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
            f'<image href="{href}" width="40" height="40"/></svg>'
        )
        return render_pdf(
            ExportDocument("t", MARKING, [Section("s", [Svg(svg)])]), watermark(), "en"
        )

    assert image_count(with_image(f"data:image/png;base64,{inline}"), tmp_path) == 1
    assert image_count(with_image(picture.as_uri()), tmp_path) == 0
