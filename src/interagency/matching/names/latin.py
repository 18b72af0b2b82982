"""Fold any Latin spelling of a name to the project's plain ASCII form.

The same letter means different sounds in different traditions: `j` is й in German
and ISO 9 but дж in Uzbek and English, `ch` is ч in English but ш in French, `c` is
дж in Azerbaijani but ц in ISO 9. The tradition is read from marks that only it
uses, on the whole name (a German writer gives away "w" in one word and "j" in
another), and the rules of `data/latin-fold.tsv` are applied with it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from interagency.matching.names.standards import read_table

_APOSTROPHES: Final = "ʻʼ’‘'`ʹʺ”“\"·"
# Order matters: the first flavour that defines a source wins.
_FLAVOUR_ORDER: Final = ("fr", "de", "uz", "turkic", "hyiso", "iso", "gost")

_ARMENIAN_ISO: Final = re.compile("[ēōṙ]|[tpkcč]ʻ")
_ISO_STRONG: Final = re.compile("[ŝâûèʹʺǰǯʒēōṙḳṗṭ]|q̇|[tpkcč]ʻ")
_TURKIC: Final = re.compile("[əıǵğşçñūäýň]")
_ISO_WEAK: Final = re.compile("[žščë]")
_UZBEK: Final = re.compile("[og][ʻ'’‘`ʼ]")
_GOST_B: Final = re.compile("`|shh|cz|[ye]'")
# German also shows itself by j after a consonant for the soft sign (Tatjana, Ljudmila);
# Uzbek -jon is kept out by the vowel.
_GERMAN: Final = re.compile("sch|w|[tlfvszn]j[aeiu]")
_FRENCH: Final = re.compile("ou|tch|ï|dj")
_VOWELS: Final = frozenset("aeiouy")


def detect_flavours(text: str) -> frozenset[str]:
    """The spelling traditions whose marks appear in `text` (any case, any script:
    native-script words carry no marks)."""
    text = unicodedata.normalize("NFC", text).lower()
    found: set[str] = set()
    if _UZBEK.search(text):
        found.add("uz")
    if _ISO_STRONG.search(text):
        found.add("iso")
        if _ARMENIAN_ISO.search(text):
            found.add("hyiso")
    elif _TURKIC.search(text):
        found.add("turkic")
    elif _ISO_WEAK.search(text):
        found.add("iso")
    if _GOST_B.search(text):
        found.add("gost")
    if not found & {"uz", "turkic"}:
        if _GERMAN.search(text):
            found.add("de")
        if _FRENCH.search(text):
            found.add("fr")
    return frozenset(found)


@lru_cache(maxsize=64)
def _rules(flavours: frozenset[str]) -> tuple[dict[str, str], int]:
    by_flavour: dict[str, dict[str, str]] = {}
    for source, target, flavour in read_table("latin-fold.tsv"):
        by_flavour.setdefault(flavour, {})[source] = target
    merged: dict[str, str] = dict(by_flavour.get("*", {}))
    for flavour in reversed(_FLAVOUR_ORDER):
        if flavour in flavours:
            merged.update(by_flavour.get(flavour, {}))
    return merged, max(len(s) for s in merged)


def fold_latin(text: str, flavours: frozenset[str] | None = None) -> str:
    """Lower-case ASCII letters and spaces: the name as an English-reading officer
    would have written it from the same Cyrillic original. The spelling traditions
    are those of `text` unless given (those of the whole name a part belongs to).

    >>> fold_latin("Abdoullaev Mouhammad")
    'abdullaev muhammad'
    """
    lower = unicodedata.normalize("NFC", text).lower()
    rules, longest = _rules(detect_flavours(lower) if flavours is None else flavours)
    out: list[str] = []
    i = 0
    while i < len(lower):
        for size in range(min(longest, len(lower) - i), 0, -1):
            target = rules.get(lower[i : i + size])
            if target is not None:
                out.append(target)
                i += size
                break
        else:
            out.append(_ambiguous_letter(lower, i))
            i += 1
    return _ascii_words("".join(out))


def _ambiguous_letter(text: str, i: int) -> str:
    """Letters whose value depends on their neighbours when no tradition was detected."""
    char = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if char == "x":
        # Initial or pre-consonant x is х (Uzbek, GOST B); between vowels it is кс.
        return "kh" if not before.isalpha() or after not in _VOWELS else "ks"
    if char == "j":
        # Before a vowel j is дж (Jamshid, and Djavid where d is already written);
        # elsewhere it is the glide й (Sergej).
        if after in _VOWELS and after != "y":
            if before == "d":
                return "zh"
            # -ja, -je, -ju closing a word after i or a consonant are German and ISO
            # spellings of -ья, -ия (Natalja, Marija); Uzbek -jon keeps its дж.
            ending = i + 2 >= len(text) or not text[i + 2].isalpha()
            if ending and before.isalpha() and before not in "aeou":
                return "y"
            return "dzh"
        return "y"
    if char == "c" and after != "h":
        # c is ц before front vowels and before consonants (Cvetkov); before back
        # vowels and l, r it is the English к (Nicolas, Cristina).
        if after in "eiy" or (after.isalpha() and after not in "aouklr"):
            return "ts"
        return "k"
    return char


def _ascii_words(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for char in decomposed:
        if char in _APOSTROPHES or unicodedata.combining(char):
            continue
        if "a" <= char <= "z":
            kept.append(char)
        elif not char.isalnum():
            kept.append(" ")
    return " ".join("".join(kept).split())
