from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from interagency import i18n

SOURCE = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]")


def extracted_messages() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SOURCE), method_map, options, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def russian_catalog() -> dict[str, str | tuple[str, ...]]:
    with i18n.catalog_path("ru").open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalog if m.id}


def test_every_message_in_the_code_has_a_russian_translation() -> None:
    catalog = russian_catalog()
    messages = extracted_messages()
    assert len(messages) > 30
    untranslated = sorted(
        m
        for m in messages
        if not catalog.get(m)
        or not all(catalog[m] if isinstance(catalog[m], tuple) else [catalog[m]])
    )
    assert untranslated == [], "run `make messages` and translate these"


def test_translations_keep_every_placeholder() -> None:
    for source, translation in russian_catalog().items():
        forms = translation if isinstance(translation, tuple) else (translation,)
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(source)), source


def test_gettext_follows_the_current_language() -> None:
    with i18n.language("ru"):
        assert i18n.gettext("Access denied") == "Доступ запрещён"
    with i18n.language("en"):
        assert i18n.gettext("Access denied") == "Access denied"


def test_russian_plural_forms() -> None:
    singular, plural = (
        "%(num)d state takes part in the council.",
        "%(num)d states take part in the council.",
    )
    with i18n.language("ru"):
        assert (
            i18n.ngettext(singular, plural, 1) % {"num": 1} == "1 государство участвует в Совете."
        )
        assert (
            i18n.ngettext(singular, plural, 3) % {"num": 3} == "3 государства участвуют в Совете."
        )
        assert (
            i18n.ngettext(singular, plural, 11) % {"num": 11} == "11 государств участвуют в Совете."
        )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "ru"),
        ("", "ru"),
        ("en-US,en;q=0.9", "en"),
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("kk-KZ,en;q=0.5,ru;q=0.7", "ru"),
        ("de-DE,fr;q=0.8", "ru"),
        ("en;q=0.2,ru;q=0.1", "en"),
        ("*", "ru"),
        ("en;q=abc, ru", "ru"),
    ],
)
def test_language_negotiation(header: str | None, expected: str) -> None:
    assert i18n.negotiate(header, default="ru") == expected
