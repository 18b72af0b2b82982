"""Russian and English: message catalogs, the current language, and negotiation.

The catalogs are Babel `.po` files read at start-up, so no compiled binary is kept in the
repository. The current language lives in a context variable set once per request or
command; `gettext` reads it, so services, templates and error handlers speak alike.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("ru", "en")
SOURCE_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"

_current_language: ContextVar[str] = ContextVar("interagency_language", default="ru")


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: str) -> stdlib_gettext.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return stdlib_gettext.NullTranslations()
    with catalog_path(language).open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return stdlib_gettext.GNUTranslations(buffer)


def current_language() -> str:
    return _current_language.get()


@contextmanager
def language(code: str) -> Iterator[None]:
    token = _current_language.set(code if code in LANGUAGES else LANGUAGES[0])
    try:
        yield
    finally:
        _current_language.reset(token)


def set_language(code: str) -> None:
    _current_language.set(code if code in LANGUAGES else LANGUAGES[0])


def gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


_ = gettext


def lazy(message: str) -> str:
    """Marks a message for extraction where it must be translated later, at display time."""
    return message


def negotiate(accept_language: str | None, default: str) -> str:
    """The best supported language for an Accept-Language header."""
    if not accept_language:
        return default
    preferred: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        preferred.append((quality, tag.strip().replace("-", "_")))
    preferred.sort(key=lambda item: item[0], reverse=True)
    for _quality, tag in preferred:
        try:
            base = Locale.parse(tag).language if tag != "*" else default
        except (ValueError, UnknownLocaleError):
            continue
        if base in LANGUAGES:
            return base
    return default
