"""The canonical Latin form of a name: derived, never a replacement for the entry."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from interagency.matching.names.latin import fold_latin
from interagency.matching.names.scripts import detect_script
from interagency.matching.names.standards import CANONICAL_STANDARD, transliterate


@lru_cache(maxsize=65536)
def to_latin(text: str, flavours: frozenset[str] | None = None) -> str:
    """Lower-case ASCII words for a name written in any supported script or standard.

    Native-script words go through the project's canonical table (BGN/PCGN without
    diacritics); Latin words of any standard are folded to the same spelling habits,
    those of `flavours` (see `latin.detect_flavours`, read on the whole name `text`
    belongs to) or else those `text` shows itself.

    >>> to_latin("Абдуллаев Мухаммад")
    'abdullayev mukhammad'
    """
    return fold_latin(_native_to_latin(text), flavours)


def _native_to_latin(text: str) -> str:
    words = unicodedata.normalize("NFC", text).replace(",", " ").split()
    out: list[str] = []
    for word in words:
        standard = CANONICAL_STANDARD.get(detect_script(word))
        out.append(transliterate(word, standard) if standard else word)
    return " ".join(out)
