"""Split a personal name into given name, patronymic and surname.

Records arrive as «Абдуллаев Мухаммад Ахмедович», "Muhammad Abdullaev",
"ABDULLAEV, Mukhammad", "Abdullayev Məhəmməd Əhməd oğlu" or "Abdullaev M.A.". The
order is read from the words themselves: a comma puts the surname first, patronymics
are recognised by their endings or by a Turkic marker after the father's name, and
surnames and given names by their typical endings and a list of common given names.
The parts are kept exactly as entered; keys are derived from them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

from interagency.matching.names.groups import known_given_names
from interagency.matching.names.keys import spelling_key
from interagency.matching.names.scripts import detect_script
from interagency.matching.names.standards import read_table

Gender = Literal["m", "f", ""]

_INITIALS: Final = re.compile(r"^(?:\w\.?){1,3}$")


@dataclass(frozen=True, slots=True)
class NameParts:
    """A name split into its parts, each as entered ("" when absent)."""

    given: str = ""
    patronymic: str = ""
    surname: str = ""
    # Gender shown by the patronymic or its marker (-ovich/oğlu m, -ovna/qızı f).
    patronymic_gender: Gender = ""

    @property
    def is_empty(self) -> bool:
        return not (self.given or self.patronymic or self.surname)


@dataclass(frozen=True, slots=True)
class _Affixes:
    surname: tuple[str, ...]
    surname_weak: tuple[str, ...]
    patronymic_male: tuple[str, ...]
    patronymic_female: tuple[str, ...]
    marker_male: frozenset[str]
    marker_female: frozenset[str]


@lru_cache(maxsize=1)
def affixes() -> _Affixes:
    kinds: dict[str, list[str]] = {}
    for kind, affix in read_table("name-affixes.tsv"):
        kinds.setdefault(kind, []).append(affix)

    def endings(kind: str) -> tuple[str, ...]:
        keys = {_ending_key(a) for a in kinds.get(kind, [])}
        return tuple(sorted(keys, key=len, reverse=True))

    return _Affixes(
        surname=endings("surname"),
        surname_weak=endings("surname_weak"),
        patronymic_male=endings("patronymic_male"),
        patronymic_female=endings("patronymic_female"),
        marker_male=frozenset(spelling_key(a) for a in kinds["marker_male"]),
        marker_female=frozenset(spelling_key(a) for a in kinds["marker_female"]),
    )


def _ending_key(affix: str) -> str:
    # Endings are matched on spelling keys of whole words; a leading consonant keeps
    # "ov" from being read as the start of a word (ye/e, doubled letters).
    return spelling_key("b" + affix)[1:]


# Word-level answers are cached: names are mostly unique, their words are not, and
# a million-record table asks about the same few hundred thousand words again and again.
_WORD_CACHE: Final = 1 << 20


@lru_cache(maxsize=_WORD_CACHE)
def marker_gender(word: str) -> Gender:
    """ "m" or "f" when `word` is a Turkic patronymic marker (oğlu, qızı, ұлы...)."""
    key = spelling_key(word)
    found = affixes()
    if key in found.marker_male:
        return "m"
    if key in found.marker_female:
        return "f"
    return ""


@lru_cache(maxsize=_WORD_CACHE)
def patronymic_suffix(word: str) -> tuple[str, Gender]:
    """The patronymic ending of `word` (in spelling-key form) and its gender."""
    key = spelling_key(word)
    found = affixes()
    by_gender: tuple[tuple[Gender, tuple[str, ...]], ...] = (
        ("m", found.patronymic_male),
        ("f", found.patronymic_female),
    )
    for gender, endings in by_gender:
        for ending in endings:
            if key.endswith(ending) and len(key) >= len(ending) + 3:
                return ending, gender
    markers: tuple[tuple[Gender, frozenset[str]], ...] = (
        ("m", found.marker_male),
        ("f", found.marker_female),
    )
    for gender, joined in markers:
        # Longest first, so that Kyrgyz uulu wins over ulu whatever the set order.
        for marker in sorted(joined, key=lambda m: (-len(m), m)):
            # Kazakh and Kyrgyz write the marker joined to the father's name (Нурланұлы).
            if len(marker) >= 3 and key.endswith(marker) and len(key) >= len(marker) + 3:
                return marker, gender
    return "", ""


@lru_cache(maxsize=_WORD_CACHE)
def surname_score(word: str, given_hints: frozenset[str] = frozenset()) -> int:
    """Positive for words that look like surnames, negative for given names.

    `given_hints` are spelling keys seen as given names elsewhere in the same data.
    """
    key = spelling_key(word)
    score = 0
    found = affixes()
    if any(key.endswith(e) and len(key) >= len(e) + 2 for e in found.surname):
        # A strong ending outweighs the name lists, which also hold surname groups
        # (Hasanov) and may learn a surname from a misparsed record.
        return 2
    if any(key.endswith(e) and len(key) >= len(e) + 2 for e in found.surname_weak):
        score += 1
    if key in known_given_names() or key in given_hints:
        score -= 3
    return score


@lru_cache(maxsize=262144)
def parse_name(full_name: str, given_hints: frozenset[str] = frozenset()) -> NameParts:
    """Split a whole name written in any supported script and order.

    `given_hints` (spelling keys) adds given names learnt from the rest of the data
    to the built-in list, for names whose order their endings do not settle.
    """
    text = unicodedata.normalize("NFC", full_name).strip()
    if not text:
        return NameParts()
    surname_first = ""
    if "," in text:
        surname_first, text = (part.strip() for part in text.split(",", 1))
    patronymic, gender, rest = _take_patronymic(_words(text))
    if surname_first:
        if not patronymic and len(rest) > 1:
            patronymic = " ".join(rest[1:])
        return NameParts(" ".join(rest[:1]), patronymic, surname_first, gender)
    return _assign(rest, patronymic, gender, full_name, given_hints)


def name_from_parts(given: str, patronymic: str, surname: str) -> NameParts:
    """Parts from separate columns; the patronymic's gender is read from its form."""
    patronymic = unicodedata.normalize("NFC", patronymic).strip()
    gender: Gender = ""
    for word in reversed(_words(patronymic)):
        gender = marker_gender(word) or patronymic_suffix(word)[1]
        if gender:
            break
    return NameParts(
        unicodedata.normalize("NFC", given).strip(),
        patronymic,
        unicodedata.normalize("NFC", surname).strip(),
        gender,
    )


