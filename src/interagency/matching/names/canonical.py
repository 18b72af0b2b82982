"""The canonical Latin form of a name: derived, never a replacement for the entry."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from interagency.matching.names.latin import fold_latin
from interagency.matching.names.scripts import detect_script
from interagency.matching.names.standards import CANONICAL_STANDARD, transliterate


@lru_cache(maxsize=65536)
def to_latin(text: str) -> str:
    """Lower-case ASCII words for a name written in any supported script or standard.

    Native-script words go through the project's canonical table (BGN/PCGN without
    diacritics); Latin words of any standard are folded to the same spelling habits.

    >>> to_latin("Абдуллаев Мухаммад")
    'abdullayev mukhammad'
    """
    words = unicodedata.normalize("NFC", text).replace(",", " ").split()
    native: list[str] = []
    for word in words:
        script = detect_script(word)
        standard = CANONICAL_STANDARD.get(script)
        native.append(transliterate(word, standard) if standard else word)
    # The Latin tradition is read from the whole name, so fold once at the end.
    return fold_latin(" ".join(native))
