"""Transliteration standards, read from the data tables in `data/`.

Each standard turns a word of one native script into Latin (or, for the Russian
rendering of Armenian names, into Cyrillic) with the letter values and contextual
rules of its published table. The tables are data; this module only applies them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final, Literal, cast, get_args

from interagency.matching.names.scripts import Script

Context = Literal["*", "^", "V_", "_F", "V_V", "$"]
_CONTEXTS: Final = frozenset(get_args(Context))

# Vowels and the letters after which BGN/PCGN-style rules treat е as iotated.
_VOWELS: Final = frozenset("аеёиоуыэюяіїєәөүұӯӣաեէըիոօաիუაეიოუ")
_SOFTENERS: Final = frozenset("йъь")
_FRONT_VOWELS: Final = frozenset("еёийыэюяі")


@dataclass(frozen=True, slots=True)
class Standard:
    """One published transliteration standard."""

    code: str
    script: Script
    title: str
    table: str


STANDARDS: Final[dict[str, Standard]] = {
    s.code: s
    for s in (
        Standard("icao", "Cyrl", "ICAO Doc 9303 (machine-readable passports)", "cyrl-icao"),
        Standard("bgn", "Cyrl", "BGN/PCGN 1947 (Russian)", "cyrl-bgn"),
        Standard("gost-b", "Cyrl", "GOST 7.79-2000 system B", "cyrl-gost-b"),
        Standard("iso9", "Cyrl", "ISO 9:1995", "cyrl-iso9"),
        Standard("de", "Cyrl", "German (Duden) transcription", "cyrl-de"),
        Standard("fr", "Cyrl", "French transcription", "cyrl-fr"),
        Standard("uz", "Cyrl", "Uzbek Latin alphabet", "cyrl-uz"),
        Standard("az", "Cyrl", "Azerbaijani Latin alphabet", "cyrl-az"),
        Standard("kk", "Cyrl", "Kazakh Latin alphabet (2021)", "cyrl-kk"),
        Standard("tk", "Cyrl", "Turkmen Latin alphabet", "cyrl-tk"),
        Standard("canonical-cyrl", "Cyrl", "project canonical ASCII", "cyrl-canonical"),
        Standard("hy-bgn", "Armn", "BGN/PCGN 1981 (Armenian)", "armn-bgn"),
        Standard("hy-iso", "Armn", "ISO 9985:1996", "armn-iso9985"),
        Standard("hy-ru", "Armn", "Russian rendering of Armenian names", "armn-ru"),
        Standard("canonical-armn", "Armn", "project canonical ASCII", "armn-canonical"),
        Standard("ka-national", "Geor", "Georgian national 2002 = BGN/PCGN 2009", "geor-national"),
        Standard("ka-iso", "Geor", "ISO 9984:1996", "geor-iso9984"),
        Standard("canonical-geor", "Geor", "project canonical ASCII", "geor-canonical"),
    )
}

CANONICAL_STANDARD: Final[dict[Script, str]] = {
    "Cyrl": "canonical-cyrl",
    "Armn": "canonical-armn",
    "Geor": "canonical-geor",
}


@dataclass(frozen=True, slots=True)
class _Rule:
    target: str
    context: Context


def read_table(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file, comments and blank lines skipped."""
    text = resources.files("interagency.matching.names").joinpath("data").joinpath(name)
    rows = []
    for line in text.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([unicodedata.normalize("NFC", cell) for cell in line.split("\t")])
    return rows


class Transliterator:
    """Applies one table: longest source sequence first, then the first rule whose
    context holds."""

    def __init__(self, rows: list[list[str]]) -> None:
        self._rules: dict[str, list[_Rule]] = {}
        for row in rows:
            source, target = row[0], row[1] if len(row) > 1 else ""
            context = row[2] if len(row) > 2 else "*"
            if context not in _CONTEXTS:
                raise ValueError(f"unknown context {context!r} for {source!r}")
            self._rules.setdefault(source, []).append(_Rule(target, cast(Context, context)))
        self._longest = max(len(s) for s in self._rules)

    def word(self, word: str) -> str:
        lower = word.lower()
        out: list[str] = []
        capital_pending = False  # a capital letter romanised to nothing (initial Armenian հ)
        i = 0
        while i < len(lower):
            for size in range(min(self._longest, len(lower) - i), 0, -1):
                source = lower[i : i + size]
                rules = self._rules.get(source)
                if rules is None:
                    continue
                rule = next((r for r in rules if _holds(r.context, lower, i, size)), None)
                if rule is None:
                    continue
                piece = _with_case(rule.target, word[i : i + size])
                if capital_pending and piece:
                    piece = piece[:1].upper() + piece[1:]
                    capital_pending = False
                elif not piece and word[i].isupper():
                    capital_pending = True
                out.append(piece)
                i += size
                break
            else:
                out.append(word[i])  # not in this script's table: keep as entered
                i += 1
        return "".join(out)

    def text(self, text: str) -> str:
        """Transliterate word by word, keeping spaces, hyphens and commas as entered."""
        out: list[str] = []
        word: list[str] = []
        for char in text:
            if char.isalpha():
                word.append(char)
                continue
            if word:
                out.append(self.word("".join(word)))
                word = []
            out.append(char)
        if word:
            out.append(self.word("".join(word)))
        return "".join(out)


def _holds(context: Context, word: str, start: int, size: int) -> bool:
    before = word[start - 1] if start > 0 else ""
    after = word[start + size] if start + size < len(word) else ""
    if context == "*":
        return True
    if context == "^":
        return start == 0
    if context == "$":
        return after == ""
    if context == "V_":
        return before != "" and (before in _VOWELS or before in _SOFTENERS)
    if context == "_F":
        return after in _FRONT_VOWELS and after != ""
    # V_V
    return before in _VOWELS and after in _VOWELS and before != "" and after != ""


def _with_case(target: str, source: str) -> str:
    if not source[:1].isupper():
        return target
    if len(source) > 1 and source.isupper():
        return target.upper()
    return target[:1].upper() + target[1:]


@cache
def transliterator(code: str) -> Transliterator:
    return Transliterator(read_table(f"translit-{STANDARDS[code].table}.tsv"))


def transliterate(text: str, standard: str) -> str:
    """`text` written under `standard` (a key of STANDARDS); letters of other scripts
    are kept as entered."""
    if standard not in STANDARDS:
        raise KeyError(f"unknown transliteration standard {standard!r}")
    return transliterator(standard).text(unicodedata.normalize("NFC", text))