def _words(text: str) -> list[str]:
    words: list[str] = []
    for word in text.split():
        # Abdullaev M.A. -> initials M and A.
        if _INITIALS.match(word) and "." in word:
            words.extend(p for p in word.split(".") if p)
            continue
        # Ahmed-ogly: a hyphen before a marker separates it; Ter-Petrosyan stays whole.
        head, _, tail = word.rpartition("-")
        if head and marker_gender(tail):
            words.extend([head, tail])
            continue
        words.append(word)
    return words


def is_confident(parts: NameParts, full_name: str) -> bool:
    """Whether the split rests on more than word order: a comma, a recognised
    patronymic, or a surname with a typical ending and a given name without one."""
    if "," in full_name or parts.patronymic_gender:
        return True
    if not parts.given or not parts.surname:
        return False
    return surname_score(parts.surname) >= 2 and surname_score(parts.given) <= 0


def _take_patronymic(words: list[str]) -> tuple[str, Gender, list[str]]:
    """Remove the patronymic; returns (patronymic, its gender, remaining words)."""
    for i, word in enumerate(words):
        gender = marker_gender(word)
        if gender and i > 0:
            return f"{words[i - 1]} {word}", gender, words[: i - 1] + words[i + 1 :]
    if len(words) > 1:
        for i, word in enumerate(words):
            _, gender = patronymic_suffix(word)
            if gender:
                return word, gender, words[:i] + words[i + 1 :]
    return "", "", words


def _has_joined_marker(word: str) -> bool:
    ending, _ = patronymic_suffix(word)
    found = affixes()
    return ending in found.marker_male or ending in found.marker_female


def _assign(
    words: list[str], patronymic: str, gender: Gender, entered: str, hints: frozenset[str]
) -> NameParts:
    if not words:
        return NameParts("", patronymic, "", gender)
    if len(words) == 1 and _has_joined_marker(patronymic):
        # Kazakh and Kyrgyz surnames are often the father's name with the marker
        # joined (Нурлан Ержанұлы): with no other surname, that word is the surname.
        return NameParts(words[0], "", patronymic, gender)
    if len(words) == 1:
        word = words[0]
        if surname_score(word, hints) < 0 or len(word) == 1:
            return NameParts(word, patronymic, "", gender)
        return NameParts("", patronymic, word, gender)
    initials = [w for w in words if len(w) == 1]
    full = [w for w in words if len(w) > 1]
    if initials and len(full) == 1:
        return NameParts(initials[0], patronymic or " ".join(initials[1:]), full[0], gender)
    scores = [surname_score(w, hints) for w in words]
    best = max(range(len(words)), key=lambda i: (scores[i], -i if _native(entered) else i))
    if scores.count(scores[best]) > 1:
        # No word stands out: native-script records put the surname first,
        # Latin-script ones usually last ("Muhammad Abdullaev").
        best = 0 if _native(entered) else len(words) - 1
    others = [w for i, w in enumerate(words) if i != best]
    given = others[0]
    if not patronymic and len(others) > 1:
        patronymic = " ".join(others[1:])
    return NameParts(given, patronymic, words[best], gender)


def _native(text: str) -> bool:
    return detect_script(text) in ("Cyrl", "Armn", "Geor")
