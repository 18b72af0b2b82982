"""Phonetic keys of name words.

Two keys, both computed from the canonical Latin form of one word:

* the *spelling key* removes what transliteration standards disagree on (kh/h/x,
  ya/ia/ja, yu/iu/ju, ts/tz/c, y/i/j, ye/e, doubled letters, -iy/-y/-ii/-yi) and keeps
  the vowels, so it separates Ivanov from Ivanova and is compared with Jaro-Winkler;
* the *blocking key* also drops vowels after the first letter and merges letters
  that writers of different languages confuse (g/k/q; v/f/w; х/кс; с/з/ш/щ/ж/дж/ч/ц,
  which German, French, English and Uzbek spell in crossing ways), so Qodirov, Kadyrov
  and Кадыров share it. It stays selective because the consonant skeleton of a
  surname rarely collides and blocking pairs it with a second field. A blocking key
  is its own blocking key.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from interagency.matching.names.canonical import to_latin

# Longest sequences first; the value is the spelling-key letter(s).
_SPELLING_UNITS: Final[dict[str, str]] = {
    "shch": "sh",
    "tsch": "ch",
    "dzh": "j",
    "sch": "sh",
    "tch": "ch",
    "zh": "j",
    "dj": "j",
    "kh": "h",
    "ts": "c",
    "tz": "c",
    "cz": "c",
    "ph": "f",
    "gh": "g",
    "ck": "k",
    "ng": "n",
    "q": "k",
    "w": "v",
    "y": "i",
    # кс is one letter in Latin spellings (Alexander) and two in others (Aleksandr).
    "x": "ks",
}
_SPELLING_LONGEST: Final = max(len(k) for k in _SPELLING_UNITS)
_VOWELS: Final = frozenset("aeiou")

# Classes of the blocking key, chosen so that a key is its own key. All sibilants and
# affricates share "s": German writes ж and ш alike (sch) and ц as z, French writes ш
# as ch, English writes ч as ch, Uzbek writes ц as s and ж and дж alike (j). к, г and
# қ share "g" so that no two class letters ever read as one of the pairs below.
_BLOCKING_UNITS: Final[dict[str, str]] = {
    "ch": "s",
    "sh": "s",
    # кс and х: Uzbek and GOST write х as x, English writes кс as x (Muxammad, Maxim).
    "ks": "x",
    "h": "x",
    "j": "s",
    "c": "s",
    "g": "g",
    "k": "g",
    "z": "s",
    "s": "s",
    "f": "v",
    "v": "v",
}


@lru_cache(maxsize=1 << 20)
def spelling_key(word: str, flavours: frozenset[str] | None = None) -> str:
    """Spelling key of one name word (or part) written in any script or standard;
    `flavours` are the spelling traditions of the whole name, if known."""
    latin = to_latin(word, flavours).replace(" ", "")
    return _spelling_key_of_ascii(latin)


def _spelling_key_of_ascii(latin: str) -> str:
    units: list[str] = []
    i = 0
    while i < len(latin):
        for size in range(min(_SPELLING_LONGEST, len(latin) - i), 0, -1):
            piece = latin[i : i + size]
            if piece in _SPELLING_UNITS:
                units.append(_SPELLING_UNITS[piece])
                i += size
                break
        else:
            units.append(latin[i])
            i += 1
    letters = _collapse("".join(units))
    # The iotation glide before e is written by some standards only (ye/e, aye/ae).
    out: list[str] = []
    for j, char in enumerate(letters):
        after = letters[j + 1] if j + 1 < len(letters) else ""
        if char == "i" and after == "e" and (j == 0 or letters[j - 1] in _VOWELS):
            continue
        out.append(char)
    return _collapse("".join(out))


def _collapse(text: str) -> str:
    """Doubled letters written once (Abdullaev/Abdulaev, Iurii/Yuri)."""
    out: list[str] = []
    for char in text:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=131072)
def blocking_key(word: str) -> str:
    """Blocking key of one name word: consonant skeleton after the first letter."""
    return blocking_key_of_spelling(spelling_key(word))


@lru_cache(maxsize=1 << 20)
def blocking_key_of_spelling(spelling: str) -> str:
    if not spelling:
        return ""
    # Initial h is written or dropped (Harutyunyan/Арутюнян, Hasan/Асан).
    if spelling[0] == "h" and len(spelling) > 1 and spelling[1] in _VOWELS:
        spelling = spelling[1:]
    starts_open = spelling[0] in _VOWELS
    out: list[str] = ["a" if starts_open else ""]
    i = 1 if starts_open else 0
    while i < len(spelling):
        pair = spelling[i : i + 2]
        if pair in _BLOCKING_UNITS:
            out.append(_BLOCKING_UNITS[pair])
            i += 2
            continue
        char = spelling[i]
        if char not in _VOWELS:
            out.append(_BLOCKING_UNITS.get(char, char))
        i += 1
    return _collapse("".join(out))


def loose_blocking_key(spelling: str) -> str:
    """The blocking key of a spelling key with х joined to г/к and an initial г
    dropped like an initial h: Russian writes г for the h of Turkic and Armenian names
    (Гусейнов/Hüseynov, Ибрагимов/İbrahimov, Оганесян/Hovhannisyan)."""
    # к and г share a class, so an initial к goes too (Kasimov, Gasimov, Qasımov).
    if spelling[:1] in ("g", "k") and spelling[1:2] in _VOWELS:
        spelling = spelling[1:]
    return _collapse(blocking_key_of_spelling(spelling).replace("x", "g"))


def name_keys(text: str) -> str:
    """Blocking keys of every word of a name, in the order entered, space-separated."""
    return " ".join(blocking_key(w) for w in to_latin(text).split())
