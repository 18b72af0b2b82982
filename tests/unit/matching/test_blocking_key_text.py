"""A candidate key's text is compact JSON exactly as `json.dumps` writes it: the stored keys
are keyed hashes of that text, so one character of difference would lose every candidate
keyed before the change."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from interagency.matching.screen.blocking import _key

VALUES = st.one_of(st.text(), st.integers(), st.booleans())


@given(
    number=st.integers(min_value=0, max_value=200),
    values=st.lists(VALUES, max_size=4).map(tuple),
    lacking=st.sampled_from([None, True, False]),
)
def test_a_key_is_written_as_json_dumps_writes_it(
    number: int, values: tuple[object, ...], lacking: bool | None
) -> None:
    expected = json.dumps(
        [number, list(values), lacking], ensure_ascii=False, separators=(",", ":")
    )
    assert _key(number, values, lacking) == expected


def test_a_key_of_names_in_any_script_with_quotes_and_controls() -> None:
    values = ("ИВАНОВ", 'O"Brien\\', "Əliyev\n\x01", "Հարություն", 1970, True)
    expected = '[7,["ИВАНОВ","O\\"Brien\\\\","Əliyev\\n\\u0001","Հարություն",1970,true],null]'
    assert _key(7, values, None) == expected
