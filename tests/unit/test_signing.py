from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from interagency.web.signing import sign, unsign

SECRET = "a-secret-for-tests"


@given(st.text())
def test_a_signed_value_comes_back_unchanged(value: str) -> None:
    token = sign(SECRET, "flash", value, now=1000)
    assert unsign(SECRET, "flash", token, max_age=60, now=1010) == value


@given(st.text(min_size=1), st.integers(min_value=0))
def test_any_altered_character_is_refused(value: str, position: int) -> None:
    token = sign(SECRET, "csrf", value, now=1000)
    index = position % len(token)
    replacement = "A" if token[index] != "A" else "B"
    forged = token[:index] + replacement + token[index + 1 :]
    assert unsign(SECRET, "csrf", forged, max_age=60, now=1000) is None


def test_a_token_for_one_purpose_is_refused_for_another() -> None:
    token = sign(SECRET, "flash", "value", now=1000)
    assert unsign(SECRET, "csrf", token, max_age=60, now=1000) is None


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = sign("another-secret", "csrf", "value", now=1000)
    assert unsign(SECRET, "csrf", token, max_age=60, now=1000) is None


def test_an_expired_token_is_refused() -> None:
    token = sign(SECRET, "csrf", "value", now=1000)
    assert unsign(SECRET, "csrf", token, max_age=60, now=1061) is None
    assert unsign(SECRET, "csrf", token, max_age=60, now=1060) == "value"


def test_garbage_is_refused_without_an_exception() -> None:
    for garbage in ("", ".", "a.b", "a.b.c.d", "!!!.1.x"):
        assert unsign(SECRET, "csrf", garbage, max_age=60) is None
