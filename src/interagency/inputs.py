"""The one hygiene every text that comes in passes, the base of every request model, and
how a row is named in requests and answers.

Every text a person or a system sends (request models, page forms, query parameters,
upload rows, file names) is held to the same rules, defined here once:

- it is normalised to NFC, so that one word is stored, compared and searched one way;
- it holds no control character (C0, DEL, C1): a tab or a line break only in text of
  several lines (`Text`), where CRLF and CR become LF;
- it holds no bidirectional override, embedding or isolate (U+202A-U+202E,
  U+2066-U+2069): they make text display in another order than it is stored
  ("Invoice", U+202E, "txt.exe" shows as "Invoiceexe.txt");
- it holds no lone surrogate, which no database can store;
- a text that is not empty shows something: one made only of invisible characters is
  refused, and a required one (`min_length` of 1 or more) may not be blank either.

Zero-width joiners and non-joiners (U+200D, U+200C) are kept inside text: Persian, Dari
and Pashto write words with them ("می‌خواهم"), and emoji sequences use them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Final, Literal, get_args

from annotated_types import MinLen
from pydantic import BaseModel, Field, GetCoreSchemaHandler, ValidationInfo, field_validator
from pydantic_core import core_schema

from interagency.errors import InvalidInput
from interagency.i18n import gettext, lazy

# The left-to-right, right-to-left and Arabic letter marks (U+200E, U+200F, U+061C) are
# kept: right-to-left typists use them to place digits and punctuation next to words, and
# they change the side only of the neutral characters beside them, never the order of a
# run of letters as the overrides and isolates refused here do. They count as invisible.
_BIDI_CONTROLS: Final = "\u202a-\u202e\u2066-\u2069"
_C0_BUT_LINE_BREAKS: Final = "\x00-\x08\x0b\x0c\x0e-\x1f"
_LINE_BREAKS: Final = re.compile(r"\r\n?|[\u2028\u2029]")
# First character a text of one line may not hold, and one of several lines.
_NOT_IN_LINE: Final = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_CONTROLS}\ud800-\udfff]")
_NOT_IN_TEXT: Final = re.compile(f"[{_C0_BUT_LINE_BREAKS}\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff]")
# What draws nothing: white space and Unicode's default-ignorable code points
# (DerivedCoreProperties.txt: soft hyphen, joiners, zero-width space, word joiner, BOM,
# variation selectors, Hangul fillers, tags...).
_INVISIBLE: Final = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_VISIBLE: Final = re.compile(f"[^\\s{_INVISIBLE}]")
_INVISIBLE_NOT_SPACE: Final = re.compile(f"[{_INVISIBLE}]")
_PATH_SEPARATORS: Final = re.compile(r"[/\\]")

ONE_LINE = lazy("Write this on one line: remove the line break or tab at position {position}.")
CONTROL = lazy("Remove the control character {character} at position {position}.")
BIDI = lazy(
    "Remove the text-direction control {character} at position {position}: it makes text "
    "display in another order than it is written."
)
BROKEN = lazy("Remove the broken character {character} at position {position}.")
NOTHING_VISIBLE = lazy(
    "Write visible text here: spaces and invisible characters alone do not count."
)
PATH_IN_NAME = lazy(
    "Remove the {character} at position {position}: a file name may not contain slashes "
    "or backslashes."
)
NO_NAME = lazy("Give the file a name, not only dots.")


class Refused(ValueError):
    """A text the hygiene refuses. The message says what to fix, in the reader's language
    whenever it is shown (pydantic keeps the exception, and the web layer shows `str()`)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return gettext(self.message).format(**self.params)


def _refuse_at(value: str, index: int) -> Refused:
    char = value[index]
    place = {"character": f"U+{ord(char):04X}", "position": index + 1}
    if char in "\t\n\r\u2028\u2029":
        return Refused(ONE_LINE, **place)
    if re.match(f"[{_BIDI_CONTROLS}]", char):
        return Refused(BIDI, **place)
    if unicodedata.category(char) == "Cs":
        return Refused(BROKEN, **place)
    return Refused(CONTROL, **place)


def _shows_something(value: str) -> None:
    if value and not _VISIBLE.search(value) and _INVISIBLE_NOT_SPACE.search(value):
        raise Refused(NOTHING_VISIBLE)


def clean_line(value: str) -> str:
    """One line of text, NFC. Raises `Refused` (a ValueError) naming the first character
    to remove (positions count from 1, in the text as sent)."""
    if found := _NOT_IN_LINE.search(value):
        raise _refuse_at(value, found.start())
    _shows_something(value)
    return unicodedata.normalize("NFC", value)


def clean_text(value: str) -> str:
    """Text of several lines, NFC, every line break written LF; otherwise as `clean_line`."""
    if found := _NOT_IN_TEXT.search(value):
        raise _refuse_at(value, found.start())
    _shows_something(value)
    return unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", value))


