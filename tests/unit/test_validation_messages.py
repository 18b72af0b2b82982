from __future__ import annotations

from interagency import i18n
from interagency.web.errors import describe_problem


def test_a_known_problem_is_translated_with_its_constraint() -> None:
    error = {"type": "string_too_long", "ctx": {"max_length": 120}}
    with i18n.language("en"):
        assert describe_problem(error) == "Too long: at most 120 characters."
    with i18n.language("ru"):
        assert describe_problem(error) == "Слишком длинно: не более 120 символов."


def test_an_unknown_problem_gets_the_generic_message() -> None:
    with i18n.language("ru"):
        assert describe_problem({"type": "something_new"}) == "Недопустимое значение."


def test_a_problem_without_its_constraint_does_not_fail() -> None:
    with i18n.language("en"):
        assert describe_problem({"type": "string_too_short"}) == "The value is not valid."


def test_a_page_never_shows_a_regular_expression_the_api_does() -> None:
    error = {"type": "string_pattern_mismatch", "ctx": {"pattern": "^[MFmf]?$"}}
    with i18n.language("en"):
        assert "^[MFmf]?$" in describe_problem(error)
        assert describe_problem(error, for_page=True) == (
            "This is not in the form the field asks for."
        )
    with i18n.language("ru"):
        assert "^" not in describe_problem(error, for_page=True)
