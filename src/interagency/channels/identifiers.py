"""How an identifier written locally resolves to one key, whichever agency wrote it.

Each agency writes phones, plates and document numbers in its own habits and script: a
Russian officer types a Kazakh plate with Cyrillic letters that look Latin, a Kazakh one
writes a phone with the trunk prefix 8, an Azerbaijani one with 00 and the country code.
Two reports share an identifier only if their keys are equal, so every rule here is a
fold that maps such writings of one thing together, and refuses (None) what cannot be
read rather than guessing. Pure functions: the only data they use is `reference`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Final

import phonenumbers

from interagency.channels import reference

# Cyrillic letters that officers type for the Latin letters plates and documents carry:
# the twelve of Russian plates (ГОСТ Р 50577), and the Ukrainian/Belarusian/Kazakh "І".
LOOK_ALIKES: Final[Mapping[str, str]] = {
    **dict(zip("АВЕКМНОРСТУХІ", "ABEKMHOPCTYXI", strict=True)),
    **dict(zip("авекмнорстухі", "ABEKMHOPCTYXI", strict=True)),
}

# --- Phones -------------------------------------------------------------------------------

# What a written phone may hold besides digits. Letters are refused although
# `phonenumbers` reads "8-800-FLOWERS": in a report they mean a note or another column's
# value typed into the phone column, not a vanity number.
_PHONE_CHARACTERS: Final = re.compile(r"[0-9+()\-./\s]+")


# Reports repeat the phones of a channel, and linking reads them again: parsing is the
# costly part of reading a file, so recent answers are kept.
@lru_cache(maxsize=1 << 17)
def phone_key(raw: str, agency: str) -> str | None:
    """The phone in E.164 ("+77011234567"), read as the reporting agency's state dials.

    A number without "+" or "00" is national: the agency's region decides its country
    code and trunk prefix (8 in Russia and Kazakhstan, 0 in Azerbaijan and Georgia).
    "00" is read as "+" in every region, although Russia and Kazakhstan dial "8 10"
    abroad (which is read too): it is how foreign numbers are written in reports.
    None when the text is not a phone or not a possible full number (too short, too long,
    or only dialable inside its area)."""
    text = raw.strip()
    if not text or _PHONE_CHARACTERS.fullmatch(text) is None:
        return None
    compact = re.sub(r"[^0-9+]", "", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if "+" in compact[1:]:
        return None
    region = reference.alpha2_of(agency)
    try:
        number = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return None
    if (
        phonenumbers.is_possible_number_with_reason(number)
        != phonenumbers.ValidationResult.IS_POSSIBLE
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- Registration plates ------------------------------------------------------------------

# Written between the parts of a plate; they carry nothing.
_PLATE_SEPARATORS: Final = frozenset("-‐‑‒–—.|")


def _plate_tokens(raw: str) -> list[str] | None:
    """The plate's parts as written (split at separators), folded to upper-case Latin.

    None when a character is neither a separator, a Latin letter, a look-alike nor an
    ASCII digit: such a plate cannot be compared with another state's writing of it."""
    tokens: list[str] = []
    current: list[str] = []
    for char in unicodedata.normalize("NFC", raw):
        if char.isspace() or char in _PLATE_SEPARATORS:
            if current:
                tokens.append("".join(current))
                current = []
        elif char.isascii() and char.isalnum():
            current.append(char.upper())
        elif char in LOOK_ALIKES:
            current.append(LOOK_ALIKES[char])
        else:
            return None
    if current:
        tokens.append("".join(current))
    return tokens


@cache
def _format_patterns() -> Mapping[str, re.Pattern[str]]:
    """Each state's plate formats as one pattern ("L" a letter, "9" a digit)."""
    patterns: dict[str, re.Pattern[str]] = {}
    for state, templates in reference.plate_formats().items():
        alternatives = (
            "".join("[A-Z]" if part == "L" else "[0-9]" for part in template)
            for template in templates
        )
        patterns[state] = re.compile("|".join(f"(?:{alt})" for alt in alternatives))
    return patterns


def _is_plate_of(body: str, state: str) -> bool:
    pattern = _format_patterns().get(state)
    return pattern is not None and pattern.fullmatch(body) is not None


def _is_plate_of_any_state(body: str) -> bool:
    return any(pattern.fullmatch(body) for pattern in _format_patterns().values())


