"""The candidate keys kept in a database (`screen.blocking`) find exactly the candidates
of the in-memory index, rule by rule, filters of missing values included."""

from __future__ import annotations

import pandas as pd
import pytest

from interagency.matching.features import record_features
from interagency.matching.model import shipped_model
from interagency.matching.screen import Keys, ScreeningIndex
from interagency.matching.screen.blocking import lookup_keys, stored_keys
from interagency.matching.screen.index import keys_from_row

from .people import population


def _keys(table: pd.DataFrame, prefix: str) -> list[Keys]:
    rows = table.astype("string").fillna("").to_dict("records")
    return [keys_from_row(record_features({**row, "id": f"{prefix}{row['id']}"})) for row in rows]


@pytest.fixture(scope="module")
def people() -> tuple[list[Keys], list[Keys]]:
    """Birth dates missing or reduced to the year on both sides, passports on some, so
    that every rule (and the filters of the rules that apply without a date) is met."""
    a, b, _ = population(seed=23, persons=200)
    a.loc[a.index % 5 == 2, "birth_date"] = ""
    b.loc[b.index % 4 == 1, "birth_date"] = b["birth_date"].str[-4:]
    b.loc[b.index % 7 == 3, "birth_date"] = ""
    return _keys(a, "a"), _keys(b, "b")


def test_the_stored_keys_find_what_the_index_finds(people: tuple[list[Keys], list[Keys]]) -> None:
    queries, held = people
    index = ScreeningIndex(shipped_model(), term_frequencies=False)
    index.add_many(held)
    by_key: dict[str, set[str]] = {}
    for person in held:
        for key in stored_keys(person):
            by_key.setdefault(key, set()).add(person.unique_id)
    compared = 0
    for query in queries:
        found = set().union(*(by_key.get(key, set()) for key in lookup_keys(query)))
        assert found == index.candidates(query), query.unique_id
        compared += len(found)
    # Not vacuous: most queries have candidates, some through the missing-date rules.
    assert compared > len(queries)


def _person(unique_id: str, **fields: str) -> Keys:
    return keys_from_row(record_features({"id": unique_id, **fields}))


def _found(query: Keys, held: Keys) -> tuple[bool, bool]:
    """Whether the index, and whether the keys, pair `query` with `held`."""
    index = ScreeningIndex(shipped_model(), term_frequencies=False)
    index.add(held)
    return held.unique_id in index.candidates(query), bool(lookup_keys(query) & stored_keys(held))


def test_the_name_rules_pair_only_when_a_birth_date_is_missing() -> None:
    """The filter `(l.dob is null or r.dob is null)`, from either side."""
    dated = _person("h1", surname="Ivanov", given_name="Ivan", birth_date="1980-01-01")
    undated = _person("h2", surname="Ivanov", given_name="Ivan")
    other_date = _person("q", surname="Иванов", given_name="Иван", birth_date="1975-05-05")
    no_date = _person("q", surname="Иванов", given_name="Иван")
    assert _found(no_date, dated) == (True, True)
    assert _found(other_date, undated) == (True, True)
    assert _found(no_date, undated) == (True, True)
    # Two dates that disagree: no rule of names alone pairs them, in either index.
    assert _found(other_date, dated) == (False, False)
