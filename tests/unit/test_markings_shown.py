"""Markings look as TLP 2.0 prescribes on every page: each TLP level its own colour on
black, the level named in the pill's class, the handling code beside it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from interagency.markings import HandlingCode, Tlp
from interagency.web.templating import markings, tlp_pill

APP_CSS = Path(__file__).parents[2] / "src/interagency/web/static/css/app.css"

# TLP 2.0 (FIRST): the colours of the standard itself, each on black (#000).
TLP_COLOURS = {
    "tlp-red": "#ff2b2b",
    "tlp-amber": "#ffc000",
    "tlp-amber-strict": "#ffc000",
    "tlp-green": "#33ff00",
    "tlp-clear": "#fff",
}


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_each_level_is_styled_in_its_own_colour_on_black_on_every_page() -> None:
    css = APP_CSS.read_text(encoding="utf-8")
    assert re.search(r"\.tlp \{[^}]*background: #000;", css)
    for name, colour in TLP_COLOURS.items():
        rule = re.search(rf"\.{name}\b[^{{]*\{{ color: (#[0-9a-f]+); \}}", css)
        assert rule is not None, name
        assert rule.group(1) == colour
        # WCAG AA contrast against black for small text: at least 4.5:1 (red is 5.6:1).
        assert (_luminance(colour) + 0.05) / 0.05 >= 4.5


def test_a_pill_names_its_level_in_its_class() -> None:
    assert str(tlp_pill(Tlp.RED)) == '<span class="tlp tlp-red">TLP:RED</span>'
    assert str(tlp_pill(Tlp.AMBER)) == '<span class="tlp tlp-amber">TLP:AMBER</span>'
    assert str(tlp_pill("TLP:AMBER+STRICT")) == (
        '<span class="tlp tlp-amber-strict">TLP:AMBER+STRICT</span>'
    )


@dataclass
class Marked:
    handling_code: HandlingCode
    tlp: Tlp
    handling_note: str | None = None


def test_markings_show_the_code_the_level_and_the_restriction_escaped() -> None:
    shown = str(markings(Marked(HandlingCode.H3, Tlp.RED, "только <ЦА>")))
    assert shown == (
        '<span class="marking"><span class="handling handling-h3">H3</span> '
        '<span class="tlp tlp-red">TLP:RED</span> '
        '<span class="handling-note">только &lt;ЦА&gt;</span></span>'
    )
    assert "handling-note" not in str(markings(Marked(HandlingCode.H1, Tlp.GREEN)))
