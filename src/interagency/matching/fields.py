"""Normalising the non-name fields of a person record: dates, documents, sex, country,
and recognising the placeholders that registries write where they know no value.

A placeholder is read as "missing", never as a value: two records that both carry
`1900-01-01` or passport `000000` are not the same person for that reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final

_ISO_DATE: Final = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DOTTED_DATE: Final = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_COMPACT_DATE: Final = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR: Final = re.compile(r"^(\d{4})$")
# No one alive was born before this year; earlier years are system defaults (0001-01-01,
# 1800-01-01, 1899-12-30 of spreadsheets) or typing slips.
FIRST_BIRTH_YEAR: Final = 1900
# Dates that systems write for "unknown": spreadsheet and database epochs. Unix time 0
# (1970-01-01) is somebody's birthday too: only a file's habit of 1 January says more.
_PLACEHOLDER_DATES: Final = frozenset({(1900, 1, 1), (1901, 1, 1)})
IN_THE_FUTURE: Final = "in the future"
# Words registries write instead of a value, compared in lower case without a final dot
# (N.A.); FNU
# and LNU ("first/last name unknown") are the United States' and ICAO practice.
MISSING_WORDS: Final = frozenset({
    "-", "--", "---", "—", "?", "??", "???", "x", "xx", "xxx", "n/a", "na", "n.a", "none",
    "null", "nil", "nan", "unknown", "unk", "not known", "not stated", "fnu", "lnu", "nfn",
    "нет", "неизв", "неизвестно", "не известно", "н/д", "нд", "нет данных", "не указано",
})  # fmt: skip
# The same for names, without the words that are also names somewhere (Nil, Nan, Na).
_UNKNOWN_NAME_WORDS: Final = MISSING_WORDS - {"na", "nil", "nan", "x", "xx"}
# Document numbers that stand for "none": a run of one character, or counting.
_COUNTING: Final = "0123456789"
_MIN_DOCUMENT: Final = 4

# Cyrillic capitals that look like Latin ones; officers key them into passport numbers.
_DOCUMENT_LOOKALIKES: Final = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")

_SEX: Final[dict[str, str]] = {
    "m": "M", "male": "M", "м": "M", "муж": "M", "мужской": "M", "1": "M",
    "f": "F", "female": "F", "ж": "F", "жен": "F", "женский": "F", "2": "F",
    "w": "F",
}  # fmt: skip


class FieldError(ValueError):
    """A value that cannot be read; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A birth date of which the month and day may be unknown."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str | None:
        """YYYY-MM-DD when the date is complete."""
        if self.month is None or self.day is None:
            return None
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def parse_birth_date(value: str) -> PartialDate | None:
    """Read YYYY-MM-DD, DD.MM.YYYY, YYYYMMDD or YYYY; None for an empty value.

    Raises FieldError for anything else, including impossible dates (31.02.1980).
    """
    text = value.strip()
    if not text:
        return None
    if match := _ISO_DATE.match(text) or _COMPACT_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DOTTED_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _YEAR.match(text):
        return PartialDate(int(match.group(1)))
    else:
        raise FieldError(f"not a date (YYYY-MM-DD, DD.MM.YYYY, YYYYMMDD or YYYY): {value!r}")
    # Some registries write unknown month and day as zeros (1980-00-00).
    if month == 0 and day == 0:
        return PartialDate(year)
    try:
        date(year, month, day)
    except ValueError as error:
        raise FieldError(f"impossible date {value!r}: {error}") from None
    return PartialDate(year, month, day)


def is_missing_word(value: str) -> bool:
    """True for an empty value or a word that registries write instead of one (N/A, FNU,
    неизвестно)."""
    text = " ".join(value.lower().split()).strip(".")
    return not text or text in MISSING_WORDS


def is_unknown_name_word(word: str) -> bool:
    """True for a word that says a name part is unknown (FNU, N/A, неизвестно)."""
    return word.strip().lower() in _UNKNOWN_NAME_WORDS


def usable_birth_date(birth: PartialDate | None, today: date | None = None) -> PartialDate | None:
    """The birth date to match on: None for a placeholder (`0000-00-00`, `1900-01-01`, a
    year before FIRST_BIRTH_YEAR, a date after `today`)."""
    if birth is None or placeholder_date_reason(birth, today):
        return None
    return birth


def placeholder_date_reason(birth: PartialDate, today: date | None = None) -> str:
    """Why a read birth date cannot be anyone's, or "" when it can."""
    today = today or date.today()
    if birth.year < FIRST_BIRTH_YEAR:
        return f"placeholder: year before {FIRST_BIRTH_YEAR}"
    if (birth.year, birth.month, birth.day) in _PLACEHOLDER_DATES:
        return "placeholder: a system's default date"
    if (birth.year, birth.month or 1, birth.day or 1) > (today.year, today.month, today.day):
        return IN_THE_FUTURE
    return ""


def is_placeholder_document(number: str) -> bool:
    """True for a normalised document number that stands for "none": shorter than four
    characters, one character repeated (000000, XXXXXX), or counting (123456789)."""
    if len(number) < _MIN_DOCUMENT or len(set(number)) == 1:
        return True
    return number in _COUNTING or number in _COUNTING[1:] + "0"


def normalise_document(value: str) -> str:
    """Document number as upper-case letters and digits (spaces, dashes, look-alikes)."""
    text = unicodedata.normalize("NFKC", value).upper().translate(_DOCUMENT_LOOKALIKES)
    return "".join(c for c in text if c.isascii() and c.isalnum())


def document_key(value: str) -> str:
    """The normalised number to match on: "" for a placeholder (N/A, 000000, 123456789)."""
    if is_missing_word(value):
        return ""
    number = normalise_document(value)
    return "" if is_placeholder_document(number) else number


def normalise_sex(value: str) -> str:
    """ "M", "F" or "" when unknown."""
    return _SEX.get(value.strip().lower(), "")


def normalise_country(value: str) -> str:
    """ISO 3166 alpha-3 code in upper case, "" when empty or XXX (ICAO's "unspecified")."""
    code = value.strip().upper()
    return "" if code == "XXX" or is_missing_word(code) else code
