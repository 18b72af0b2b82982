"""Progress charts drawn on the server as SVG: no script, readable without colour (values
are written beside the bars), and the same markup serves the page and the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
LABEL_WIDTH = 200
BAR_HEIGHT = 18
GAP = 8
BAR_COLOUR = "#2f6f4f"
TRACK_COLOUR = "#e4e8e6"


def progress_bars(title: str, rows: Sequence[tuple[str, float]]) -> str:
    """Horizontal bars of percentages (0–100), one per labelled row."""
    track = WIDTH - LABEL_WIDTH - 60
    height = 30 + len(rows) * (BAR_HEIGHT + GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-family="Noto Sans, sans-serif" font-size="13" '
        f'font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, percent) in enumerate(rows):
        value = max(0.0, min(100.0, percent))
        y = 28 + index * (BAR_HEIGHT + GAP)
        filled = round(track * value / 100, 1)
        parts += [
            f'<text x="0" y="{y + 13}" font-family="Noto Sans, sans-serif" '
            f'font-size="12">{escape(_shorten(label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{track}" height="{BAR_HEIGHT}" '
            f'fill="{TRACK_COLOUR}"/>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{filled}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOUR}"/>',
            f'<text x="{LABEL_WIDTH + track + 6}" y="{y + 13}" '
            f'font-family="Noto Sans, sans-serif" font-size="12">{value:.0f}%</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def _shorten(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