def _without_country_mark(tokens: list[str], country: str) -> str:
    """The plate with a country mark written before or after it taken off.

    A mark ("RUS", "KZ", "UZ"...) is taken off when what is left is a plate of the mark's
    state, glued or not ("KZ123ABC02" -> "123ABC02"); or when it was written apart from
    the rest and the rest holds a digit ("123D456 RUS" -> "123D456"). A string that is
    already a plate as written loses a mark only if both hold (the mark written apart and
    the rest a plate of its state): the Georgian "AZ-123-BC" keeps its "AZ". These rules
    read the writing, not who wrote it, so one car gives one key whichever state reports
    it; `country` (alpha-3) only orders two readings that both hold, its own first."""
    body = "".join(tokens)
    whole_is_plate = _is_plate_of_any_state(body)
    readings: list[tuple[bool, bool, int, str]] = []  # sort keys, then the rest
    for mark, state in reference.plate_marks().items():
        sides: list[tuple[str, bool]] = []
        if body.startswith(mark):
            sides.append((body[len(mark) :], tokens[0] == mark))
        if body.endswith(mark):
            sides.append((body[: -len(mark)], tokens[-1] == mark))
        for rest, written_apart in sides:
            rest_is_plate = _is_plate_of(rest, state)
            if whole_is_plate:
                holds = rest_is_plate and written_apart
            else:
                holds = rest_is_plate or (written_apart and any(c.isdigit() for c in rest))
            if holds:
                # A plate of its state first, then the hint's state, then the longer rest
                # ("RUS" taken off rather than "RU" leaving "...S").
                readings.append((not rest_is_plate, state != country, -len(rest), rest))
    if not readings:
        return body
    return min(readings)[3]


@lru_cache(maxsize=1 << 16)  # a channel's vehicles recur from report to report
def plate_key(raw: str, country: str) -> str | None:
    """A registration plate folded so that one vehicle written by two states gives one key.

    Upper case; spaces, hyphens, dots and "|" removed; Cyrillic look-alike letters folded
    to Latin ("А123ВС 77" and "a123bc-77" are "A123BC77"); a country mark before or after
    the plate taken off (see `_without_country_mark`). The key carries no country: a car
    of Uzbekistan reported by Kazakhstan and by Uzbekistan gives one key. `country`, the
    alpha-3 of the state that registered or reported the car, only breaks ties.
    None when nothing is left, or when a character is neither Latin, a look-alike, an
    ASCII digit nor a separator (a plate with "Б" was transliterated from something else
    and cannot be matched reliably)."""
    tokens = _plate_tokens(raw)
    if not tokens:
        return None
    key = _without_country_mark(tokens, country)
    return key or None


# --- Documents and money transfers --------------------------------------------------------


_FOLD_LOOK_ALIKES: Final = str.maketrans(dict(LOOK_ALIKES))
_NOT_ASCII_ALPHANUMERIC: Final = re.compile(r"[^0-9A-Za-z]+")


def _folded_alphanumerics(raw: str) -> str:
    """Letters (look-alikes folded, upper case) and digits (as ASCII) of `raw`, in order.

    Everything else ("№", spaces, hyphens, slashes) is a separator and dropped."""
    text = unicodedata.normalize("NFC", raw).translate(_FOLD_LOOK_ALIKES)
    if text.isascii():  # the common case, read without a loop over characters
        return _NOT_ASCII_ALPHANUMERIC.sub("", text).upper()
    kept: list[str] = []
    for char in text:
        if char in LOOK_ALIKES:
            kept.append(LOOK_ALIKES[char])
        elif char.isdecimal():
            kept.append(str(unicodedata.decimal(char)))
        elif char.isalpha():
            kept.append(char.upper())
    return "".join(kept)


def document_key(raw: str) -> str | None:
    """A document number or series mark normalised: "АВ № 123-45-67" -> "AB1234567".

    Letters of any script are kept (a Cyrillic series such as "ІІ-АГ" stays readable),
    Cyrillic look-alikes folded to Latin so that both writings of a Latin series meet.
    None when neither a letter nor a digit is left."""
    return _folded_alphanumerics(raw) or None


# Forged documents of one batch share their letters and all but the last digits of their
# numbers: the forger changes the last two digits from one copy to the next. A number
# needs at least this many digits for its first ones to say anything about a batch.
SERIES_MIN_DIGITS: Final = 6
SERIES_VARYING_DIGITS: Final = 2


def document_series(raw: str) -> str | None:
    """The series a forged document shares with the others of its batch.

    The rule: take the document's key (`document_key`); its letters in order, then its
    digits in order without the last two. "AB 1234567" -> "AB12345"; "45 12 345678" ->
    "45123456". Only when the digits number at least six: shorter numbers would put
    unrelated documents in one series. None otherwise."""
    key = document_key(raw)
    if key is None:
        return None
    digits = "".join(char for char in key if char.isdigit())
    if len(digits) < SERIES_MIN_DIGITS:
        return None
    letters = "".join(char for char in key if not char.isdigit())
    return letters + digits[:-SERIES_VARYING_DIGITS]


def transfer_key(raw: str) -> str | None:
    """A money-transfer reference (a control number such as an MTCN) as upper-case
    Latin letters and digits, separators dropped, look-alikes folded.

    None when nothing is left or a letter is not Latin: references are issued in Latin
    letters, so any other letter is a typing error that would silently never match."""
    key = _folded_alphanumerics(raw)
    if not key or not key.isascii():
        return None
    return key
