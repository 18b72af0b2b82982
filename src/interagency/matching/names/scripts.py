"""Which writing system a name is written in."""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Final, Literal

Script = Literal["Cyrl", "Latn", "Armn", "Geor", "Zyyy"]

# ISO 15924 codes, keyed by the first word of the Unicode character name.
_SCRIPT_BY_UNICODE_PREFIX: Final[dict[str, Script]] = {
    "CYRILLIC": "Cyrl",
    "LATIN": "Latn",
    "ARMENIAN": "Armn",
    "GEORGIAN": "Geor",
}


@lru_cache(maxsize=4096)
def letter_script(char: str) -> Script:
    """The script of one character; "Zyyy" (common) for digits, marks and punctuation."""
    if not char.isalpha():
        return "Zyyy"
    prefix = unicodedata.name(char, "").split(" ", 1)[0]
    # Modifier letters (ʻ ʼ) are apostrophes in practice, not Latin letters.
    if prefix == "MODIFIER":
        return "Zyyy"
    return _SCRIPT_BY_UNICODE_PREFIX.get(prefix, "Zyyy")


@lru_cache(maxsize=1 << 18)
def detect_script(text: str) -> Script:
    """The script most letters of `text` are written in ("Zyyy" when it has none).

    Mixed writing happens (a Latin initial before a Cyrillic surname); the majority
    decides, because transliteration is then applied word by word anyway.
    """
    if text.isascii():  # the common case, and by far the cheapest to settle
        return "Latn" if any(c.isalpha() for c in text) else "Zyyy"
    counts = Counter(letter_script(c) for c in text)
    counts.pop("Zyyy", None)
    if not counts:
        return "Zyyy"
    return counts.most_common(1)[0][0]
