"""Normalising the non-name fields of a person record: dates, documents, sex, country."""

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


def normalise_document(value: str) -> str:
    """Document number as upper-case letters and digits (spaces, dashes, look-alikes)."""
    text = unicodedata.normalize("NFKC", value).upper().translate(_DOCUMENT_LOOKALIKES)
    return "".join(c for c in text if c.isascii() and c.isalnum())


def normalise_sex(value: str) -> str:
    """ "M", "F" or "" when unknown."""
    return _SEX.get(value.strip().lower(), "")


def normalise_country(value: str) -> str:
    """ISO 3166 alpha-3 code in upper case, "" when empty."""
    return value.strip().upper()
