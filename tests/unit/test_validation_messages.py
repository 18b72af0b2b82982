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
