"""Reading exported PDFs as a person would: their text (pdftotext) and their pixels (pdftoppm).

Text alone cannot catch a missing glyph: the text layer keeps the right characters even
when the page shows empty boxes ("tofu"). So each word's box from `pdftotext -bbox` is
cut from the rendered page and every glyph in it is measured: a tofu glyph is a closed
rectangle, inked along all four edges of its own bounding box, which no Cyrillic,
Armenian or Georgian letter is.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

DPI = 200
# Measured on Noto: real letters score at most about 0.5, tofu boxes 1.0.
TOFU_SCORE = 0.9
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert match, info.stdout
    return int(match.group(1))


def page_text(pdf: Path, page: int) -> str:
    command = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def words(pdf: Path, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    command = ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return [
        (m.group(5), (float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4))))
        for m in WORD.finditer(out)
    ]


def render(pdf: Path, page: int) -> Image.Image:
    with tempfile.TemporaryDirectory() as folder:
        command = ["pdftoppm", "-r", str(DPI), "-gray", "-png", "-f", str(page), "-l", str(page)]
        subprocess.run([*command, str(pdf), f"{folder}/page"], check=True)
        return Image.open(next(Path(folder).glob("page*.png"))).convert("L")


def box_scores(image: Image.Image) -> list[float]:
    """For each glyph (columns of ink between blank columns), how fully the four edges of
    its bounding box are inked: 1.0 is a closed rectangle."""
    width, height = image.size
    pixels = image.load()
    assert pixels is not None

    def dark(x: int, y: int) -> bool:
        value = pixels[x, y]
        assert isinstance(value, int)
        return value < 128

    inked = [any(dark(x, y) for y in range(height)) for x in range(width)]
    spans, start = [], None
    for x, ink in enumerate([*inked, False]):
        if ink and start is None:
            start = x
        elif not ink and start is not None:
            spans.append((start, x))
            start = None
    scores = []
    for x0, x1 in spans:
        rows = [y for y in range(height) if any(dark(x, y) for x in range(x0, x1))]
        y0, y1 = rows[0], rows[-1]
        if x1 - x0 < 3 or y1 - y0 < 3:
            scores.append(0.0)  # a dot or a thin stroke is no box
            continue
        edges = [
            sum(dark(x, y0) for x in range(x0, x1)) / (x1 - x0),
            sum(dark(x, y1) for x in range(x0, x1)) / (x1 - x0),
            sum(dark(x0, y) for y in range(y0, y1 + 1)) / (y1 - y0 + 1),
            sum(dark(x1 - 1, y) for y in range(y0, y1 + 1)) / (y1 - y0 + 1),
        ]
        scores.append(min(edges))
    return scores


def glyph_scores(pdf: Path, word: str, page: int = 1) -> list[list[float]]:
    """The box scores of every occurrence of `word` on the page (empty if it is absent)."""
    image = render(pdf, page)
    scale = DPI / 72
    found = []
    for text, (x0, y0, x1, y1) in words(pdf, page):
        if text == word:
            crop = image.crop(
                (int(x0 * scale) - 1, int(y0 * scale) - 1, int(x1 * scale) + 2, int(y1 * scale) + 2)
            )
            found.append(box_scores(crop))
    return found


def has_tofu(pdf: Path, word: str, page: int = 1) -> bool:
    occurrences = glyph_scores(pdf, word, page)
    assert occurrences, f"{word!r} is not on page {page}"
    return any(score >= TOFU_SCORE for scores in occurrences for score in scores)
