"""The one hygiene of incoming text (`interagency.inputs`): what it refuses, where, and
what it keeps."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, Field, ValidationError

from interagency import i18n
from interagency.errors import InvalidInput
from interagency.inputs import (
    STORED,
    FileName,
    Input,
    Line,
    Refused,
    Secret,
    Text,
    checked_file_name,
    clean_file_name,
    clean_line,
    clean_text,
)

CONTROLS = [
    chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))
]
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
# Text of any script with no character the hygiene refuses.
allowed = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs"),
        blacklist_characters="\u2028\u2029" + "".join(BIDI),
    ),
    min_size=1,
)


def _refusal(clean: object, value: str) -> Refused:
    with pytest.raises(Refused) as refused:
        clean(value)  # type: ignore[operator]
    return refused.value


@pytest.mark.parametrize("clean", [clean_line, clean_text])
@pytest.mark.parametrize("char", CONTROLS + BIDI)
def test_control_and_direction_characters_are_refused_where_they_are(
    clean: object, char: str
) -> None:
    refused = _refusal(clean, f"Report{char} 42")
    assert refused.params == {"character": f"U+{ord(char):04X}", "position": 7}
    with i18n.language("en"):
        assert f"U+{ord(char):04X} at position 7" in str(refused)


def test_the_override_of_a_spoofed_file_name_is_named() -> None:
    refused = _refusal(clean_line, "Invoice\u202etxt.exe")
    with i18n.language("en"):
        assert str(refused) == (
            "Remove the text-direction control U+202E at position 8: it makes text display "
            "in another order than it is written."
        )


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\t", "\u2028", "\u2029"])
def test_one_line_takes_no_line_break_or_tab(brk: str) -> None:
    assert _refusal(clean_line, f"ab{brk}c").message.startswith("Write this on one line")


def test_text_takes_lines_and_tabs_and_writes_every_break_as_lf() -> None:
    assert clean_text("a\r\nb\rc\u2028d\u2029e\tf\ng") == "a\nb\nc\nd\ne\tf\ng"


def test_a_lone_surrogate_is_refused() -> None:
    # json.loads lets "\ud800" through; no database can store it.
    assert _refusal(clean_line, "ab\ud800").params == {"character": "U+D800", "position": 3}


@pytest.mark.parametrize("clean", [clean_line, clean_text])
@pytest.mark.parametrize("value", ["\u200b", "\u200c\u200d", " \u2060 ", "\ufeff\u00ad"])
def test_invisible_text_alone_is_refused(clean: object, value: str) -> None:
    assert _refusal(clean, value).message.startswith("Write visible text")


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_and_blank_are_left_to_the_field_s_own_rules(value: str) -> None:
    assert clean_line(value) == value


@pytest.mark.parametrize(
    "name",
    [
        "می\u200cخواهم",  # Persian: the non-joiner keeps the prefix apart
        "ශ්\u200dරී",  # Sinhala: the joiner makes the conjunct
        "\u200fمحمد\u200f 42",  # right-to-left marks around a name are kept
    ],
)
def test_joiners_and_marks_inside_text_are_kept(name: str) -> None:
    assert clean_line(name) == name
    assert clean_text(name) == name


@given(allowed)
def test_text_without_refused_characters_comes_back_as_nfc(value: str) -> None:
    text = "№" + value  # something visible, whatever else the text holds
    assert clean_line(text) == unicodedata.normalize("NFC", text)
    assert clean_line(clean_line(text)) == clean_line(text)


@given(allowed, st.sampled_from(CONTROLS + BIDI), st.integers(min_value=0))
def test_the_first_refused_character_is_named_at_its_position(
    value: str, char: str, where: int
) -> None:
    index = where % (len(value) + 1)
    refused = _refusal(clean_text, value[:index] + char + value[index:])
    assert refused.params["position"] == index + 1
    assert refused.params["character"] == f"U+{ord(char):04X}"


@pytest.mark.parametrize(
    ("name", "says"),
    [("../secret.pdf", "slashes"), ("a\\b.pdf", "slashes"), ("..", "dots"), (". .", "dots")],
)
def test_a_file_name_names_no_folder(name: str, says: str) -> None:
    assert says in _refusal(clean_file_name, name).message
    with pytest.raises(InvalidInput, match=says):
        checked_file_name(name)


def test_a_file_name_is_one_line_in_nfc() -> None:
    assert clean_file_name(unicodedata.normalize("NFD", "Отчёт.pdf")) == "Отчёт.pdf"
    assert "text-direction" in _refusal(clean_file_name, "Invoice\u202etxt.exe").message


class _Form(Input):
    title: str
    tags: list[str] = Field(default_factory=list)
    names: dict[str, str] = Field(default_factory=dict)
    body: Text = ""
    note: Text | None = None
    password: Secret = ""


class _Required(Input):
    subject: str = Field(min_length=1)
    optional: str = ""


class _Typed(BaseModel):
    line: Line = ""
    text: Text = ""
    file: FileName = "a.txt"
    secret: Secret = ""


def test_an_input_cleans_every_text_field_as_one_line_unless_declared() -> None:
    nfd = unicodedata.normalize("NFD", "Ёлка")
    form = _Form.model_validate(
        {"title": nfd, "tags": [nfd], "names": {nfd: nfd}, "body": "a\r\nb", "note": "c\rd"}
    )
    assert form.title == form.tags[0] == "Ёлка"
    assert form.names == {"Ёлка": "Ёлка"}
    assert (form.body, form.note) == ("a\nb", "c\nd")
    for field, value in [("title", "a\nb"), ("tags", ["a\x00"]), ("names", {"k": "\u202e"})]:
        with pytest.raises(ValidationError) as refused:
            _Form.model_validate({"title": "t", field: value})
        assert refused.value.errors()[0]["loc"][0] == field


def test_a_required_text_shows_something_and_an_optional_one_may_be_blank() -> None:
    with i18n.language("en"), pytest.raises(ValidationError, match="Write visible text"):
        _Required.model_validate({"subject": " \u200b "})
    assert _Required.model_validate({"subject": "x", "optional": "  "}).optional == "  "


def test_a_password_is_taken_as_typed() -> None:
    nfd = unicodedata.normalize("NFD", "пароль-ё\t")
    assert _Form.model_validate({"title": "t", "password": nfd}).password == nfd
    assert _Typed(secret=nfd).secret == nfd


def test_the_annotated_types_work_in_any_model() -> None:
    with i18n.language("en"):
        with pytest.raises(ValidationError, match="one line"):
            _Typed(line="a\nb")
        with pytest.raises(ValidationError, match="slashes"):
            _Typed(file="../x")
    assert _Typed(text="a\r\nb").text == "a\nb"


def test_values_read_back_from_storage_are_kept_as_they_were() -> None:
    kept = _Form.model_validate({"title": "old\u202evalue", "body": "a\x00"}, context=STORED)
    assert (kept.title, kept.body) == ("old\u202evalue", "a\x00")
    assert _Typed.model_validate({"line": "a\nb"}, context=STORED).line == "a\nb"