def clean_file_name(value: str) -> str:
    """A file's name as a download may carry it: one line (`clean_line`) naming no folder."""
    name = clean_line(value)
    if found := _PATH_SEPARATORS.search(name):
        raise Refused(PATH_IN_NAME, character=found.group(), position=found.start() + 1)
    if name.strip(". ") == "":
        raise Refused(NO_NAME)
    return name


def checked_file_name(value: str) -> str:
    """`clean_file_name` for services: a refusal is an `InvalidInput` saying what to fix."""
    try:
        return clean_file_name(value)
    except Refused as refused:
        error = InvalidInput(refused.message)
        error.params = dict(refused.params)
        raise error from None


def require_visible(value: str) -> str:
    """A required text: something visible once blanks and invisible characters are gone."""
    if not _VISIBLE.search(value):
        raise Refused(NOTHING_VISIBLE)
    return value


def keep_secret(value: str) -> str:
    """Passwords are taken exactly as typed: normalising one would lock out whoever set it
    in another normal form, and a secret is hashed, never stored or shown."""
    return value


Kind = Literal["line", "text", "file", "secret"]
_CLEANERS: Final[Mapping[Kind, Callable[[str], str]]] = {
    "line": clean_line,
    "text": clean_text,
    "file": clean_file_name,
    "secret": keep_secret,
}
# Validation context of values read back from storage: they were checked when entered,
# and one kept before these rules existed is shown as it is rather than refused.
STORED: Final = {"stored": True}


def _is_stored(info: ValidationInfo) -> bool:
    return isinstance(info.context, Mapping) and bool(info.context.get("stored"))


@dataclass(frozen=True, slots=True)
class Hygiene:
    """Pydantic metadata: the text passes this module's rules for its kind."""

    kind: Kind

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        clean = _CLEANERS[self.kind]

        def validate(value: str, info: ValidationInfo) -> str:
            return value if _is_stored(info) else clean(value)

        return core_schema.with_info_after_validator_function(validate, handler(source))


# One line of text (names, subjects, codes, titles): the default of every text field.
Line = Annotated[str, Hygiene("line")]
# Text of several lines (bodies, reasons, notes, descriptions: what a <textarea> sends).
Text = Annotated[str, Hygiene("text")]
# The name of an uploaded file.
FileName = Annotated[str, Hygiene("file")]
# A password: see `keep_secret`.
Secret = Annotated[str, Hygiene("secret")]


def hygiene_of(annotation: Any, metadata: list[Any] | tuple[Any, ...] = ()) -> set[Kind]:
    """The kinds of hygiene an annotation (and a field's metadata) declares, at any depth
    (`Text | None`, `list[Line]`)."""
    kinds = {m.kind for m in metadata if isinstance(m, Hygiene)}
    kinds.update(m.kind for m in getattr(annotation, "__metadata__", ()) if isinstance(m, Hygiene))
    for inner in get_args(annotation):
        kinds |= hygiene_of(inner)
    return kinds


@cache
def _plan(model: type[BaseModel]) -> dict[str, tuple[bool, bool]]:
    """For each field: whether `Input` cleans it as one line (it declares no hygiene of
    its own), and whether it is required to show something (a `min_length` of 1 or more)."""
    plan = {}
    for name, field in model.model_fields.items():
        declared = hygiene_of(field.annotation, field.metadata)
        required = any(isinstance(m, MinLen) and m.min_length >= 1 for m in field.metadata)
        plan[name] = (not declared, required and "secret" not in declared)
    return plan


def _clean_all(value: object) -> object:
    """Every text inside a value (lists, dictionaries' keys and values) as one line; enums,
    numbers and nested models as they are (a nested `Input` cleans its own fields)."""
    if type(value) is str:
        return clean_line(value)
    if isinstance(value, list):
        return [_clean_all(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_clean_all(item) for item in value)
    if isinstance(value, dict):
        return {_clean_all(key): _clean_all(item) for key, item in value.items()}
    return value


class Input(BaseModel):
    """Every request model. Each text field passes the hygiene above: as one line unless
    it is declared `Text` (several lines), `FileName` or `Secret`; inside lists and
    dictionaries too."""

    @field_validator("*")
    @classmethod
    def _hygiene(cls, value: object, info: ValidationInfo) -> object:
        if _is_stored(info) or info.field_name is None:
            return value
        as_line, required = _plan(cls).get(info.field_name, (True, False))
        if as_line:
            value = _clean_all(value)
        if required and type(value) is str:
            require_visible(value)
        return value


# A row as the API names it: its random public id, never its integer key (`db.HasPublicId`).
PublicRef = Annotated[
    str,
    Field(
        min_length=26,
        max_length=26,
        pattern="^[a-z2-7]{26}$",
        description="A public id: 26 random characters, a-z and 2-7",
        examples=["k3v7q2m5x4t6w2y7z3a4b5c6d7"],
    ),
]
